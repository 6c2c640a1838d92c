corral_unit_test(vuart ${CMAKE_CURRENT_LIST_DIR}/test_vuart.c
	${PROJECT_SOURCE_DIR}/hypervisor/vdev/vuart.c)
