# The device side of a split ring, for the block mapper (mappers/corral-blk/vring.c).
corral_unit_test(vring ${CMAKE_CURRENT_LIST_DIR}/test_vring.c
	${PROJECT_SOURCE_DIR}/mappers/corral-blk/vring.c)
