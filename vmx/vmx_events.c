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

bool vmx_nmi_allowed(uint32_t entry_intr_info, uint32_t interruptibility,
		     bool virtual_nmis)
{
	return virtual_nmis && !(entry_intr_info & INTR_INFO_VALID) &&
	       !(interruptibility &
		 (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
		  INTERRUPTIBILITY_NMI));
}
