# Unit test for hypervisor/guest/config.c: the system config parser.
# The DTS fixtures are compiled with dtc at build time, with the flags the
# rest of corral uses: the schema's "name" property would otherwise trip
# dtc's legacy name_properties check (docs/config.md, "Compiling").
find_program(CORRAL_UNIT_DTC dtc REQUIRED)
set(CORRAL_UNIT_DTC_FLAGS -q -E no-name_properties -W no-unit_address_vs_reg)

set(config_fixture_dir ${CMAKE_CURRENT_BINARY_DIR}/config-fixtures)
file(GLOB config_fixture_sources CONFIGURE_DEPENDS
	${PROJECT_SOURCE_DIR}/tests/unit/fixtures/config-*.dts)
set(config_fixture_blobs)
foreach(dts ${config_fixture_sources})
	get_filename_component(base ${dts} NAME_WE)
	set(dtb ${config_fixture_dir}/${base}.dtb)
	add_custom_command(OUTPUT ${dtb}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${config_fixture_dir}
		COMMAND ${CORRAL_UNIT_DTC} ${CORRAL_UNIT_DTC_FLAGS} -I dts -O dtb -o ${dtb} ${dts}
		DEPENDS ${dts}
		COMMENT "dtc ${base}.dts"
		VERBATIM)
	list(APPEND config_fixture_blobs ${dtb})
endforeach()
add_custom_target(config_fixtures DEPENDS ${config_fixture_blobs})

# libfdt is compiled into this test too (ahead of corral_host_fdt, which is
# not sanitized), so that ASan also watches libfdt's own reads of hostile blobs.
corral_unit_test(config
	${PROJECT_SOURCE_DIR}/tests/unit/test_config.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/config.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/config_backend.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/config_blk.c
	${PROJECT_SOURCE_DIR}/hypervisor/guest/config_net.c
	${PROJECT_SOURCE_DIR}/lib/export_spec.c
	${PROJECT_SOURCE_DIR}/lib/format.c
	${CORRAL_LIBFDT_DIR}/fdt.c ${CORRAL_LIBFDT_DIR}/fdt_ro.c
	${CORRAL_LIBFDT_DIR}/fdt_sw.c ${CORRAL_LIBFDT_DIR}/fdt_strerror.c)
add_dependencies(config config_fixtures)
target_compile_definitions(config PRIVATE
	CONFIG_FIXTURE_DIR="${config_fixture_dir}")
