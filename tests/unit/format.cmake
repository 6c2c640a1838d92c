# Unit test for lib/format.c: the bounded snprintf of the hypervisor and the
# loader. Host tests see it as corral_snprintf (lib/include/format.h).
corral_unit_test(format ${CMAKE_CURRENT_LIST_DIR}/test_format.c
	${PROJECT_SOURCE_DIR}/lib/format.c)
