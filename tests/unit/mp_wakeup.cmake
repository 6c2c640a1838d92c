corral_unit_test(mp_wakeup ${CMAKE_CURRENT_LIST_DIR}/test_mp_wakeup.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/mp_wakeup.c)
