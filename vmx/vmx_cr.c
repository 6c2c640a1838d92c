// SPDX-License-Identifier: MIT
/* Guest CR0/CR4 writes that exit (vmx_cr.h). */
#include "vmx_cr.h"

enum vmx_cr_write vmx_cr0_write_check(uint64_t val, bool unrestricted)
{
	if (!unrestricted && (!(val & X86_CR0_PG) || !(val & X86_CR0_PE)))
		return VMX_CR_WRITE_UNSUPPORTED;
	if ((val & X86_CR0_PG) && !(val & X86_CR0_PE))
		return VMX_CR_WRITE_GP;
	return VMX_CR_WRITE_DONE;
}

bool vmx_pdpte_valid(uint64_t pdpte, unsigned maxphyaddr)
{
	uint64_t reserved = 0x1e6ull;

	if (!(pdpte & 1))
		return true;
	if (maxphyaddr < 64)
		reserved |= ~0ull << maxphyaddr;
	return !(pdpte & reserved);
}

enum vmx_cr_write vmx_cr4_write_check(uint64_t val)
{
	return (val & VMX_CR4_HOST_OWNED) ? VMX_CR_WRITE_GP : VMX_CR_WRITE_DONE;
}
