# The in-flight record of a block queue (mappers/corral-blk/inflight.c).
corral_unit_test(inflight ${CMAKE_CURRENT_LIST_DIR}/test_inflight.c
	${PROJECT_SOURCE_DIR}/mappers/corral-blk/inflight.c)
