# What a machine check means for corral and its VMs (hypervisor/host/mce_policy.c).
corral_unit_test(mce_policy ${CMAKE_CURRENT_LIST_DIR}/test_mce_policy.c
	${PROJECT_SOURCE_DIR}/hypervisor/host/mce_policy.c)
