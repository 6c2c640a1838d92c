# Device-assignment scenarios: real (emulated) PCI devices handed to a driver
# VM that runs the stock Debian drivers from corral/driver.cpio.gz
# (guests/driver/). docs/device-assignment.md describes what the driver VM
# prints and the host BDFs the tests pin with addr=:
#   0000:00:02.0  e1000e (QEMU) / e1000 (Bochs, PCI slot 1)
#   0000:00:03.0  nvme
#   0000:00:04.0  ich9-ahci (a second one; q35's own 00:1f.2 holds the ESP)
#   0000:00:05.0  edu, the DMA attacker
# Included by tests/scenario/CMakeLists.txt; corral_scenario() is there.

# The stock e1000e driver on an assigned NIC: link, a DHCP lease from QEMU's
# user network and pings to its gateway.
corral_scenario(qemu.assign.net ACCEL tcg
	CONFIG tests/scenario/configs/assign-net.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"GUEST-READY net"
		"MODULE e1000e loaded"
		"PCI: [0-9a-f:.]+ 8086:10d3 driver=e1000e"
		"NET-LINK eth[0-9]+ up"
		"NET-DHCP eth[0-9]+ 10[.]0[.]2[.]15"
		"NET-PING-OK eth[0-9]+"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!NET-PING-FAIL"
		"!DRIVER-VM-TIMEOUT"
		"!iommu: DMA fault"
		"!corral: PANIC")

# The stock nvme and ahci drivers on assigned controllers write a pattern
# that assign_disks.sh then finds in the host's image files.
add_test(NAME qemu.assign.disks
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/assign_disks.sh
		--esp ${CORRAL_ESP_DIR} qemu.assign.disks
		${PROJECT_SOURCE_DIR}/tests/scenario/configs/assign-disks.dts 420 --
		"GUEST-READY disk"
		"PCI: [0-9a-f:.]+ 1b36:0010 driver=nvme"
		"PCI: [0-9a-f:.]+ 8086:2922 driver=ahci"
		"DISK-WRITE-OK nvme[0-9]+n[0-9]+ [0-9a-f]{64}"
		"DISK-WRITE-OK sd[a-z]+ [0-9a-f]{64}"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!DISK-WRITE-FAIL"
		"!DRIVER-VM-TIMEOUT"
		"!iommu: DMA fault"
		"!corral: PANIC"
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.assign.disks PROPERTIES
	LABELS qemu TIMEOUT 540 SKIP_RETURN_CODE 77
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)

