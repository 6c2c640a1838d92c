# Which speculation barriers the world switch needs (hypervisor/host/spec_policy.c).
corral_unit_test(spec_policy ${CMAKE_CURRENT_LIST_DIR}/test_spec_policy.c
	${PROJECT_SOURCE_DIR}/hypervisor/host/spec_policy.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
