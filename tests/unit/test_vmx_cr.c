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

/* LMSW: bits 3:0 from the source; PE can be set, never cleared. */
static void test_lmsw(void)
{
	CHECK_EQ(vmx_lmsw_cr0(PG | 0x10, 0x1), PG | 0x10 | PE);
	CHECK_EQ(vmx_lmsw_cr0(PE | 0xe, 0x0), PE);
	CHECK_EQ(vmx_lmsw_cr0(0, 0xfff0), 0);
	CHECK_EQ(vmx_lmsw_cr0(0, 0xf), 0xf);
}

/* PAE paging, and what a PDPTE may hold (52-bit and 39-bit MAXPHYADDR). */
static void test_pae(void)
{
	CHECK(vmx_pae_paging(PE | PG, X86_CR4_PAE, 0));
	CHECK(!vmx_pae_paging(PE | PG, X86_CR4_PAE, X86_EFER_LMA));
	CHECK(!vmx_pae_paging(PE, X86_CR4_PAE, 0));
	CHECK(!vmx_pae_paging(PE | PG, 0, 0));
	CHECK(vmx_pdpte_valid(0, 52));
	CHECK(vmx_pdpte_valid(0xffe, 52)); /* not present: anything goes */
	CHECK(vmx_pdpte_valid(0x1234000 | 1 | 0x18, 52));   /* PWT, PCD */
	CHECK(!vmx_pdpte_valid(0x1234000 | 1 | 2, 52));	    /* bit 1 */
	CHECK(!vmx_pdpte_valid(0x1234000 | 1 | 0x20, 52));  /* bit 5 */
	CHECK(!vmx_pdpte_valid(0x1234000 | 1 | 0x100, 52)); /* bit 8 */
	CHECK(vmx_pdpte_valid(0x1234000 | 1 | 0xe00, 52));  /* AVL 11:9 */
	CHECK(vmx_pdpte_valid((1ull << 38) | 1, 39));
	CHECK(!vmx_pdpte_valid((1ull << 39) | 1, 39));
	CHECK(!vmx_pdpte_valid((1ull << 63) | 1, 52)); /* no XD in a PDPTE */
}

int main(void)
{
	test_cr0();
	test_cr4();
	test_lmsw();
	test_pae();
	test_rip_rule();
	return test_summary();
}
