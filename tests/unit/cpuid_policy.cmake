corral_unit_test(cpuid_policy ${CMAKE_CURRENT_LIST_DIR}/test_cpuid_policy.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/cpuid_policy.c)
