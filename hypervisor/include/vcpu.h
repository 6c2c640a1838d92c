/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_VCPU_H
#define CORRAL_VCPU_H
#include <stdint.h>
#include <stdbool.h>
#include <vcpu_backend.h>
#include <vlapic.h>
#include <sched.h>
#include <fpu.h>

/* General-purpose registers in x86 encoding order (rax=0 ... r15=15).
 * The backends' entry code saves and restores them; rsp is synced from the
 * VMCS/VMCB around every exit so that the core sees one register file. */
enum gpr {
	GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
	GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
	NR_GPRS
};

struct vcpu {
	uint64_t gpr[NR_GPRS]; /* first: the entry assembly indexes it */
	struct vm *vm;
	uint32_t id;
	void *arch; /* the backend's per-vCPU state */
	struct vlapic lapic;
	uint64_t kvmclock_gpa; /* 0: the guest registered no clock */
	uint64_t exits;
	bool halted;
	struct fpu_area fpu;
	struct sched_entity se;
};

enum vcpu_run_result {
	VCPU_PREEMPTED,	/* its slice ended */
	VCPU_BLOCKED,	/* HLT with nothing pending: wait for an interrupt/timer */
	VCPU_STOPPED,	/* the VM stopped */
};

/* Runs the vCPU until slice_end (a TSC value), a HLT or the VM's stop. */
enum vcpu_run_result vcpu_run_slice(struct vcpu *v, uint64_t slice_end);
const struct vcpu_backend *backend(void);
void backend_select(const struct vcpu_backend *b);

#endif
