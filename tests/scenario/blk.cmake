# Client-disk scenarios: clients' virtio-blk devices served by corral-blkd in
# a driver VM that runs the stock nvme and ahci drivers (docs/mappers.md).
# Included by tests/scenario/CMakeLists.txt.

# corral_blk_scenario(NAME SCRIPT CONFIG TIMEOUT): SCRIPT (blk_lib.sh's
# arguments) boots CONFIG, within TIMEOUT seconds a boot, and reads the
# disk images itself.
function(corral_blk_scenario name script config timeout)
	add_test(NAME ${name}
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/${script}
			--esp ${CORRAL_ESP_DIR} ${name}
			${PROJECT_SOURCE_DIR}/tests/scenario/configs/${config} ${timeout}
		WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
	math(EXPR limit "${timeout} * 2 + 200")
	set_tests_properties(${name} PROPERTIES
		LABELS qemu TIMEOUT ${limit} SKIP_RETURN_CODE 77
		FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)
endfunction()

# A file written with fsync survives a restart of the whole system, on the
# NVMe and on the AHCI path, and the host finds it in the image files where
# each export lies; a read-only export and a hostile client change nothing
# on disk (virtio_blk.sh).
corral_blk_scenario(qemu.blk.integrity virtio_blk.sh virtio-blk-integrity.dts 900)

# Eight clients, the most one driver VM serves, write and verify at once on
# one NVMe disk; the host finds each file in its export and no client's
# bytes in another's (virtio_blk_eight.sh).
corral_blk_scenario(qemu.blk.eight virtio_blk_eight.sh virtio-blk-eight.dts 900)
