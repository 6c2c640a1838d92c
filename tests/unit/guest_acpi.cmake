# Per-VM ACPI tables (hypervisor/guest/guest_acpi*.c), parsed back byte by byte.
corral_unit_test(guest_acpi
	${PROJECT_SOURCE_DIR}/tests/unit/test_guest_acpi.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/guest_acpi.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/guest_acpi_dsdt.c)
