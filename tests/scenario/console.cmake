# Console scenarios: what is typed on the machine's serial port. scripts/run
# --input types the steps of a file into QEMU's COM1 while the system runs
# (docs/running.md); corral's keys are in docs/console.md.
# Included by tests/scenario/CMakeLists.txt; corral_scenario() is there.

# --- qemu.console.input ------------------------------------------------
# tests/scenario/configs/console-input.dts: two VMs, "left" (VM 0) and
# "right" (VM 1), each read one line from their ttyS0 and print it back
# (corral.echo=1, guests/initramfs/init). console-input.input lists the VMs
# with Ctrl-A l, focuses "right" with Ctrl-A 1 and types "to-right", then
# focuses "left" with Ctrl-A 0 and types "to-left". Each line reaches the
# focused VM only, without the keys that moved the focus.
corral_scenario(qemu.console.input ACCEL tcg
	CONFIG tests/scenario/configs/console-input.dts TIMEOUT 300
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
		--input "${CMAKE_CURRENT_SOURCE_DIR}/configs/console-input.input"
	EXPECT
		"^[[]left[]] ECHO-READY left$"
		"^[[]right[]] ECHO-READY right$"
		# Ctrl-A l: a header (";" would split the CMake list: ".") and a
		# line per VM, the focus (VM 0 at first) marked with "*".
		"^corral: console: 2 VM[(]s[)]. input goes to [[]left[]]. "
		"^corral: console:  [*]0 left +cpu [0-9]+  1 vCPU[(]s[)], (running|idle [(]halted[)]), 0 restart[(]s[)]$"
		"^corral: console:   1 right +cpu [0-9]+  1 vCPU[(]s[)], (running|idle [(]halted[)]), 0 restart[(]s[)]$"
		"^corral: console: input now goes to [[]right[]]$"
		"^corral: console: input now goes to [[]left[]]$"
		# Exactly the typed text, in the focused VM.
		"^[[]right[]] ECHO right to-right$"
		"^[[]left[]] ECHO left to-left$"
		"!ECHO right to-left"
		"!ECHO left to-right"
		"!ECHO-TIMEOUT"
		"!corral: console: Ctrl-A 0x"
		"corral: vm left: powered off"
		"corral: vm right: powered off"
		"!corral: vm (left|right): (crashed|restarting)"
		"corral: all VMs stopped"
		"!corral: PANIC")
