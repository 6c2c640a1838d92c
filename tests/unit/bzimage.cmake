# Unit test for hypervisor/guest/bzimage.c: bzImage header parsing.
# Synthetic images are always tested. The real guest kernel that
# scripts/setup records in $CORRAL_CACHE/kernel/current.env (VMLINUZ=...)
# is parsed too when it is there; CORRAL_VMLINUZ in the environment
# overrides it.
corral_unit_test(bzimage
	${PROJECT_SOURCE_DIR}/tests/unit/test_bzimage.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/bzimage.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
target_compile_definitions(bzimage PRIVATE
	CORRAL_KERNEL_ENV="${CORRAL_CACHE}/kernel/current.env")
