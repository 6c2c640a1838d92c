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

/* An external interrupt: nothing injected yet, RFLAGS.IF set, no STI or
 * MOV-SS shadow. */
bool vmx_irq_allowed(uint32_t entry_intr_info, uint64_t rflags,
		     uint32_t interruptibility);

/* An NMI: nothing injected yet, no STI or MOV-SS shadow and, with virtual
 * NMIs (which corral needs for guest NMIs), no blocking by NMI. */
bool vmx_nmi_allowed(uint32_t entry_intr_info, uint32_t interruptibility,
		     bool virtual_nmis);

#endif
