corral_unit_test(sched ${CMAKE_CURRENT_LIST_DIR}/test_sched.c
	${PROJECT_SOURCE_DIR}/hypervisor/core/sched.c)
