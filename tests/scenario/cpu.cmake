# CPU-side isolation scenarios (docs/guest-platform.md, "NMIs"): host NMIs,
# guest NMIs. Included by tests/scenario/CMakeLists.txt; corral_scenario()
# is there.

# --- qemu.nmi.host -----------------------------------------------------
# The QEMU monitor's "nmi" raises the external NMI line (LINT1, which only
# the BSP leaves unmasked, as on PC hardware) while two VMs run, twice.
# Before corral had an NMI handler, the first one panicked CPU 0.
corral_scenario(qemu.nmi.host ACCEL tcg
	CONFIG tests/scenario/configs/host-nmi.dts TIMEOUT 300
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
		--input "${CMAKE_CURRENT_SOURCE_DIR}/configs/host-nmi.input"
	EXPECT
		"corral: warning: host NMI on cpu 0 [(]1 in all. port 0x61 = 0x[0-9a-f]+: .*[)]. corral carries on"
		"corral: warning: host NMI on cpu 0 [(]2 in all"
		"WORK-DONE one [0-9a-f]{64}"
		"WORK-DONE two [0-9a-f]{64}"
		"corral: vm one: powered off"
		"corral: vm two: powered off"
		"corral: all VMs stopped"
		"!corral: PANIC"
		"!exception 2")
