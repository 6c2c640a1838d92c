/* SPDX-License-Identifier: MIT */
/*
 * The speculation-control MSRs a guest sees, so that it can protect
 * itself (Intel's "Speculative Execution Side Channel Mitigations"; APM
 * Vol. 2 3.2.9): IA32_SPEC_CTRL, kept per vCPU and loaded into the CPU
 * while the vCPU runs (host/spec_barriers.c), and IA32_PRED_CMD, whose
 * IBPB is run at once. A guest gets only what the host CPU has, as CPUID
 * tells it (guest/cpuid_policy.c); the rest is #GP. Pure logic
 * (unit.spec_ctrl_msr).
 */
#ifndef CORRAL_GUEST_SPEC_CTRL_MSR_H
#define CORRAL_GUEST_SPEC_CTRL_MSR_H
#include <stdbool.h>
#include <stdint.h>

#define SPEC_CTRL_IBRS (1ull << 0)
#define SPEC_CTRL_STIBP (1ull << 1)
#define SPEC_CTRL_SSBD (1ull << 2)
#define PRED_CMD_IBPB (1ull << 0)

struct spec_ctrl_caps {
	uint64_t spec_ctrl_bits; /* the SPEC_CTRL bits the host has; 0: none */
	bool ibpb;		 /* PRED_CMD.IBPB */
};

enum spec_msr_result {
	SPEC_MSR_OK,
	SPEC_MSR_IBPB,	   /* OK, and run an IBPB now */
	SPEC_MSR_GP,	   /* #GP: the host lacks it, or a reserved bit */
	SPEC_MSR_NOT_MINE, /* another MSR */
};

enum spec_msr_result spec_ctrl_msr_read(const struct spec_ctrl_caps *c,
					uint64_t spec_ctrl, uint32_t msr,
					uint64_t *val);
enum spec_msr_result spec_ctrl_msr_write(const struct spec_ctrl_caps *c,
					 uint64_t *spec_ctrl, uint32_t msr,
					 uint64_t val);

#endif
