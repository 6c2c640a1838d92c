# The SPEC_CTRL/PRED_CMD model a guest sees (hypervisor/guest/spec_ctrl_msr.c).
corral_unit_test(spec_ctrl_msr ${CMAKE_CURRENT_LIST_DIR}/test_spec_ctrl_msr.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/spec_ctrl_msr.c)
