# Loader scenarios: corral.efi's own checks under OVMF in QEMU TCG. None
# needs the real hypervisor: the error cases end at "corral-efi: returning
# to firmware" (the loader reads every config-named file before corral.elf),
# and the hand-off test brings its own stand-in.
# Included by tests/scenario/CMakeLists.txt; corral_scenario() is there.

# A config naming a file that is not on the ESP: the error names the file,
# the node and the property, and the loader returns to the firmware.
corral_scenario(qemu.loader.missing-file ACCEL tcg
	CONFIG tests/scenario/configs/loader-missing-file.dts TIMEOUT 120
	LABELS qemu
	RUN_ARGS --until "corral-efi: returning to firmware"
	EXPECT
		"corral-efi: [0-9.]+ starting"
		"corral-efi: error: cannot open .corral.loader-absent-kernel [(]named by /vms/vm@0 property \"kernel\"[)]: EFI_NOT_FOUND"
		"corral-efi: returning to firmware"
		"!corral-efi: handing off")

# A device tree that is not a corral config (root compatible is not
# "corral,system-1") is rejected before anything is loaded.
corral_scenario(qemu.loader.bad-config ACCEL tcg
	CONFIG tests/scenario/configs/loader-bad-config.dts TIMEOUT 120
	LABELS qemu
	RUN_ARGS --until "corral-efi: returning to firmware"
	EXPECT
		"corral-efi: error: .corral.system[.]dtb: the root node is compatible with \"acme,not-corral\", not \"corral,system-1\""
		"corral-efi: returning to firmware"
		"!corral-efi: loaded "
		"!corral-efi: handing off")

# A corral config without /vms is rejected, naming the file.
corral_scenario(qemu.loader.no-vms ACCEL tcg
	CONFIG tests/scenario/configs/loader-no-vms.dts TIMEOUT 120
	LABELS qemu
	RUN_ARGS --until "corral-efi: returning to firmware"
	EXPECT
		"corral-efi: error: .corral.system[.]dtb has no /vms node"
		"corral-efi: returning to firmware")

# The hand-off itself, with a stand-in hypervisor that loader_handoff.sh
# builds: it checks boot_info and the machine state after
# ExitBootServices() and exits QEMU, so this does not depend on how far the
# real hypervisor gets (boot.single covers that).
add_test(NAME qemu.loader.handoff
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader_handoff.sh ${CORRAL_ESP_DIR} 180
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.loader.handoff PROPERTIES
	LABELS qemu TIMEOUT 240
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)

# Started from the UEFI shell with a config path on the command line; the
# firmware's memory map shows that an error gives back every page.
add_test(NAME qemu.loader.shell
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader_shell.sh ${CORRAL_ESP_DIR} 180
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.loader.shell PROPERTIES
	LABELS qemu TIMEOUT 240
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)
