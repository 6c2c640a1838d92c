/* SPDX-License-Identifier: MIT */
/*
 * Guest writes to CR0 and CR4 that exit (the guest/host masks, SDM 3C
 * 25.6.6): which corral completes, which fault, and which it cannot run.
 * Pure logic (unit.vmx_cr).
 */
#ifndef CORRAL_VMX_CR_H
#define CORRAL_VMX_CR_H
#include <stdbool.h>
#include <stdint.h>
#include <arch/x86.h>

/* CR4 bits the host keeps: VMX, SMX, and XSAVE (XSETBV is #UD). */
#define VMX_CR4_HOST_OWNED (X86_CR4_VMXE | X86_CR4_SMXE | X86_CR4_OSXSAVE)

enum vmx_cr_write {
	VMX_CR_WRITE_DONE,	  /* written: RIP moves past the MOV */
	VMX_CR_WRITE_GP,	  /* #GP, a fault: RIP stays at the MOV */
	VMX_CR_WRITE_UNSUPPORTED, /* corral cannot run it: the VM stops */
};

/* PG without PE is #GP (SDM 3A 2.5); leaving paged protected mode needs
 * "unrestricted guest". The paging switch itself may #GP later. */
enum vmx_cr_write vmx_cr0_write_check(uint64_t val, bool unrestricted);

enum vmx_cr_write vmx_cr4_write_check(uint64_t val);

/* LMSW loads CR0 bits 3:0 from its source; it can set PE but never clear
 * it (SDM 2A LMSW). */
static inline uint64_t vmx_lmsw_cr0(uint64_t cr0, uint16_t src)
{
	return (cr0 & ~0xfull) | (src & 0xf) | (cr0 & X86_CR0_PE);
}

/* PAE paging, not IA-32e (SDM 3A 4.4): the CPU takes its four PDPTEs from
 * the VMCS at VM entry when EPT is on (SDM 3C 26.3.2.4), so a CR0, CR3 or
 * CR4 write that corral completes must load them there itself. */
static inline bool vmx_pae_paging(uint64_t cr0, uint64_t cr4, uint64_t efer)
{
	return (cr0 & X86_CR0_PG) && (cr4 & X86_CR4_PAE) &&
	       !(efer & X86_EFER_LMA);
}

/* A present PDPTE with a reserved bit set (2:1, 8:5, or at or above
 * MAXPHYADDR) makes the MOV that loads it #GP (SDM 3A 4.4.1). */
bool vmx_pdpte_valid(uint64_t pdpte, unsigned maxphyaddr);

/* With PCIDE, bit 63 of a MOV to CR3 only says "keep this PCID's TLB
 * entries"; it is not part of CR3 (SDM 3A 4.10.4.1). */
#define VMX_CR3_NOFLUSH (1ull << 63)

/* #GP is a fault (SDM 3A 6.5): only a completed write retires the MOV. */
static inline bool vmx_cr_write_retires(enum vmx_cr_write r)
{
	return r == VMX_CR_WRITE_DONE;
}

#endif
