/* SPDX-License-Identifier: MIT */
/*
 * Which speculation barriers the world switch needs on this CPU, from
 * what the CPU enumerates (CPUID, IA32_ARCH_CAPABILITIES). Each barrier
 * answers one attack across the guest/host or guest/guest boundary:
 *  - IBPB when a pCPU goes from one VM to another: Spectre v2 (branch
 *    target injection) between guests;
 *  - RSB fill after every exit: a guest's return addresses left in the
 *    return stack buffer steer corral's RETs (Spectre-RSB);
 *  - VERW before every entry: MDS, TAA and MMIO stale data, where the
 *    CPU's microcode makes VERW clear its buffers (MD_CLEAR);
 *  - L1D flush before every entry: L1TF, on CPUs that are vulnerable
 *    and can flush (it also clears the MDS buffers, so VERW is skipped).
 * Pure logic (unit.spec_policy); host/spec_barriers.c applies it.
 */
#ifndef CORRAL_HOST_SPEC_POLICY_H
#define CORRAL_HOST_SPEC_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IA32_ARCH_CAPABILITIES (SDM Vol. 4, MSR 0x10a) bits corral reads. */
#define ARCH_CAP_RDCL_NO (1ull << 0)
#define ARCH_CAP_SKIP_L1DFL_VMENTRY (1ull << 3)
#define ARCH_CAP_MDS_NO (1ull << 5)
#define ARCH_CAP_TAA_NO (1ull << 8)
#define ARCH_CAP_SBDR_SSDP_NO (1ull << 13)
#define ARCH_CAP_FBSDP_NO (1ull << 14)
#define ARCH_CAP_PSDP_NO (1ull << 15)

struct spec_enum {
	bool intel;
	bool ibpb;	/* CPUID.7.0:EDX[26] (Intel) or 0x80000008:EBX[12] */
	bool md_clear;	/* CPUID.7.0:EDX[10]: VERW clears CPU buffers */
	bool l1d_flush; /* CPUID.7.0:EDX[28]: IA32_FLUSH_CMD */
	uint64_t arch_caps; /* 0 when CPUID.7.0:EDX[29] is clear */
};

struct spec_barriers {
	bool ibpb_on_vm_switch;
	bool rsb_fill_on_exit;
	bool verw_before_entry;
	bool l1d_flush_before_entry;
};

void spec_policy_choose(const struct spec_enum *e, struct spec_barriers *b);

/* One line for the log: each barrier, on or why not. */
const char *spec_policy_describe(const struct spec_enum *e,
				 const struct spec_barriers *b, char *buf,
				 size_t n);

#endif
