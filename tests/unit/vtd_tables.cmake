# Unit test for iommu/vtd_tables.c and ept/vtd_sl_format.c: root and context
# entries at exact bit positions, second-level leaves, 3-level roots, SAGAW.
corral_unit_test(vtd_tables ${CMAKE_CURRENT_LIST_DIR}/test_vtd_tables.c
	${PROJECT_SOURCE_DIR}/iommu/vtd_tables.c
	${PROJECT_SOURCE_DIR}/ept/vtd_sl_format.c
	${PROJECT_SOURCE_DIR}/ept/gpa_map.c ${PROJECT_SOURCE_DIR}/ept/pt_build.c)
target_include_directories(vtd_tables PRIVATE ${PROJECT_SOURCE_DIR}/iommu)
