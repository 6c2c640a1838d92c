# Client-disk scenarios: clients' virtio-blk devices served by corral-blkd in
# a driver VM that runs the stock nvme and ahci drivers (docs/mappers.md).
# Included by tests/scenario/CMakeLists.txt.

# A file written with fsync survives a restart of the whole system, on the
# NVMe and on the AHCI path, and the host finds it in the image files where
# each export lies (virtio_blk.sh).
add_test(NAME qemu.blk.integrity
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/virtio_blk.sh
		--esp ${CORRAL_ESP_DIR} qemu.blk.integrity
		${PROJECT_SOURCE_DIR}/tests/scenario/configs/virtio-blk-integrity.dts 900
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.blk.integrity PROPERTIES
	LABELS qemu TIMEOUT 2000 SKIP_RETURN_CODE 77
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)

# Eight clients, the most one driver VM serves, write and verify at once on
# one NVMe disk; the host finds each file in its export and no client's
# bytes in another's (virtio_blk_eight.sh).
add_test(NAME qemu.blk.eight
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/virtio_blk_eight.sh
		--esp ${CORRAL_ESP_DIR} qemu.blk.eight
		${PROJECT_SOURCE_DIR}/tests/scenario/configs/virtio-blk-eight.dts 900
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.blk.eight PROPERTIES
	LABELS qemu TIMEOUT 1200 SKIP_RETURN_CODE 77
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)
