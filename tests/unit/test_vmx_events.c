// SPDX-License-Identifier: MIT
/* When VT-x lets corral inject an event (vmx/vmx_events.c). */
#include <vmx_events.h>
#include "test.h"

#define VALID (1u << 31)
#define STI (1u << 0)
#define MOV_SS (1u << 1)
#define BLOCK_NMI (1u << 3)
#define IF (1ull << 9)

static void test_irq(void)
{
	CHECK(vmx_irq_allowed(0, IF, 0));
	CHECK(!vmx_irq_allowed(0, 0, 0));	      /* IF clear */
	CHECK(!vmx_irq_allowed(VALID | 0x30, IF, 0)); /* one queued */
	CHECK(!vmx_irq_allowed(0, IF, STI));	      /* after STI */
	CHECK(!vmx_irq_allowed(0, IF, MOV_SS));	      /* after MOV SS */
	CHECK(vmx_irq_allowed(0, IF, BLOCK_NMI));     /* in an NMI handler */
}

/* The NMI window: an NMI waits for the IRET of the one before (blocking by
 * NMI), a shadow or a queued event, never for RFLAGS.IF. */
static void test_nmi(void)
{
	CHECK(vmx_nmi_allowed(0, 0, true));
	CHECK(!vmx_nmi_allowed(0, 0, false)); /* no virtual NMIs: none */
	CHECK(!vmx_nmi_allowed(0, BLOCK_NMI, true));
	CHECK(!vmx_nmi_allowed(0, STI, true));
	CHECK(!vmx_nmi_allowed(0, MOV_SS, true));
	CHECK(!vmx_nmi_allowed(VALID | (2u << 8) | 2, 0, true));
	CHECK(!vmx_nmi_allowed(VALID | (3u << 8) | 14, 0, true));
}

/* Exit reason 0: a host NMI runs the host's handler, an #MC goes to the
 * core, and anything else (never asked for) is not taken for either. */
static void test_exception_exit(void)
{
	CHECK(vmx_exception_exit_kind(VALID | (2u << 8) | 2) ==
	      VMX_EXC_EXIT_NMI);
	CHECK(vmx_exception_exit_kind(VALID | (3u << 8) | 18) ==
	      VMX_EXC_EXIT_MACHINE_CHECK);
	CHECK(vmx_exception_exit_kind(VALID | (3u << 8) | 14) ==
	      VMX_EXC_EXIT_OTHER);
	CHECK(vmx_exception_exit_kind((3u << 8) | 18) == VMX_EXC_EXIT_OTHER);
	/* A software interrupt INT 18 is not a machine check. */
	CHECK(vmx_exception_exit_kind(VALID | (4u << 8) | 18) ==
	      VMX_EXC_EXIT_OTHER);
	CHECK(VMX_EXCEPTION_BITMAP == 1u << 18);
}

/* Single steps over instructions corral completed, and the entry rule
 * in an STI/MOV-SS shadow. */
static void test_pending_dbg(void)
{
	uint64_t tf = 1u << 8, bs = 1u << 14;

	CHECK_EQ(vmx_pending_dbg(0, tf, 0, true), bs);
	CHECK_EQ(vmx_pending_dbg(0, 0, 0, true), 0);
	CHECK_EQ(vmx_pending_dbg(0, tf, 0, false), 0); /* nothing stepped */
	CHECK_EQ(vmx_pending_dbg(0, tf, STI, false), bs);
	CHECK_EQ(vmx_pending_dbg(0, tf, MOV_SS, false), bs);
	CHECK_EQ(vmx_pending_dbg(bs, 0, STI, false), 0);
	CHECK_EQ(vmx_pending_dbg(bs | 1, 0, STI, false), 1); /* B0 stays */
	CHECK_EQ(vmx_pending_dbg(bs, 0, 0, false), bs);	     /* untouched */
}

/* No error code into real mode. */
static void test_error_code(void)
{
	CHECK(vmx_error_code_allowed(1));
	CHECK(!vmx_error_code_allowed(0));
	CHECK(!vmx_error_code_allowed(1ull << 31));
}

int main(void)
{
	test_pending_dbg();
	test_error_code();
	test_irq();
	test_nmi();
	test_exception_exit();
	return test_summary();
}
