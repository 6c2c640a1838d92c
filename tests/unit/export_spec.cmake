# Export strings of virtio-blk devices (lib/export_spec.c).
corral_unit_test(export_spec ${CMAKE_CURRENT_LIST_DIR}/test_export_spec.c
	${PROJECT_SOURCE_DIR}/lib/export_spec.c)
