/* SPDX-License-Identifier: MIT */
/* Emulated guest-physical regions (IOAPIC, ECAM, MSI-X tables): accesses
 * exit as EPT violations / nested page faults and land here. */
#ifndef CORRAL_CORE_VM_MMIO_H
#define CORRAL_CORE_VM_MMIO_H
#include <stdint.h>

#define VM_MAX_MMIO 24

struct mmio_region {
	uint64_t base, size;
	uint64_t (*read)(void *ctx, uint64_t off, uint8_t size);
	void (*write)(void *ctx, uint64_t off, uint8_t size, uint64_t val);
	void *ctx;
};

struct vm;

/* Registers a region for a VM's run: 0, or -ENOSPC when its table is full. */
int vm_add_mmio(struct vm *vm, const struct mmio_region *r);
/* The region that holds gpa, or NULL (core/vm_mmio.c). */
const struct mmio_region *vm_find_mmio(const struct vm *vm, uint64_t gpa);

#endif
