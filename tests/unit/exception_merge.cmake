# An exception during the delivery of another (hypervisor/guest/exception_merge.c).
corral_unit_test(exception_merge ${CMAKE_CURRENT_LIST_DIR}/test_exception_merge.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/exception_merge.c)
