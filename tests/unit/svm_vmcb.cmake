corral_unit_test(svm_vmcb ${CMAKE_CURRENT_LIST_DIR}/test_svm_vmcb.c
	${PROJECT_SOURCE_DIR}/svm/vmcb_setup.c ${PROJECT_SOURCE_DIR}/svm/vmcb_irq.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/msr_policy.c)
