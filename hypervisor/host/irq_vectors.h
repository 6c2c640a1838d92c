/* SPDX-License-Identifier: MIT */
/*
 * The host IDT's device vectors. host/exceptions.S points each of them at a
 * stub that calls host_irq_received(), which core/host_irq.c implements: the
 * one place where the host layer calls up into the core, by symbol.
 */
#ifndef CORRAL_HOST_IRQ_VECTORS_H
#define CORRAL_HOST_IRQ_VECTORS_H
#include <stdint.h>

#define HOST_IRQ_FIRST 0x30
#define HOST_IRQ_LAST 0xef

/* Called with the vector of an interrupt corral took (IDT stub or a VMX
 * exit that acknowledged it): remember it and signal EOI. */
void host_irq_received(uint8_t vector);

#endif
