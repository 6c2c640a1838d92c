# virtio-blk requests from descriptor chains, for the block mapper (mappers/corral-blk/blk_req.c).
corral_unit_test(blk_req ${CMAKE_CURRENT_LIST_DIR}/test_blk_req.c
	${PROJECT_SOURCE_DIR}/mappers/corral-blk/blk_req.c)
