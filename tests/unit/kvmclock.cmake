corral_unit_test(kvmclock ${CMAKE_CURRENT_LIST_DIR}/test_kvmclock.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/kvmclock.c)
