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

/* #GP is a fault (SDM 3A 6.5): only a completed write retires the MOV. */
static inline bool vmx_cr_write_retires(enum vmx_cr_write r)
{
	return r == VMX_CR_WRITE_DONE;
}

#endif
