# Many-VM scenarios: more VMs than pCPUs, restarts, a hostile guest, and the
# demo system. The guests are the busybox test guest (guests/initramfs/init)
# and the driver VM (guests/driver/); the lines they print are listed in
# guests/initramfs/init and docs/lifecycle.md.
# Included by tests/scenario/CMakeLists.txt; corral_scenario() is there.
#
# corral.work=N chains N rounds of sha256 over 1 MiB; every VM, and the host,
# gets the same digest. If a config's N changes, recompute with bash:
#   h=corral-work; for ((i = 0; i < N; i++)); do
#     h=$({ echo "$h"; head -c 1048576 /dev/zero; } | sha256sum); h=${h%% *}
#   done; echo "$h"
set(work20_digest 3d8c42e373907fef7227cb2e3855abf1aa9051e79777ce39a0b5b044cb686534)
# sha256 of the 4 MiB /pattern a client writes: "corral-vblk <name>" lines.
set(vblk4_client1_digest 1625a02cc86ed722724cc1b1a8b9d1836864f0c448b2f9e40481c4a8f11a7f43)
set(vblk4_client2_digest 49f5583a8da5c7e2fb4bcb33d9f074e66b47cd18baf9d035f498401c891c2036)
set(work40_digest 237a23ecf923fc0cc10d4b1dc6a40cb105b8053b42ebd217b505438fefcdcb50)
set(work150_digest 9afd41936bca6e2463a881e6861d21038e7b20032c9a99930d3f46531ee2481a)

# ERE for a console prefix "[name] " at the start of a line (CMake eats
# backslashes: brackets stand for themselves inside [...]).
function(corral_prefix out name)
	set(${out} "^[[]${name}[]] " PARENT_SCOPE)
endfunction()

# --- qemu.sched.six ----------------------------------------------------
# Six client VMs (guests/six.dts, corral.work=40) on two pCPUs: each boots,
# computes and powers off; every console line carries its own VM's prefix
# and only one.
set(six_expect)
foreach(i RANGE 1 6)
	corral_prefix(p vm${i})
	list(APPEND six_expect
		"${p}GUEST-READY vm${i}$"
		"${p}WORK-DONE vm${i} ${work40_digest}$"
		"corral: vm vm${i}: powered off"
		# vmN's console never carries another VM's marker.
		"!${p}.*(GUEST-READY|WORK-DONE) vm[^${i}]")
endforeach()
corral_scenario(qemu.sched.six ACCEL tcg CONFIG guests/six.dts TIMEOUT 600
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
	EXPECT
		${six_expect}
		# A prefix in the middle of a line: two VMs' output mixed.
		"!.[[]vm[0-9]+[]] "
		# A marker on a line without its prefix ([^][] is "not a bracket":
		# an unbalanced bracket would make CMake join list elements).
		"!^[^][].*(GUEST-READY|WORK-DONE) vm[0-9]"
		"!corral: vm vm[0-9]+: (crashed|restarting)"
		"corral: all VMs stopped"
		"!corral: PANIC")

# --- qemu.sched.isolation ----------------------------------------------
# tests/scenario/configs/sched-isolation.dts: the hostile VM storms MSRs,
# ports and hypercalls and then writes outside its RAM (crash 1), triple-
# faults after its first restart (crash 2), and powers off after its second
# (guests/hostile/hostile.c). The three workers finish with the right digest
# and are never stopped by what the hostile VM does.
corral_prefix(h hostile)
set(isolation_expect)
foreach(i RANGE 1 3)
	corral_prefix(p w${i})
	list(APPEND isolation_expect
		"${p}GUEST-READY w${i}$"
		"${p}WORK-DONE w${i} ${work150_digest}$"
		"corral: vm w${i}: powered off")
