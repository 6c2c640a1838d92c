// SPDX-License-Identifier: MIT
/* Register layout: Intel 82093AA I/O APIC data sheet, section 3. */
#include <vdev/vioapic.h>
#include <string.h>

#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_ID 0x00
#define REG_VERSION 0x01
#define REG_ARB 0x02
#define REG_REDIR0 0x10
#define IOAPIC_VERSION (0x11u | ((VIOAPIC_PINS - 1u) << 16))
#define RTE_VECTOR 0xffull
#define RTE_DELIVERY_SHIFT 8
#define RTE_LOGICAL (1ull << 11)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASKED (1ull << 16)
#define RTE_DEST_SHIFT 56
#define RTE_READONLY ((1ull << 12) | RTE_REMOTE_IRR)

void vioapic_init(struct vioapic *io, uint8_t id,
		  void (*deliver)(void *, const struct vioapic_msg *),
		  void *ctx)
{
	memset(io, 0, sizeof(*io));
	io->id = id;
	for (int i = 0; i < VIOAPIC_PINS; i++)
		io->redir[i] = RTE_MASKED;
	io->deliver = deliver;
	io->ctx = ctx;
}

static void fire(struct vioapic *io, unsigned pin)
{
	uint64_t rte = io->redir[pin];
	struct vioapic_msg m = {
		.vector = rte & RTE_VECTOR,
		.delivery_mode = (rte >> RTE_DELIVERY_SHIFT) & 7,
		.logical = rte & RTE_LOGICAL,
		.level = rte & RTE_LEVEL,
		.dest = (uint32_t)(rte >> RTE_DEST_SHIFT),
	};

	if (rte & RTE_MASKED)
		return;
	if (m.level) {
		if (rte & RTE_REMOTE_IRR)
			return;
		io->redir[pin] |= RTE_REMOTE_IRR;
	}
	io->deliver(io->ctx, &m);
}

void vioapic_set_pin(struct vioapic *io, unsigned pin, bool level)
{
	bool was;

	if (pin >= VIOAPIC_PINS)
		return; /* checked first: 1u << pin is undefined for pin >= 32 */
	was = io->pin_level & (1u << pin);
	if (level)
		io->pin_level |= 1u << pin;
	else
		io->pin_level &= ~(1u << pin);
	if (level && (!was || (io->redir[pin] & RTE_LEVEL)))
		fire(io, pin);
}

void vioapic_eoi(struct vioapic *io, uint8_t vector)
{
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++) {
		if ((io->redir[pin] & RTE_VECTOR) != vector ||
		    !(io->redir[pin] & RTE_REMOTE_IRR))
			continue;
		io->redir[pin] &= ~RTE_REMOTE_IRR;
		if (io->pin_level & (1u << pin))
			fire(io, pin); /* still asserted: deliver again */
	}
}

static uint32_t read_reg(struct vioapic *io, uint32_t reg)
{
	if (reg == REG_ID)
		return (uint32_t)io->id << 24;
	if (reg == REG_VERSION)
		return IOAPIC_VERSION;
	if (reg == REG_ARB)
		return (uint32_t)io->id << 24;
	if (reg >= REG_REDIR0 && reg < REG_REDIR0 + 2 * VIOAPIC_PINS) {
		uint64_t rte = io->redir[(reg - REG_REDIR0) / 2];

		return (reg & 1) ? (uint32_t)(rte >> 32) : (uint32_t)rte;
	}
	return 0xffffffff;
}

static void write_reg(struct vioapic *io, uint32_t reg, uint32_t val)
{
	unsigned pin;
	uint64_t rte;

	if (reg == REG_ID) {
		io->id = (val >> 24) & 0xf;
		return;
	}
	if (reg < REG_REDIR0 || reg >= REG_REDIR0 + 2 * VIOAPIC_PINS)
		return;
	pin = (reg - REG_REDIR0) / 2;
	rte = io->redir[pin];
	if (reg & 1)
		rte = (rte & 0xffffffffull) | ((uint64_t)val << 32);
	else
		rte = (rte & ~0xffffffffull & ~0ull) |
		      (((uint64_t)val & ~RTE_READONLY) |
		       (rte & RTE_READONLY & 0xffffffffull));
	/* Remote IRR has no meaning for an edge pin; switching to edge clears
	 * it, which is how Linux hand-EOIs a version 0x11 IOAPIC (it has no
	 * EOI register): mask + edge, then restore level. */
	if (!(rte & RTE_LEVEL))
		rte &= ~RTE_REMOTE_IRR;
	io->redir[pin] = rte;
	/* Unmasking a level pin that is still asserted delivers it now. */
	if (!(rte & RTE_MASKED) && (rte & RTE_LEVEL) &&
	    (io->pin_level & (1u << pin)))
		fire(io, pin);
}

uint32_t vioapic_read(struct vioapic *io, uint64_t offset)
{
	if (offset == IOREGSEL)
		return io->ioregsel;
	if (offset == IOWIN)
		return read_reg(io, io->ioregsel);
	return 0xffffffff;
}

void vioapic_write(struct vioapic *io, uint64_t offset, uint32_t val)
{
	if (offset == IOREGSEL)
		io->ioregsel = val & 0xff;
	else if (offset == IOWIN)
		write_reg(io, io->ioregsel, val);
}
