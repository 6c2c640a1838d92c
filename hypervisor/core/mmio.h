/* SPDX-License-Identifier: MIT */
/* Emulated guest-physical regions (IOAPIC, ECAM, MSI-X tables): accesses
 * exit as EPT violations / nested page faults and land here. */
#ifndef CORRAL_MMIO_H
#define CORRAL_MMIO_H
#include <stdint.h>

#define VM_MAX_MMIO 16

struct mmio_region {
	uint64_t base, size;
	uint64_t (*read)(void *ctx, uint64_t off, uint8_t size);
	void (*write)(void *ctx, uint64_t off, uint8_t size, uint64_t val);
	void *ctx;
};

#endif
