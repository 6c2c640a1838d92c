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
