/* SPDX-License-Identifier: MIT */
/*
 * A virtual I/O APIC (82093AA register model, version 0x11, 24 pins) at the
 * architectural 0xfec00000. Pure logic: delivery goes through a callback.
 */
#ifndef CORRAL_VIOAPIC_H
#define CORRAL_VIOAPIC_H
#include <stdint.h>
#include <stdbool.h>

#define VIOAPIC_BASE 0xfec00000ull
#define VIOAPIC_SIZE 0x1000ull
#define VIOAPIC_PINS 24

struct vioapic_msg {
	uint8_t vector;
	uint8_t delivery_mode;
	bool logical;
	bool level;
	uint32_t dest;
};

struct vioapic {
	uint8_t id;
	uint32_t ioregsel;
	uint64_t redir[VIOAPIC_PINS];
	uint32_t pin_level; /* current input levels */
	void (*deliver)(void *ctx, const struct vioapic_msg *m);
	void *ctx;
};

void vioapic_init(struct vioapic *io, uint8_t id,
		  void (*deliver)(void *, const struct vioapic_msg *),
		  void *ctx);
uint32_t vioapic_read(struct vioapic *io, uint64_t offset);
void vioapic_write(struct vioapic *io, uint64_t offset, uint32_t val);
/* Drives an input pin; an edge pin fires on a rising edge, a level pin
 * while high (until the guest's EOI clears Remote IRR). */
void vioapic_set_pin(struct vioapic *io, unsigned pin, bool level);
/* The local APIC signalled EOI for a level-triggered vector. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

#endif
