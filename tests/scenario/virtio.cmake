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
# client's device is reset and its VM powered off, the slot is resetting
# (no mapper here acknowledges), and the driver VM reads the old window
# again: it reads scratch (zeroes), not the client's memory, and runs on.
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
		"\\[net\\] CHANNEL-SLOT 0 resetting"
		"\\[net\\] CHANNEL-STALE-READ 0x0000000000000000"
		"\\[net\\] DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!corral: vm net: crashed"
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
		"\\[net\\] CORE channel version 3, 1 slot[(]s[)], 5 vectors"
		"\\[net\\] CORE slot 0 [(]one, 52:54:00:00:00:10[)]: live, window 0x[0-9a-f]+ size 0x8000000, 2 queues, features 0x1300199ab"
		"\\[net\\] CORE slot 0 [(]one[)]: stopped after [1-9][0-9]* kicks"
		"\\[net\\] DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!CORE-INSMOD-FAIL"
		"!CORE-SLOT-NOT"
		"!corral: PANIC")

# --- bochs.net.traffic -----------------------------------------------------
# Client traffic on VT-x with EPT, the mission's own backend: Bochs' e1000
# in the driver VM (as in bochs.assign.e1000), the client's memory in its
# EPT as a window, kicks as MSIs into it, stock vhost-net over the window,
# and calls back as VMCALLs. Bochs' NIC has no network behind it, so the
# client fetches 109 KB from the driver VM's own address on the bridge and
# checks its sha256.
corral_scenario(bochs.net.traffic ACCEL bochs
	CONFIG tests/scenario/configs/net-bochs.dts TIMEOUT 1500
	LABELS bochs
	RUN_ARGS --bochs-line "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null"
	EXPECT
		"corral: vm one: virtio-net 52:54:00:00:00:10: driver ready [(]features 0x[0-9a-f]+[)]; window mapped in vm nic, slot 0"
		"\\[nic\\] NETD slot 0 [(]one, 52:54:00:00:00:10[)]: served as vif0"
		"\\[nic\\] BRIDGE-SERVE br0 192[.]168[.]77[.]254"
		"\\[one\\] VNET-XFER-OK one from 192[.]168[.]77[.]254 108894 bytes"
		"\\[nic\\] NETD done after 1 session[(]s[)]"
		"corral: all VMs stopped"
		"!NETD-ERROR"
		"!VNET-XFER-BAD"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")

# --- qemu.net.two ----------------------------------------------------------
# Client networking end to end: the driver VM runs the stock e1000e, and
# corral-netd gives each of two clients to the stock vhost-net, with a tap
# on the bridge br0 over the NIC. Each client's link comes up only when
# the mapper serves it; each gets an address by DHCP from QEMU's user
# network through the bridge and pings the router; then the two fetch
# 4 MB from each other over TCP, and each checks the sha256 of what came.
corral_scenario(qemu.net.two ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-two.dts TIMEOUT 1500
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"\\[net\\] NETD bridge br0 eth0"
		"corral: vm one: virtio-net 52:54:00:00:00:11: served by vm net: link up"
		"\\[net\\] NETD slot 0 [(]one, 52:54:00:00:00:11[)]: served as vif0"
		"\\[one\\] VNET-DHCP one eth0 10[.]0[.]2[.][0-9]+"
		"\\[one\\] VNET-PING-OK one 10[.]0[.]2[.]2"
		"\\[two\\] VNET-DHCP two eth0 10[.]0[.]2[.][0-9]+"
		"\\[two\\] VNET-PING-OK two 10[.]0[.]2[.]2"
		"\\[one\\] VNET-XFER-OK one from 192[.]168[.]77[.]2 4088895 bytes 32b004e0f430387b32fdc16b487c4e5fbb689ba8b4eccc20807f318926f2bf4c"
		"\\[two\\] VNET-XFER-OK two from 192[.]168[.]77[.]1 4088895 bytes 32b004e0f430387b32fdc16b487c4e5fbb689ba8b4eccc20807f318926f2bf4c"
		"\\[net\\] NETD done after 2 session[(]s[)]"
		"\\[net\\] CORE slot 0 [(]one[)]: stopped after"
		"corral: all VMs stopped"
		"!NETD-ERROR"
		"!VNET-XFER-BAD"
		"!corral: vm net: crashed"
		"!corral: PANIC")

# --- qemu.net.eight ----------------------------------------------------------
# Eight clients on one NIC at once, as many as a driver VM serves: each
# gets a lease through the bridge and pings the router, and four pairs
# fetch 4 MB from each other, checked by sha256 on both ends.
set(net_eight_expect)
foreach(i 1 2 3 4 5 6 7 8)
	math(EXPR peer "${i} + 1 - 2 * ((${i} + 1) % 2)")
	list(APPEND net_eight_expect
		"\\[c${i}\\] VNET-PING-OK c${i} 10[.]0[.]2[.]2"
		"\\[c${i}\\] VNET-XFER-OK c${i} from 192[.]168[.]77[.]${peer} 4088895 bytes 32b004e0f430387b")
endforeach()
corral_scenario(qemu.net.eight ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-eight.dts TIMEOUT 2400
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		${net_eight_expect}
		"\\[net\\] NETD slot 7 [(]c8, 52:54:00:00:00:28[)]: served as vif7"
		"\\[net\\] NETD done after 8 session[(]s[)]"
		"corral: all VMs stopped"
		"!NETD-ERROR"
		"!VNET-XFER-BAD"
		"!corral: vm net: crashed"
		"!corral: PANIC")

# --- qemu.net.rebind ---------------------------------------------------------
# The client's network works again after each reset of its device: an
# unbind and rebind of virtio_net, a reboot (corral restarts the VM, whose
# device comes back while the driver VM may still be letting go of the old
# one), and another rebind. Each time the link comes up, DHCP gets a lease
# and the router answers.
corral_scenario(qemu.net.rebind ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-rebind.dts TIMEOUT 1500
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"\\[one\\] VNET-PING-OK one 10[.]0[.]2[.]2 boot"
		"\\[one\\] VNET-REBIND-1 one eth0 52:54:00:00:00:31 carrier=[01]"
		"\\[one\\] VNET-PING-OK one 10[.]0[.]2[.]2 bind1"
		"\\[one\\] GUEST-RESTART one 1"
		"\\[one\\] VNET-PING-OK one 10[.]0[.]2[.]2 reboot1"
		"\\[net\\] NETD done after 4 session[(]s[)]"
		"corral: all VMs stopped"
		"!VNET-PING-FAIL"
		"!VNET-NO-CARRIER"
		"!NETD-ERROR"
		"!corral: vm net: crashed"
		"!corral: PANIC")

# --- qemu.net.hostile --------------------------------------------------------
# A hostile client ("evil", tests/vring-attack/) drives its virtio-net
# device with its own module: 400 rounds, each a ring full of malformed
# descriptors of one of nine kinds (102400 in all). vhost refuses each
# round, corral marks the device DEVICE_NEEDS_RESET and names the client in
# its log, and the module resets the device for the next round. Meanwhile
# the well-behaved clients "one" and "two" move 15 MB to each other through
# the same driver VM, and the checksums match. The driver VM counts only
# their sessions (corral.serve_slots): how many runs the attack makes of
# its device is the attacker's choice.
corral_scenario(qemu.net.hostile ACCEL tcg
	CONFIG tests/scenario/configs/virtio-net-hostile.dts TIMEOUT 2400
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"\\[evil\\] VRING-ATTACK rounds=400 posted=102400 broken=400 kinds=9"
		"corral: warning: vm evil: virtio-net 52:54:00:00:00:66: queue 1 broke the virtio ring's rules [(]found by vm net; 1 time[(]s[)] so far[)]"
		"corral: warning: vm evil: virtio-net 52:54:00:00:00:66: queue 1 broke the virtio ring's rules [(]found by vm net; 100 time[(]s[)] so far[)]"
		"\\[one\\] VNET-XFER-OK one from 192[.]168[.]77[.]2 14888896 bytes"
		"\\[two\\] VNET-XFER-OK two from 192[.]168[.]77[.]1 14888896 bytes"
		"\\[net\\] NETD done after 2 session[(]s[)]"
		"corral: all VMs stopped"
		"!VRING-ATTACK-NOT-BROKEN"
		"!VRING-ATTACK-ERROR"
		"!VNET-XFER-BAD"
		"!corral: vm net: crashed"
		"!corral: PANIC")
