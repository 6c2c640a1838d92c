/* SPDX-License-Identifier: MIT */
/*
 * The MSRs a guest reads and writes without an exit. Every other MSR exits
 * to core/emulate_msr.c. Both backends open exactly these in their MSR
 * bitmaps: VT-x (vmx/vmx_vcpu.c) keeps FS/GS base, SYSENTER and PAT in the
 * VMCS and switches the SYSCALL MSRs and KERNEL_GS_BASE itself; AMD-V
 * (svm/) has all of them in the VMCB, switched by VMRUN/#VMEXIT and
 * VMLOAD/VMSAVE (APM Vol. 2 15.5.1, appendix B; PAT is G_PAT under nested
 * paging, 15.25). corral never uses them while a guest's values are loaded.
 */
#ifndef CORRAL_GUEST_MSR_POLICY_H
#define CORRAL_GUEST_MSR_POLICY_H
#include <stddef.h>
#include <stdint.h>

extern const uint32_t guest_msr_passthrough[];
extern const size_t guest_msr_passthrough_count;

#endif
