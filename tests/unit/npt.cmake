corral_unit_test(npt ${CMAKE_CURRENT_LIST_DIR}/test_npt.c
	${PROJECT_SOURCE_DIR}/ept/gpa_map.c ${PROJECT_SOURCE_DIR}/ept/pt_build.c
	${PROJECT_SOURCE_DIR}/ept/npt_format.c)
