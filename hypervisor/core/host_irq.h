/* SPDX-License-Identifier: MIT */
/*
 * Host interrupt vectors for assigned devices. A device's MSI (remapped by
 * the IOMMU where there is one) arrives at the pCPU that runs its VM as a
 * host vector; corral turns it into the guest vector the guest programmed.
 */
#ifndef CORRAL_HOST_IRQ_H
#define CORRAL_HOST_IRQ_H
#include <stdbool.h>
#include <stdint.h>
#include <host/irq_vectors.h>

struct vm;

/* A free host vector routed to (vm, guest_vector); 0 when none is left. */
uint8_t host_irq_alloc(struct vm *vm, uint8_t guest_vector);
/* An MSI: the guest's vector and 8-bit destination (physical or logical). */
void host_irq_set_guest_msi(uint8_t host_vector, uint8_t guest_vector,
			    uint8_t dest, bool logical);
void host_irq_free(uint8_t host_vector);
/* Makes the vector an INTx line: host IOAPIC pin -> guest IOAPIC pin. */
void host_irq_set_intx(uint8_t host_vector, uint8_t host_pin,
		       uint8_t guest_pin);
/* The guest acknowledged (EOI) the interrupt of its IOAPIC pin: lower it
 * and let the host line fire again if the device still asserts it. */
void host_irq_guest_eoi(struct vm *vm, uint8_t guest_pin);
/* Moves remembered interrupts into their VMs' local APICs. */
void host_irq_route_pending(void);
/* Lets pending host interrupts in (a short STI window), then routes them. */
void host_irq_poll(void);

#endif
