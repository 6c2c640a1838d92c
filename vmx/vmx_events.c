// SPDX-License-Identifier: MIT
/* When VT-x lets corral inject an event (vmx_events.h). */
#include "vmcs_fields.h"
#include "vmx_events.h"
#include <arch/x86.h>

bool vmx_irq_allowed(uint32_t entry_intr_info, uint64_t rflags,
		     uint32_t interruptibility)
{
	return !(entry_intr_info & INTR_INFO_VALID) &&
	       (rflags & X86_RFLAGS_IF) &&
	       !(interruptibility &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

enum vmx_exception_exit vmx_exception_exit_kind(uint32_t exit_intr_info)
{
	uint32_t type = exit_intr_info & INTR_TYPE_MASK;

	if (!(exit_intr_info & INTR_INFO_VALID))
		return VMX_EXC_EXIT_OTHER;
	if (type == INTR_TYPE_NMI)
		return VMX_EXC_EXIT_NMI;
	if (type == INTR_TYPE_HW_EXCEPTION &&
	    (exit_intr_info & 0xff) == X86_EXC_MC)
		return VMX_EXC_EXIT_MACHINE_CHECK;
	return VMX_EXC_EXIT_OTHER;
}

uint64_t vmx_pending_dbg(uint64_t pending, uint64_t rflags,
			 uint32_t interruptibility, bool completed_insn)
{
	bool tf = rflags & X86_RFLAGS_TF;

	if (completed_insn && tf)
		pending |= PENDING_DBG_BS;
	if (interruptibility & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))
		pending = tf ? pending | PENDING_DBG_BS :
			       pending & ~PENDING_DBG_BS;
	return pending;
}

bool vmx_nmi_allowed(uint32_t entry_intr_info, uint32_t interruptibility,
		     bool virtual_nmis)
{
	return virtual_nmis && !(entry_intr_info & INTR_INFO_VALID) &&
	       !(interruptibility &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
		  INTERRUPTIBILITY_NMI));
}
