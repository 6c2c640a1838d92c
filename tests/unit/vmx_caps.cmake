corral_unit_test(vmx_caps ${CMAKE_CURRENT_LIST_DIR}/test_vmx_caps.c
	${PROJECT_SOURCE_DIR}/vmx/vmx_caps.c)
