// SPDX-License-Identifier: MIT
/* The MSRs a guest reaches directly (guest/msr_policy.h). */
#include <arch/msr.h>
#include <guest/msr_policy.h>

const uint32_t guest_msr_passthrough[] = {
	MSR_FS_BASE,
	MSR_GS_BASE,
	MSR_KERNEL_GS_BASE,
	MSR_STAR,
	MSR_LSTAR,
	MSR_CSTAR,
	MSR_SFMASK,
	MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP,
	MSR_IA32_SYSENTER_EIP,
	MSR_IA32_PAT,
};

const size_t guest_msr_passthrough_count =
	sizeof(guest_msr_passthrough) / sizeof(guest_msr_passthrough[0]);
