/* SPDX-License-Identifier: MIT */
/* The host I/O APIC, for forwarding an assigned device's INTx line. */
#ifndef CORRAL_HOST_IOAPIC_H
#define CORRAL_HOST_IOAPIC_H
#include <stdbool.h>
#include <stdint.h>

void host_ioapic_init(uint64_t rsdp);
/* The physical address of the I/O APIC's registers (one 4 KiB page). */
uint64_t host_ioapic_base(void);
/* Level-triggered, active-low (a PCI INTx line, PCI 3.0 2.2.6), physical
 * destination `dest`; starts unmasked. 0, or -EINVAL if the pin does not
 * exist. */
int host_ioapic_route_level(unsigned pin, uint8_t vector, uint32_t dest);
void host_ioapic_mask(unsigned pin, bool masked);

#endif
