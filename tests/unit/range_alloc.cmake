corral_unit_test(range_alloc ${CMAKE_CURRENT_LIST_DIR}/test_range_alloc.c
	${PROJECT_SOURCE_DIR}/hypervisor/mm/range_alloc.c)
