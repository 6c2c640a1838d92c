corral_unit_test(console_input ${CMAKE_CURRENT_LIST_DIR}/test_console_input.c
	${PROJECT_SOURCE_DIR}/hypervisor/core/console_input.c)
