/* SPDX-License-Identifier: MIT */
/* The host IDT: exception stubs that dump and halt, device vectors that go
 * to host_irq_received() (host/exceptions.c, host/exceptions.S). */
#ifndef CORRAL_HOST_EXCEPTIONS_H
#define CORRAL_HOST_EXCEPTIONS_H

struct exception_frame;

/* Builds the IDT every CPU loads (cpu_init()). */
void idt_init(void);
/* Called by the exception stubs: prints the frame and halts this CPU. */
void exception_dump(const struct exception_frame *f);

#endif
