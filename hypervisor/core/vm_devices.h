/* SPDX-License-Identifier: MIT */
/* A VM's platform devices wired to it (core/vm_devices.c). */
#ifndef CORRAL_CORE_VM_DEVICES_H
#define CORRAL_CORE_VM_DEVICES_H

struct vm;

/* The UART, I/O APIC, PM block and MP mailbox, reset and registered (ports
 * and MMIO) for a new run. */
void vm_devices_init(struct vm *vm);
/* Re-evaluates the UART interrupt line after any UART access. */
void vm_update_uart_irq(struct vm *vm);

#endif
