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

# --- qemu.mce.host -----------------------------------------------------
# The QEMU monitor's "mce" reports machine checks on CPU 1, which runs no
# VM (both share CPU 0): a corrected error, found by the poll of the banks
# and only logged, then an uncorrected memory error in VM two's RAM, which
# raises #MC in corral on CPU 1. corral logs the banks, stops VM two (and
# does not restart it onto the poisoned page), and VM one finishes its
# work. Before corral handled machine checks, CR4.MCE was clear and QEMU
# reset the whole machine on the #MC. (QEMU's TCG delivers an #MC that
# strikes in guest mode straight into the guest, past the #MC intercept,
# so the exit path is covered by unit.vmx_events, unit.svm_vmcb and
# unit.mce_policy: docs/cpu-isolation.md.)
corral_scenario(qemu.mce.host ACCEL tcg
	CONFIG tests/scenario/configs/host-mce.dts TIMEOUT 300
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
		--input "${CMAKE_CURRENT_SOURCE_DIR}/configs/host-mce.input"
	EXPECT
		"corral: machine checks: 10 banks, software-recoverable"
		"corral: warning: machine check on cpu 1 [(]found by the poll[)]: bank 1 status 0x9000000000000080 .*[(]corrected[)]"
		"corral: error: machine check on cpu 1 in corral: bank 2 status 0xbd000000000000c0 addr 0x[0-9a-f]+000 misc 0x8c mcg_status 0x5 [(]uncorrected, action optional[)]"
		"corral: vm two: stopped by a machine check [(]machine check on cpu 1: uncorrected error in its memory at host address 0x[0-9a-f]+000[)]"
		"corral: warning: vm two: page 0x[0-9a-f]+000 had an uncorrected memory error: kept out of use"
		"WORK-DONE one [0-9a-f]{64}"
		"corral: vm one: powered off"
		"corral: all VMs stopped"
		"!corral: PANIC"
		"!vm two: restarting"
		"!vm one: stopped by a machine check")