# edu_attack.ko turns QEMU's edu device against memory that is not the
# driver VM's: its own page ("self") must be written, the hypervisor image
# and another VM's RAM (test-dma-targets) must fault in the IOMMU and stay
# unchanged, and an unprogrammed MSI-shaped write must not reach the guest.
corral_scenario(qemu.dma.attack ACCEL tcg
	CONFIG tests/scenario/configs/assign-dma.dts TIMEOUT 480
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-device edu,dma_mask=0xffffffffffffffff,addr=05.0"
	EXPECT
		"GUEST-READY victim"
		"GUEST-READY drv"
		"PCI: [0-9a-f:.]+ 1234:11e8 driver="
		"DMA-ATTACK device [0-9a-f:.]+ id=0x[0-9a-f]*ed"
		"DMA-SELFTEST ok"
		"DMA-ATTACK target=0x[0-9a-f]+ landed"
		"DMA-ATTACK target=0x[0-9a-f]+ issued"
		"MSI-SPOOF issued"
		"DMA-ATTACK-DONE"
		"corral: (warning: )?iommu: DMA fault .* source (0000:)?00:05[.]0"
		"corral: dma-test: .* unchanged"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!corral: dma-test: .* CHANGED"
		"!DMA-ATTACK-FAIL"
		"!DMA-ATTACK-SKIP"
		"!MSI-SPOOF-RESULT delivered"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")

# Bochs (VT-x, no IOMMU): the stock e1000 driver on Bochs' e1000, assigned
# with dma-isolation = "none"; only the link is checked (ethmod=null).
corral_scenario(bochs.assign.e1000 ACCEL bochs
	CONFIG tests/scenario/configs/assign-bochs-e1000.dts TIMEOUT 1500
	LABELS bochs
	RUN_ARGS --bochs-line "e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null"
	EXPECT
		"GUEST-READY nic"
		"MODULE e1000 loaded"
		"PCI: [0-9a-f:.]+ 8086:100e driver=e1000"
		"NET-LINK eth[0-9]+ up"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")

# Isolation groups (docs/device-assignment.md, "The group rule"): QEMU's
# pcie-pci-bridge with two edu devices behind it (one requester ID,
# 01:00.0) and a two-function edu device without ACS at 00:07.
set(CORRAL_GROUP_DEVICES "-device pcie-pci-bridge,id=pb,bus=pcie.0,addr=06.0 \
-device edu,bus=pb,addr=01.0,dma_mask=0xffffffffffffffff \
-device edu,bus=pb,addr=02.0,dma_mask=0xffffffffffffffff \
-device edu,addr=07.0,multifunction=on,dma_mask=0xffffffffffffffff \
-device edu,addr=07.1,dma_mask=0xffffffffffffffff")

# Each group given whole to one VM: all four devices DMA into the VM's RAM,
# the two behind the bridge through their alias context entry. Their
# secondary bus reset zeroes their BARs, which come back from the record.
corral_scenario(qemu.assign.groups ACCEL tcg
	CONFIG tests/scenario/configs/assign-groups.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "${CORRAL_GROUP_DEVICES}"
	EXPECT
		"corral: pci:   01:01[.]0 1234:11e8 class 00ff00, group 1"
		"corral: pci:   01:02[.]0 1234:11e8 class 00ff00, group 1"
		"corral: pci:   00:07[.]1 1234:11e8 class 00ff00, group 4"
		"corral: pci: 01:0[12][.]0: BAR0 restored from the boot-time record [(]it read 0x0"
		"DMA-ATTACK device 0000:00:01[.]0"
		"DMA-ATTACK device 0000:00:02[.]0"
		"DMA-ATTACK device 0000:00:03[.]0"
		"DMA-ATTACK device 0000:00:04[.]0"
		"DMA-SELFTEST ok"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!DMA-SELFTEST FAIL"
		"!DMA-ATTACK-FAIL"
		"!iommu: DMA fault"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")

# The same groups split between VMs: each driver VM is refused with its
# group named, and the client VM runs on.
corral_scenario(qemu.assign.groups-split ACCEL tcg
	CONFIG tests/scenario/configs/assign-groups-split.dts TIMEOUT 300
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "${CORRAL_GROUP_DEVICES}"
	EXPECT
		"vm bridged-a .*0000:01:01[.]0: its isolation group is [{]01:01[.]0, 01:02[.]0[}] [(]devices behind a PCI bridge"
		"vm bridged-b .*0000:01:02[.]0: its isolation group is [{]01:01[.]0, 01:02[.]0[}]"
		"vm fn0 .*0000:00:07[.]0: its isolation group is [{]00:07[.]0, 00:07[.]1[}] [(]functions of one device without ACS"
		"GUEST-READY client"
		"corral: all VMs stopped"
		"!GUEST-READY bridged"
		"!GUEST-READY fn0"
		"!corral: PANIC")

# An IOMMU without interrupt remapping: assignment is refused, naming the
# unit and the reason (a device could send any interrupt to any CPU).
corral_scenario(qemu.assign.no-intremap ACCEL tcg
	CONFIG tests/scenario/configs/assign-dma.dts TIMEOUT 300
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-iommu intremap=off
		--qemu-args "-device edu,dma_mask=0xffffffffffffffff,addr=05.0"
	EXPECT
		"vm drv .*0000:00:05[.]0: the IOMMU unit at 0x[0-9a-f]+ that covers it has no interrupt remapping"
		"GUEST-READY victim"
		"corral: all VMs stopped"
		"!GUEST-READY drv"
		"!corral: PANIC")

# A driver VM that puts its NIC into D3hot and back and reboots at once,
# twice (corral.d3reboot=2): every run gets the NIC at the BARs of the
# boot-time record and takes a lease, and the pool holds one entry
# throughout. QEMU's e1000e keeps its BARs over D3hot->D0, so the restore
# itself shows in qemu.assign.groups (a bus reset there zeroes them).
corral_scenario(qemu.assign.d3-reboot ACCEL tcg
	CONFIG tests/scenario/configs/assign-net-d3.dts TIMEOUT 600
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-netdev user,id=n0 -device e1000e,netdev=n0,addr=02.0"
	EXPECT
		"NIC-D3-DONE"
		"corral: vm net: restarting [(]restart 2,"
		"NIC-D3-SURVIVED run=2 pings=1"
		"corral: assign: 1 of 128 assigned-device slots in use"
		"corral: all VMs stopped"
		"!assign: ([2-9]|[1-9][0-9]+) of 128 assigned-device slots"
		"!NET-PING-FAIL"
		"!DRIVER-VM-TIMEOUT"
		"!iommu: DMA fault"
		"!corral: PANIC")

# A device that faults as fast as it can (edu_attack.ko flood=300, about 10
# faults a second under QEMU's edu) while another VM works and prints:
# corral logs 5 a second for the device and counts the rest, and the
# client's lines all arrive.
corral_scenario(qemu.dma.flood ACCEL tcg
	CONFIG tests/scenario/configs/assign-dma-flood.dts TIMEOUT 420
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --qemu-args "-device edu,dma_mask=0xffffffffffffffff,addr=05.0"
	EXPECT
		"corral: warning: iommu: DMA fault #1: write of 0x7f000000 from source 00:05[.]0 [(]owner vm drv[)]"
		"corral: warning: iommu: [0-9]+ fault[(]s[)] from source 00:05[.]0 [(]owner vm drv[)] not logged [(]rate limit per device[)]"
		"DMA-FLOOD done n=300 errors=0"
		"WORK-DONE chatty [0-9a-f]{64}"
		"DRIVER-VM-DONE"
		"corral: all VMs stopped"
		"!DRIVER-VM-TIMEOUT"
		"!corral: PANIC")