endforeach()
corral_scenario(qemu.sched.isolation ACCEL tcg
	CONFIG tests/scenario/configs/sched-isolation.dts TIMEOUT 600
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
	EXPECT
		${isolation_expect}
		"${h}HOSTILE-STAGE 0$"
		"${h}HOSTILE-MSR writes=300 failed=[0-9]+$"
		"${h}HOSTILE-PORTS writes=3000$"
		# From CPL 3 every hypercall is refused with -EPERM.
		"${h}HOSTILE-HYPERCALLS n=100000 eperm=100000 ud=0 other=0 "
		"${h}HOSTILE-DEVMEM writing 0xf0000000$"
		"corral: vm hostile: crashed [(]write of guest-physical address 0xf0000000 "
		"corral: vm hostile: restarting [(]restart 1, policy on-crash. [0-9]+ KiB free[)]"
		"${h}GUEST-RESTART hostile 1$"
		"${h}HOSTILE-STAGE 1$"
		"${h}HOSTILE-TRIPLE loading "
		"corral: vm hostile: crashed [(]triple fault"
		"corral: vm hostile: restarting [(]restart 2, policy on-crash. [0-9]+ KiB free[)]"
		# The second run gave back all it took (page tables included).
		"!corral: vm hostile: its last run kept"
		"${h}GUEST-RESTART hostile 2$"
		"${h}HOSTILE-STAGE 2$"
		"${h}HOSTILE-DONE restarts=2$"
		# Exactly two crashes and two restarts: HOSTILE-DONE says 2.
		--count "HOSTILE-DONE restarts=([0-9]+)" "corral: vm hostile: crashed "
		--count "HOSTILE-DONE restarts=([0-9]+)" "corral: vm hostile: restarting "
		"corral: vm hostile: powered off"
		"!HOSTILE-FAIL"
		"!HOSTILE-DEVMEM survived"
		"!corral: vm w[0-9]: (crashed|restarting|stopped)"
		"corral: all VMs stopped"
		"!corral: PANIC")

# --- qemu.sched.demo ---------------------------------------------------
# guests/demo.dts with the devices scripts/demo gives it (sched_demo.sh
# shares scripts/demo's QEMU arguments and its ext4 file systems): "net"
# runs e1000e and serves the two clients' network through vhost-net and its
# bridge; "disk" runs nvme and ahci and serves their disks through
# corral-blkd; the clients get leases, move data to each other, write and
# read back a file on the ext4 file system of their export, and compute.
corral_prefix(n net)
corral_prefix(d disk)
corral_prefix(c1 client1)
corral_prefix(c2 client2)
add_test(NAME qemu.sched.demo
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/sched_demo.sh
		--esp ${CORRAL_ESP_DIR} qemu.sched.demo
		${PROJECT_SOURCE_DIR}/guests/demo.dts 900 --
		"${n}GUEST-READY net$"
		"${d}GUEST-READY disk$"
		"${c1}GUEST-READY client1$"
		"${c2}GUEST-READY client2$"
		"${n}PCI: [0-9a-f:.]+ 8086:10d3 driver=e1000e"
		"${d}PCI: [0-9a-f:.]+ 1b36:0010 driver=nvme"
		"${d}PCI: [0-9a-f:.]+ 8086:2922 driver=ahci"
		"${c1}VNET-DHCP client1 eth0 10[.]0[.]2[.][0-9]+ boot"
		"${c2}VNET-DHCP client2 eth0 10[.]0[.]2[.][0-9]+ boot"
		"${c1}VNET-XFER-OK client1 from 192[.]168[.]77[.]2 4088895 bytes"
		"${c2}VNET-XFER-OK client2 from 192[.]168[.]77[.]1 4088895 bytes"
		"${c1}VBLK-FS client1 found journal"
		"${c2}VBLK-FS client2 found journal"
		"${c1}VBLK-WRITE-OK client1 4194304 ${vblk4_client1_digest}$"
		"${c2}VBLK-WRITE-OK client2 4194304 ${vblk4_client2_digest}$"
		"${c1}VBLK-READ client1 4194304 ${vblk4_client1_digest}$"
		"${c2}VBLK-READ client2 4194304 ${vblk4_client2_digest}$"
		"${n}NETD done after 2 session"
		"${d}BLKD done after 2 session"
		"${n}DRIVER-VM-DONE"
		"${d}DRIVER-VM-DONE"
		"${c1}WORK-DONE client1 ${work20_digest}$"
		"${c2}WORK-DONE client2 ${work20_digest}$"
		"corral: vm net: powered off"
		"corral: vm disk: powered off"
		"corral: all VMs stopped"
		"!DRIVER-VM-TIMEOUT"
		"!iommu: DMA fault"
		"!corral: PANIC"
	WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
set_tests_properties(qemu.sched.demo PROPERTIES
	LABELS qemu TIMEOUT 960 SKIP_RETURN_CODE 77
	FIXTURES_REQUIRED corral_esp RESOURCE_LOCK corral_emulator)
