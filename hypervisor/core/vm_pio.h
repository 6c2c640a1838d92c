/* SPDX-License-Identifier: MIT */
/* Emulated I/O ports (UART, PM block, CMOS, PCI configuration mechanism #1):
 * every port access exits and lands here, as MMIO does through vm_mmio.h. */
#ifndef CORRAL_CORE_VM_PIO_H
#define CORRAL_CORE_VM_PIO_H
#include <stdbool.h>
#include <stdint.h>

#define VM_MAX_PIO 24

struct pio_region {
	uint16_t base,
		count; /* claims accesses that start in [base, base+count) */
	/* Handles the access and returns true, or returns false to decline
	 * it (a width the device does not decode): the port then reads as
	 * all ones and the access is logged once. Called under vm->lock. */
	bool (*access)(void *ctx, uint16_t port, uint8_t size, bool in,
		       uint32_t *val);
	void *ctx;
};

struct vm;

/* Registers ports for a VM's run: 0, or -ENOSPC when its table is full. */
int vm_add_pio(struct vm *vm, const struct pio_region *r);
/* Lets the first region that claims the port handle the access; false
 * when none does (core/vm_pio.c). */
bool vm_pio_access(struct vm *vm, uint16_t port, uint8_t size, bool in,
		   uint32_t *val);

#endif
