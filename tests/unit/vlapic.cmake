corral_unit_test(vlapic ${CMAKE_CURRENT_LIST_DIR}/test_vlapic.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vlapic.c)
