# When VT-x lets corral inject an interrupt or an NMI (vmx/vmx_events.c).
corral_unit_test(vmx_events ${CMAKE_CURRENT_LIST_DIR}/test_vmx_events.c
	${PROJECT_SOURCE_DIR}/vmx/vmx_events.c)
