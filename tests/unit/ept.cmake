corral_unit_test(ept ${CMAKE_CURRENT_LIST_DIR}/test_ept.c
	${PROJECT_SOURCE_DIR}/ept/gpa_map.c ${PROJECT_SOURCE_DIR}/ept/pt_build.c
	${PROJECT_SOURCE_DIR}/ept/ept_format.c)
