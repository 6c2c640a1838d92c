# libfdt is compiled from source into each image that parses the config;
# scripts/setup extracts that source from Debian's linux-source package.
set(CORRAL_LIBFDT_DIR "${CORRAL_CACHE}/src/linux-source-6.1/scripts/dtc/libfdt"
	CACHE PATH "libfdt source directory")
if(NOT EXISTS "${CORRAL_LIBFDT_DIR}/fdt_ro.c")
	message(FATAL_ERROR "libfdt source not found in ${CORRAL_LIBFDT_DIR}.\n"
		"Run scripts/setup first (it fetches the guest kernel and libfdt).")
endif()
set(CORRAL_LIBFDT_SOURCES
	${CORRAL_LIBFDT_DIR}/fdt.c ${CORRAL_LIBFDT_DIR}/fdt_ro.c
	${CORRAL_LIBFDT_DIR}/fdt_wip.c ${CORRAL_LIBFDT_DIR}/fdt_sw.c
	${CORRAL_LIBFDT_DIR}/fdt_rw.c ${CORRAL_LIBFDT_DIR}/fdt_strerror.c
	${CORRAL_LIBFDT_DIR}/fdt_empty_tree.c)
# Third-party code: built with corral's flags, but a new compiler's warning
# in it must not fail corral's build (corral's own code builds with -Werror).
# Source properties are per directory: each CMakeLists.txt that compiles
# libfdt calls this.
macro(corral_libfdt_no_werror)
	set_source_files_properties(${CORRAL_LIBFDT_SOURCES}
		PROPERTIES COMPILE_OPTIONS -Wno-error)
endmacro()
