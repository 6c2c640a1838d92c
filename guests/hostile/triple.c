// SPDX-License-Identifier: GPL-2.0
/*
 * triple.ko: triple-fault the CPU it is loaded on, for corral's lifecycle
 * tests (guests/hostile/hostile.c, stage 1).
 *
 * With interrupts off it loads an IDT whose limit is 0 and executes int3.
 * Vector 3 lies beyond the limit, so the CPU raises #GP; vector 13 does
 * too, which makes a double fault; vector 8 does too, and the CPU shuts
 * down (SDM Vol. 3A 6.15, "Interrupt 8: double fault"). In a VM that is a
 * triple-fault exit (VT-x basic reason 2, AMD-V SHUTDOWN intercept); on a
 * PC, a reset.
 *
 * insmod never returns. Built out of tree against the guest kernel's own
 * headers by guests/CMakeLists.txt (HEADERS_DIR in current.env).
 */
#include <linux/init.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <asm/desc_defs.h>
#include <asm/processor.h>

static int __init triple_init(void)
{
	struct desc_ptr idt = { .size = 0, .address = 0 };

	pr_emerg("triple: loading a zero-limit IDT, then int3\n");
	local_irq_disable();
	asm volatile("lidt %0\n\t"
		     "int3"
		     :
		     : "m"(idt)
		     : "memory");
	/* Not reached: no gate answers #BP, #GP or #DF. */
	for (;;)
		cpu_relax();
	return 0;
}

module_init(triple_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("triple-fault the CPU on load (corral lifecycle tests)");
