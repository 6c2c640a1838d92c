corral_unit_test(vpm ${CMAKE_CURRENT_LIST_DIR}/test_vpm.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vpm.c
	${PROJECT_SOURCE_DIR}/lib/civil_time.c)
