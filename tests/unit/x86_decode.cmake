# The MMIO instruction decoder (hypervisor/guest/x86_decode.c).
corral_unit_test(x86_decode
	${PROJECT_SOURCE_DIR}/tests/unit/test_x86_decode.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/x86_decode.c)
