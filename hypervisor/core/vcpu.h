/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_VCPU_H
#define CORRAL_VCPU_H
#include <stdint.h>
#include <stdbool.h>
#include <core/vcpu_backend.h>
#include <vdev/vlapic.h>
#include <core/sched.h>
#include <host/fpu.h>

/* General-purpose registers in x86 encoding order (rax=0 ... r15=15).
 * The backends' entry code saves and restores them; rsp is synced from the
 * VMCS/VMCB around every exit so that the core sees one register file. */
enum gpr {
	GPR_RAX,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	NR_GPRS
};

/* Where a vCPU is in its life within one run of its VM (docs/smp-guests.md). */
enum vcpu_power {
	VCPU_OFF,   /* not started: a secondary vCPU waiting for its wake-up */
	VCPU_START, /* to be started from `start` by its pCPU */
	VCPU_ON,
};

struct vcpu {
	uint64_t gpr[NR_GPRS]; /* first: the entry assembly indexes it */
	struct vm *vm;
	uint32_t id;   /* also its APIC id */
	uint32_t pcpu; /* the pCPU that runs it; only that one touches its
			 * VMCS/VMCB, vLAPIC and run-queue entry */
	void *arch;    /* the backend's per-vCPU state */
	struct vlapic lapic;
	uint64_t kvmclock_gpa; /* 0: the guest registered no clock */
	uint64_t exits_by_reason
		[NR_EXIT_REASONS]; /* this run's, for the stop report */
	uint64_t injected_irqs;	   /* this run's external interrupts, too */
	bool halted;
	struct fpu_area fpu;
	struct sched_entity se;

	volatile enum vcpu_power power;
	struct vcpu_boot_state start; /* for VCPU_START */
	uint32_t acked_epoch; /* the VM run whose stop it acknowledged */
	bool parked;	      /* halted with interrupts off: only an NMI
				 * or a new wake-up through the mailbox
				 * restarts it */
	/* Interrupts sent from any pCPU, moved into `lapic` by its own
	 * (vcpu_irq.c): a bit per vector, edge- and level-triggered. */
	uint32_t posted_edge[8], posted_level[8];
	bool kicked; /* a kick for posted vectors is on its way */
	/* An NMI sent from any pCPU and not yet injected (NMIs do not
	 * queue: a second one while one is pending is the same one,
	 * SDM 3A 10.5.1). */
	bool nmi_pending;
	/* The guest's IA32_SPEC_CTRL (guest/spec_ctrl_msr.h), in the CPU
	 * only while it runs. */
	uint64_t spec_ctrl;
	/* In the backend's vcpu_run (the guest may be running), and the
	 * stage-2 generation it last flushed for (core/stage2_sync.c). */
	volatile bool in_guest;
	volatile uint32_t stage2_seen;
};

enum vcpu_run_result {
	VCPU_PREEMPTED, /* its slice ended */
	VCPU_BLOCKED, /* HLT with nothing pending: wait for an interrupt/timer */
	VCPU_STOPPED, /* the VM stopped */
};

/* On v's pCPU: (re)initialises it from v->start; a negative errno if the
 * backend could not (the VM is then stopped with the reason). */
int vcpu_start(struct vcpu *v);
/* Runs the vCPU until slice_end (a TSC value), a HLT or the VM's stop. */
enum vcpu_run_result vcpu_run_slice(struct vcpu *v, uint64_t slice_end);

#endif
