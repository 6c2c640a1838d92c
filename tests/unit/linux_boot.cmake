# Unit test for hypervisor/guest/linux_boot.c: guest memory layout, zero page,
# GDT, identity page tables and the command line. Like the bzimage test, it also
# loads the real guest kernel when scripts/setup has fetched one.
corral_unit_test(linux_boot
	${PROJECT_SOURCE_DIR}/tests/unit/test_linux_boot.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/linux_boot.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/bzimage.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
target_compile_definitions(linux_boot PRIVATE
	CORRAL_KERNEL_ENV="${CORRAL_CACHE}/kernel/current.env")
