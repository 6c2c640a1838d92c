# Loader scenarios: corral.efi's own checks under OVMF in QEMU TCG. Each
# ends at "corral-efi: returning to firmware", so none needs the
# hypervisor (the loader reads every config-named file before corral.elf).
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

# A good config reaches the hand-off: the loader finds SVM, the files and
# the firmware's ACPI tables, and reserves the AP trampoline below 0x9F000.
# It stops at the hand-off line, so it does not depend on the hypervisor
# getting far (boot.single covers that), but it needs the guest files and
# corral.elf in the ESP.
corral_scenario(qemu.loader.handoff ACCEL tcg
	CONFIG guests/single.dts TIMEOUT 180
	LABELS qemu
	RUN_ARGS --until "corral-efi: handing off to the hypervisor at 0x[0-9a-f]+"
	EXPECT
		"corral-efi: cpu: SVM [(]AMD-V[)] present"
		"corral-efi: loaded .corral."
		"corral-efi: hypervisor .corral.corral[.]elf: [0-9]+ KiB at 0x[0-9a-f]*[02468ace]00000, entry 0x"
		"corral-efi: ACPI 2[.]0[+] RSDP at 0x"
		"corral-efi: AP trampoline page at 0x[0-9a-f]{1,2}000$"
		"corral-efi: handing off to the hypervisor at 0x"
		"!corral-efi: error")

# Started from the UEFI shell with a config path on the command line; the
# firmware's memory map shows that an error gives back every page.
add_test(NAME qemu.loader.shell
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/loader_shell.sh ${CORRAL_ESP_DIR} 180
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.loader.shell PROPERTIES
	LABELS qemu TIMEOUT 240
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)
