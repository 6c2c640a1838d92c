# Client-networking scenarios (docs/virtio.md). Included by
# tests/scenario/CMakeLists.txt; corral_scenario() is there.

# --- qemu.virtio.bind ----------------------------------------------------
# A client's stock virtio_net binds to corral's virtio-net device, with no
# patches and no kernel options: it sees the configured MAC and, with no
# backend serving the device yet, no carrier. Unbinding and binding it
# twice resets the device each way, and it comes back each time. Before
# corral emulated virtio-pci, a client had no PCI bus and no VNET line.
corral_scenario(qemu.virtio.bind ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-bind.dts TIMEOUT 360
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"corral: vm one: virtio-net 52:54:00:00:00:10 at 00:10[.]0 [(]BAR0 0xd0000000, ports 0xe000-0xe03f[)], served by vm net"
		"corral: vm one: virtio-net 52:54:00:00:00:10: driver ready [(]features 0x1[0-9a-f]+[)]"
		"\\[one\\] VNET one eth0 52:54:00:00:00:10 carrier=0"
		"corral: vm one: virtio-net 52:54:00:00:00:10: reset by the driver"
		"\\[one\\] VNET-REBIND-1 one eth0 52:54:00:00:00:10 carrier=0"
		"\\[one\\] VNET-REBIND-2 one eth0 52:54:00:00:00:10 carrier=0"
		"corral: vm one: powered off"
		"corral: all VMs stopped"
		"!VNET-ERROR"
		"!corral: PANIC")

# --- qemu.virtio.window --------------------------------------------------
# The driver VM "net" reads its channel function as the mapper will (with
# devmem): the slot of the client's virtio-net goes live with its MAC and
# name, and the client's first receive descriptor, read through the window
# onto the client's memory, is a buffer inside the client's RAM. Once the
# client's device is reset and its VM powered off, the driver VM reads the
# old window again, and corral stops it: no driver VM reaches a client's
# memory after the client's device is gone.
corral_scenario(qemu.virtio.window ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-channel.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"corral: vm net: channel at 00:0f[.]0 [(]BAR0 0x[0-9a-f]+[)] for 1 client device[(]s[)], windows from 0x[0-9a-f]+"
		"corral: vm one: virtio-net 52:54:00:00:00:10: driver ready [(]features 0x[0-9a-f]+[)]; window mapped in vm net, slot 0"
		"\\[net\\] CHANNEL 0000:00:0f[.]0 magic=0x4C4E4843 slots=1"
		"\\[net\\] CHANNEL-SLOT 0 live window=0x[0-9A-F]+ size=0x0+8000000 mac=0x00005452 name=0x00656E6F desc=0x[0-9A-F]+"
		"\\[net\\] CHANNEL-WINDOW desc0 addr=0x[0-9A-F]+ len=[1-9][0-9]*"
		"\\[net\\] CHANNEL-WINDOW-OK"
		"corral: vm one: powered off"
		"\\[net\\] CHANNEL-SLOT 0 stopped"
		"corral: vm net: crashed [(]read of guest-physical address 0x[0-9a-f]+ outside its memory"
		"corral: all VMs stopped"
		"!CHANNEL-STALE-READ"
		"!CHANNEL-WINDOW-BAD"
		"!corral: PANIC")

# --- qemu.virtio.core ----------------------------------------------------
# The driver VM loads mappers/corral-core, which binds the channel with
# MSI-X: the control vector brings the client's slot, live with its name,
# MAC, window and features, and later stopped; the kick vectors bring the
# client's kicks (at least the receive queue's first, which the channel
# held until corral-core's handler was there).
corral_scenario(qemu.virtio.core ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-core.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"\\[net\\] CORE channel version 1, 1 slot[(]s[)], 5 vectors"
		"\\[net\\] CORE slot 0 [(]one, 52:54:00:00:00:10[)]: live, window 0x[0-9a-f]+ size 0x8000000, 2 queues, features 0x1300199ab"
		"\\[net\\] CORE slot 0 [(]one[)]: stopped after [1-9][0-9]* kicks"
		"\\[net\\] DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!CORE-INSMOD-FAIL"
		"!CORE-SLOT-NOT"
		"!corral: PANIC")

# --- qemu.virtio.echo ----------------------------------------------------
# The whole doorbell loop without vhost: the client kicks its receive
# queue (an I/O-port write), corral raises the channel's kick vector in
# the driver VM, corral-core (echo_kicks=1) answers with
# HC_CHANNEL_INTERRUPT, and corral raises the client's receive-queue
# interrupt, which the client's /proc/interrupts counts.
corral_scenario(qemu.virtio.echo ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-echo.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"\\[net\\] CORE slot 0 [(]one, 52:54:00:00:00:10[)]: live"
		"\\[one\\] VNET-IRQ one virtio0-input[.]0 [1-9][0-9]*"
		"\\[net\\] CORE slot 0 [(]one[)]: stopped after [1-9][0-9]* kicks, [1-9][0-9]* echoed"
		"\\[net\\] DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!CORE-INSMOD-FAIL"
		"!CORE-SLOT-NOT"
		"!corral: PANIC")

# --- bochs.virtio.echo ---------------------------------------------------
# qemu.virtio.echo on VT-x with EPT, the mission's own backend: Bochs'
# e1000 in the driver VM (as in bochs.assign.e1000), the window in its
# EPT, the kick as an MSI into it, and corral-core's VMCALL back.
corral_scenario(bochs.virtio.echo ACCEL bochs
	CONFIG tests/scenario/configs/virtio-net-bochs.dts TIMEOUT 1500
	LABELS bochs
	RUN_ARGS --bochs-line "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null"
	EXPECT
		"corral: vm one: virtio-net 52:54:00:00:00:10: driver ready [(]features 0x[0-9a-f]+[)]; window mapped in vm nic, slot 0"
		"\\[nic\\] CORE slot 0 [(]one, 52:54:00:00:00:10[)]: live"
		"\\[one\\] VNET-IRQ one virtio0-input[.]0 [1-9][0-9]*"
		"\\[nic\\] CORE slot 0 [(]one[)]: stopped after [1-9][0-9]* kicks, [1-9][0-9]* echoed"
		"\\[nic\\] DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!CORE-SLOT-NOT"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")
