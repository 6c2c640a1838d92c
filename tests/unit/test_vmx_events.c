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

int main(void)
{
	test_irq();
	test_nmi();
	return test_summary();
}
