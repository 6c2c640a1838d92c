/* SPDX-License-Identifier: MIT */
/*
 * When VT-x lets corral inject an event, from the VMCS fields that decide
 * it (SDM 3C 24.4.2 interruptibility, 26.3.1.5 checks on injected events).
 * Pure logic (unit.vmx_events).
 */
#ifndef CORRAL_VMX_EVENTS_H
#define CORRAL_VMX_EVENTS_H
#include <stdbool.h>
#include <stdint.h>
#include <arch/x86.h>

/* An external interrupt: nothing injected yet, RFLAGS.IF set, no STI or
 * MOV-SS shadow. */
bool vmx_irq_allowed(uint32_t entry_intr_info, uint64_t rflags,
		     uint32_t interruptibility);

/* An NMI: nothing injected yet, no STI or MOV-SS shadow and, with virtual
 * NMIs (which corral needs for guest NMIs), no blocking by NMI. */
bool vmx_nmi_allowed(uint32_t entry_intr_info, uint32_t interruptibility,
		     bool virtual_nmis);

/* What an exit for "exception or NMI" (reason 0) carries, from its
 * VM-exit interruption information (SDM 3C 28.2.2): a host NMI (pin-based
 * NMI exiting), a machine check (exception bitmap bit 18), or something
 * corral did not ask for. */
enum vmx_exception_exit {
	VMX_EXC_EXIT_NMI,
	VMX_EXC_EXIT_MACHINE_CHECK,
	VMX_EXC_EXIT_OTHER,
};
enum vmx_exception_exit vmx_exception_exit_kind(uint32_t exit_intr_info);

/* An exception with an error code cannot go into a guest in real mode
 * (CR0.PE = 0, possible with unrestricted guest): VM entry would fail
 * (SDM 3C 26.2.1.3). Real mode pushes no error code anyway. */
static inline bool vmx_error_code_allowed(uint64_t guest_cr0)
{
	return guest_cr0 & X86_CR0_PE;
}

/* The pending-debug-exceptions field before VM entry. RFLAGS.TF after an
 * instruction corral completed owes the guest a single-step #DB, which
 * BS delivers right after entry (SDM 3C 26.7.3). In an STI or MOV-SS
 * shadow, entry requires BS to equal TF (SDM 3C 26.3.1.5; IA32_DEBUGCTL.
 * BTF is 0 for guests). */
uint64_t vmx_pending_dbg(uint64_t pending, uint64_t rflags,
			 uint32_t interruptibility, bool completed_insn);

/* The exception bitmap: only #MC, which corral must see (SDM 3C 25.2). */
#define VMX_EXCEPTION_BITMAP (1u << X86_EXC_MC)

#endif
