// SPDX-License-Identifier: MIT
/* Guest CR0/CR4 writes that exit, and the #GP RIP rule (vmx/vmx_cr.c). */
#include <vmx_cr.h>
#include "test.h"

#define PE (1ull << 0)
#define PG (1ull << 31)

static void test_cr0(void)
{
	CHECK_EQ(vmx_cr0_write_check(PE | PG, false), VMX_CR_WRITE_DONE);
	CHECK_EQ(vmx_cr0_write_check(PE | PG, true), VMX_CR_WRITE_DONE);
	/* PG without PE: #GP with unrestricted guest. */
	CHECK_EQ(vmx_cr0_write_check(PG, true), VMX_CR_WRITE_GP);
	CHECK_EQ(vmx_cr0_write_check(PE, true), VMX_CR_WRITE_DONE);
	CHECK_EQ(vmx_cr0_write_check(0, true), VMX_CR_WRITE_DONE);
	/* Without it, leaving paged protected mode cannot run. */
	CHECK_EQ(vmx_cr0_write_check(PE, false), VMX_CR_WRITE_UNSUPPORTED);
	CHECK_EQ(vmx_cr0_write_check(PG, false), VMX_CR_WRITE_UNSUPPORTED);
}

static void test_cr4(void)
{
	CHECK_EQ(vmx_cr4_write_check(X86_CR4_PAE), VMX_CR_WRITE_DONE);
	CHECK_EQ(vmx_cr4_write_check(X86_CR4_PAE | X86_CR4_VMXE),
		 VMX_CR_WRITE_GP);
	CHECK_EQ(vmx_cr4_write_check(X86_CR4_SMXE), VMX_CR_WRITE_GP);
	CHECK_EQ(vmx_cr4_write_check(X86_CR4_OSXSAVE), VMX_CR_WRITE_GP);
}

/* #GP is a fault: the MOV does not retire, RIP stays on it. */
static void test_rip_rule(void)
{
	CHECK(vmx_cr_write_retires(VMX_CR_WRITE_DONE));
	CHECK(!vmx_cr_write_retires(VMX_CR_WRITE_GP));
	CHECK(!vmx_cr_write_retires(VMX_CR_WRITE_UNSUPPORTED));
}

int main(void)
{
	test_cr0();
	test_cr4();
	test_rip_rule();
	return test_summary();
}
