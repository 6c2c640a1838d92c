# Guest CR0/CR4 writes that exit, and the #GP RIP rule (vmx/vmx_cr.c).
corral_unit_test(vmx_cr ${CMAKE_CURRENT_LIST_DIR}/test_vmx_cr.c
	${PROJECT_SOURCE_DIR}/vmx/vmx_cr.c)
