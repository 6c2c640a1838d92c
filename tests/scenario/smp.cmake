# VMs with more than one vCPU (docs/smp-guests.md): the guest starts its
# secondary CPUs through the ACPI MP wakeup mailbox, IPIs travel between
# vCPUs on the same and on different pCPUs, and a pinned worker per CPU
# proves that every vCPU ran user code (guests/initramfs/init, WORK-CPU).
# Included by tests/scenario/CMakeLists.txt; corral_scenario() is there and
# the digests and corral_prefix() come from sched.cmake.
set(work4_digest bd1565af5608459db4cb0bca09e384720614fd0029f5180bf3c7a1ff619cb0e9)

# corral_smp_vm_expect(<out> <vm> <cpu of vCPU 1>): a 2-vCPU VM started its
# second vCPU on that pCPU, saw both CPUs, ran corral.work=40 on each and
# powered off through ACPI.
function(corral_smp_vm_expect out vm cpu)
	corral_prefix(p ${vm})
	set(${out}
		"corral: vm ${vm}: starting, 2 vCPUs"
		"corral: vm ${vm}: vCPU 1 started at 0x[0-9a-f]+ on cpu ${cpu}$"
		"${p}cpus: 0-1$"
		"${p}WORK-CPU ${vm} 0 ${work40_digest}$"
		"${p}WORK-CPU ${vm} 1 ${work40_digest}$"
		# sysrq-l: the NMI IPI reached the other vCPU (docs/guest-platform.md).
		"${p}NMI-BACKTRACE ${vm} cpu1 ok"
		"corral: vm ${vm}: powered off [(]ACPI S5"
		PARENT_SCOPE)
endfunction()

# --- qemu.smp.guests ---------------------------------------------------
# tests/scenario/configs/smp.dts: "duo" (2 vCPUs spread over both pCPUs,
# rebooted once), "pair" (2 vCPUs time-sharing pCPU 0) and "solo" (1 vCPU,
# pinned to pCPU 1).
corral_prefix(p duo)
corral_prefix(s solo)
corral_smp_vm_expect(duo_expect duo 1)
corral_smp_vm_expect(pair_expect pair 0)
corral_scenario(qemu.smp.guests ACCEL tcg
	CONFIG tests/scenario/configs/smp.dts TIMEOUT 600
	LABELS qemu NEEDS_BACKEND svm
	RUN_ARGS --smp 2
	EXPECT
		${duo_expect}
		${pair_expect}
		# duo reboots once; both vCPUs come back in the restarted run.
		"${p}GUEST-REBOOT duo$"
		"corral: vm duo: rebooted"
		"corral: vm duo: restarting [(]restart 1, policy on-crash. [0-9]+ KiB free[)]"
		"corral: vm duo: starting, 2 vCPUs, vCPU 0 on cpu 0 [(]restarted[)]"
		"${p}GUEST-RESTART duo 1$"
		# In neither run did a CPU fail to come up.
		"!${p}cpus: 0$"
		"corral: vm solo: starting on cpu 1$"
		"${s}cpus: 0$"
		"${s}WORK-DONE solo ${work40_digest}$"
		# What the stock kernel says of the CPU's vulnerabilities: no
		# "Vulnerable" that corral's barriers or the MSRs it offers
		# could have closed. spec_store_bypass stays open here: the
		# emulated EPYC has no SSBD, so neither has the guest.
		"${s}VULN spectre_v2: Mitigation"
		"${s}VULN mds: (Not affected|Mitigation)"
		"!${s}VULN (meltdown|spectre_v1|spectre_v2|l1tf|mds|tsx_async_abort|mmio_stale_data|retbleed|srbds): Vulnerable"
		"corral: vm solo: powered off"
		"!corral: vm [a-z]+: (crashed|stopped by an error)"
		"!IPI with delivery mode"
		"!NMI-BACKTRACE [a-z]+ cpu[0-9]+ missing"
		"corral: all VMs stopped"
		"!corral: PANIC")

# --- bochs.smp.duo -----------------------------------------------------
# The same under VT-x, on Bochs's one pCPU: both vCPUs time-share it.
corral_prefix(p duo)
corral_scenario(bochs.smp.duo ACCEL bochs
	CONFIG tests/scenario/configs/smp-duo.dts TIMEOUT 1200
	LABELS bochs
	EXPECT
		"corral: backend: vmx"
		"corral: vm duo: vCPU 1 started at 0x[0-9a-f]+ on cpu 0$"
		"${p}cpus: 0-1$"
		"${p}WORK-CPU duo 0 ${work4_digest}$"
		"${p}WORK-CPU duo 1 ${work4_digest}$"
		"${p}NMI-BACKTRACE duo cpu1 ok"
		"!NMI-BACKTRACE duo cpu1 missing"
		"corral: vm duo: powered off [(]ACPI S5"
		"corral: all VMs stopped"
		"!corral: PANIC")
