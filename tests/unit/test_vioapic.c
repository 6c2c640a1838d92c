// SPDX-License-Identifier: MIT
/*
 * The virtual IOAPIC (hypervisor/vioapic.c). Proves the ID/version/ARB
 * registers (version 0x11 with 24 pins = 0x00170011), redirection-entry
 * read/write with Remote IRR and delivery status read-only, that masked pins
 * deliver nothing, edge pins deliver once per rising edge, level pins once
 * until vioapic_eoi() of their vector and again after it while still high,
 * that unmasking an asserted level pin delivers, that switching a pin to edge
 * clears Remote IRR (Linux's EOI for a 0x11 IOAPIC), that pins out of range
 * are ignored (no undefined shift), and every field of the delivered message.
 */
#include <vdev/vioapic.h>
#include <string.h>
#include "test.h"

#define IOREGSEL 0x00
#define IOWIN 0x10

#define MAX_MSGS 16
static struct vioapic_msg msgs[MAX_MSGS];
static int nmsgs;
static void *last_ctx;

static void deliver(void *ctx, const struct vioapic_msg *m)
{
	last_ctx = ctx;
	if (nmsgs < MAX_MSGS)
		msgs[nmsgs] = *m;
	nmsgs++;
}

static int ctx_token;

static void setup(struct vioapic *io)
{
	nmsgs = 0;
	last_ctx = NULL;
	vioapic_init(io, 1, deliver, &ctx_token);
}

static uint32_t reg_read(struct vioapic *io, uint32_t reg)
{
	vioapic_write(io, IOREGSEL, reg);
	return vioapic_read(io, IOWIN);
}

static void reg_write(struct vioapic *io, uint32_t reg, uint32_t val)
{
	vioapic_write(io, IOREGSEL, reg);
	vioapic_write(io, IOWIN, val);
}

/* Programs a pin as Linux does: high half first, then the low half. */
static void set_rte(struct vioapic *io, unsigned pin, uint64_t rte)
{
	reg_write(io, 0x10 + 2 * pin + 1, (uint32_t)(rte >> 32));
	reg_write(io, 0x10 + 2 * pin, (uint32_t)rte);
}

static uint64_t get_rte(struct vioapic *io, unsigned pin)
{
	return reg_read(io, 0x10 + 2 * pin) |
	       ((uint64_t)reg_read(io, 0x10 + 2 * pin + 1) << 32);
}

#define LOWEST (1u << 8)
#define LOGICAL (1u << 11)
#define DELIVS (1u << 12)
#define REMOTE_IRR (1u << 14)
#define LEVEL (1u << 15)
#define MASKED (1u << 16)
#define DEST(d) ((uint64_t)(d) << 56)

static void test_id_version(void)
{
	struct vioapic io;

	setup(&io);
	CHECK_EQ(reg_read(&io, 0x00), 0x01000000);
	CHECK_EQ(reg_read(&io, 0x01), 0x00170011);
	CHECK_EQ(reg_read(&io, 0x02), 0x01000000);
	CHECK_EQ(vioapic_read(&io, IOREGSEL), 0x02);
	/* IOREGSEL keeps 8 bits. */
	vioapic_write(&io, IOREGSEL, 0x1ff);
	CHECK_EQ(vioapic_read(&io, IOREGSEL), 0xff);
	/* ID is 4 bits in 27:24. */
	reg_write(&io, 0x00, 0x0a000000);
	CHECK_EQ(reg_read(&io, 0x00), 0x0a000000);
	reg_write(&io, 0x00, 0xff000000);
	CHECK_EQ(reg_read(&io, 0x00), 0x0f000000);
	/* Version is read-only. */
	reg_write(&io, 0x01, 0);
	CHECK_EQ(reg_read(&io, 0x01), 0x00170011);
	/* Past the last entry (0x3f), and other window offsets. */
	CHECK_EQ(reg_read(&io, 0x40), 0xffffffff);
	reg_write(&io, 0x40, 0);
	CHECK_EQ(reg_read(&io, 0x40), 0xffffffff);
	CHECK_EQ(vioapic_read(&io, 0x20), 0xffffffff);
	CHECK_EQ(vioapic_read(&io, 0x04), 0xffffffff);
}

static void test_rte_rw(void)
{
	struct vioapic io;

	setup(&io);
	/* Every pin starts masked. */
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		CHECK_EQ(get_rte(&io, pin), MASKED);
	/* Remote IRR and delivery status cannot be written. */
	set_rte(&io, 3,
		DEST(0x03) | MASKED | LEVEL | REMOTE_IRR | DELIVS | LOGICAL |
			LOWEST | 0x31);
	CHECK_EQ(get_rte(&io, 3),
		 DEST(0x03) | MASKED | LEVEL | LOGICAL | LOWEST | 0x31);
	/* The last pin's high half is register 0x3f. */
	set_rte(&io, 23, DEST(0xff) | MASKED | 0x47);
	CHECK_EQ(reg_read(&io, 0x3f), 0xff000000);
	CHECK_EQ(reg_read(&io, 0x3e), MASKED | 0x47);
	/* The halves are independent. */
	reg_write(&io, 0x10 + 2 * 3 + 1, 0x05000000);
	CHECK_EQ(get_rte(&io, 3),
		 DEST(0x05) | MASKED | LEVEL | LOGICAL | LOWEST | 0x31);
	reg_write(&io, 0x10 + 2 * 3, MASKED | 0x32);
	CHECK_EQ(get_rte(&io, 3), DEST(0x05) | MASKED | 0x32);
	CHECK_EQ(nmsgs, 0);
}

static void test_masked(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 4, MASKED | 0x24);
	vioapic_set_pin(&io, 4, true);
	vioapic_set_pin(&io, 4, false);
	set_rte(&io, 9, MASKED | LEVEL | 0x39);
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 0);
	/* A masked level pin does not latch Remote IRR. */
	CHECK_EQ(get_rte(&io, 9) & REMOTE_IRR, 0);
	/* Unmasking an edge pin does not replay an edge it missed. */
	vioapic_set_pin(&io, 4, true);
	set_rte(&io, 4, 0x24);
	CHECK_EQ(nmsgs, 0);
}

static void test_edge(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 4, DEST(0) | 0x24);
	vioapic_set_pin(&io, 4, true);
	CHECK_EQ(nmsgs, 1);
	CHECK(last_ctx == &ctx_token);
	CHECK_EQ(msgs[0].vector, 0x24);
	CHECK(!msgs[0].level);
	/* Held high: no new edge. Low: nothing. */
	vioapic_set_pin(&io, 4, true);
	vioapic_set_pin(&io, 4, false);
	vioapic_set_pin(&io, 4, false);
	CHECK_EQ(nmsgs, 1);
	vioapic_set_pin(&io, 4, true);
	CHECK_EQ(nmsgs, 2);
	/* Edge pins never set Remote IRR, so an EOI changes nothing. */
	CHECK_EQ(get_rte(&io, 4) & REMOTE_IRR, 0);
	vioapic_eoi(&io, 0x24);
	CHECK_EQ(nmsgs, 2);
}

static void test_level(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 9, LEVEL | 0x39);
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 1);
	CHECK(msgs[0].level);
	CHECK_EQ(msgs[0].vector, 0x39);
	CHECK(get_rte(&io, 9) & REMOTE_IRR);
	/* Still high, Remote IRR set: nothing more. */
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 1);
	/* EOI for another vector changes nothing. */
	vioapic_eoi(&io, 0x38);
	CHECK_EQ(nmsgs, 1);
	CHECK(get_rte(&io, 9) & REMOTE_IRR);
	/* EOI while still asserted: delivered again. */
	vioapic_eoi(&io, 0x39);
	CHECK_EQ(nmsgs, 2);
	CHECK(get_rte(&io, 9) & REMOTE_IRR);
	/* Deasserted, then EOI: Remote IRR clears, nothing delivered. */
	vioapic_set_pin(&io, 9, false);
	vioapic_eoi(&io, 0x39);
	CHECK_EQ(nmsgs, 2);
	CHECK_EQ(get_rte(&io, 9) & REMOTE_IRR, 0);
	/* Raised again: delivered again. */
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 3);
	/* Two pins sharing a vector: one EOI serves both. */
	set_rte(&io, 10, LEVEL | 0x39);
	vioapic_set_pin(&io, 10, true);
	CHECK_EQ(nmsgs, 4);
	vioapic_set_pin(&io, 9, false);
	vioapic_set_pin(&io, 10, false);
	vioapic_eoi(&io, 0x39);
	CHECK_EQ(get_rte(&io, 9) & REMOTE_IRR, 0);
	CHECK_EQ(get_rte(&io, 10) & REMOTE_IRR, 0);
	CHECK_EQ(nmsgs, 4);
}

static void test_unmask_asserted_level(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 11, MASKED | LEVEL | 0x3b);
	vioapic_set_pin(&io, 11, true);
	CHECK_EQ(nmsgs, 0);
	set_rte(&io, 11, DEST(2) | LEVEL | 0x3b);
	CHECK_EQ(nmsgs, 1);
	CHECK_EQ(msgs[0].dest, 2);
	/* Rewriting the entry while Remote IRR is set delivers nothing. */
	set_rte(&io, 11, DEST(3) | LEVEL | 0x3b);
	CHECK_EQ(nmsgs, 1);
	CHECK(get_rte(&io, 11) & REMOTE_IRR);
	/* Unmasking a deasserted level pin delivers nothing. */
	set_rte(&io, 12, MASKED | LEVEL | 0x3c);
	set_rte(&io, 12, LEVEL | 0x3c);
	CHECK_EQ(nmsgs, 1);
}

static void test_edge_switch_clears_remote_irr(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 9, LEVEL | 0x39);
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 1);
	vioapic_set_pin(&io, 9, false);
	/* Linux's hand EOI for a version 0x11 IOAPIC: mask + edge, then
	 * restore the level entry. */
	set_rte(&io, 9, MASKED | 0x39);
	CHECK_EQ(get_rte(&io, 9) & REMOTE_IRR, 0);
	set_rte(&io, 9, LEVEL | 0x39);
	CHECK_EQ(get_rte(&io, 9) & REMOTE_IRR, 0);
	CHECK_EQ(nmsgs, 1);
	vioapic_set_pin(&io, 9, true);
	CHECK_EQ(nmsgs, 2);
	/* If the line is still high when the level entry comes back, it is
	 * delivered at once. */
	set_rte(&io, 9, MASKED | 0x39);
	set_rte(&io, 9, LEVEL | 0x39);
	CHECK_EQ(nmsgs, 3);
	CHECK(get_rte(&io, 9) & REMOTE_IRR);
}

static void test_out_of_range(void)
{
	struct vioapic io;
	static const unsigned pins[] = { 24, 31, 32, 100, 0xffffffffu };

	setup(&io);
	for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
		set_rte(&io, pin, 0x30 + pin);
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		vioapic_set_pin(&io, pins[i], true);
		vioapic_set_pin(&io, pins[i], false);
	}
	CHECK_EQ(nmsgs, 0);
	CHECK_EQ(io.pin_level, 0);
	vioapic_set_pin(&io, 23, true);
	CHECK_EQ(nmsgs, 1);
	CHECK_EQ(msgs[0].vector, 0x30 + 23);
}

static void test_message_fields(void)
{
	struct vioapic io;

	setup(&io);
	set_rte(&io, 5, DEST(0xff) | LOGICAL | LOWEST | LEVEL | 0xa5);
	vioapic_set_pin(&io, 5, true);
	CHECK_EQ(nmsgs, 1);
	CHECK_EQ(msgs[0].vector, 0xa5);
	CHECK_EQ(msgs[0].dest, 0xff);
	CHECK(msgs[0].logical);
	CHECK(msgs[0].level);
	CHECK_EQ(msgs[0].delivery_mode, 1);
	/* Physical, fixed, edge, destination 7; bits 48-55 are not dest. */
	set_rte(&io, 6, DEST(7) | (0xabull << 48) | 0x26);
	vioapic_set_pin(&io, 6, true);
	CHECK_EQ(nmsgs, 2);
	CHECK_EQ(msgs[1].vector, 0x26);
	CHECK_EQ(msgs[1].dest, 7);
	CHECK(!msgs[1].logical);
	CHECK(!msgs[1].level);
	CHECK_EQ(msgs[1].delivery_mode, 0);
	/* NMI delivery mode (4) and ExtINT (7) pass through. */
	set_rte(&io, 7, (4u << 8) | 0x02);
	vioapic_set_pin(&io, 7, true);
	CHECK_EQ(msgs[2].delivery_mode, 4);
	set_rte(&io, 8, (7u << 8));
	vioapic_set_pin(&io, 8, true);
	CHECK_EQ(msgs[3].delivery_mode, 7);
	CHECK_EQ(nmsgs, 4);
}

int main(void)
{
	test_id_version();
	test_rte_rw();
	test_masked();
	test_edge();
	test_level();
	test_unmask_asserted_level();
	test_edge_switch_clears_remote_irr();
	test_out_of_range();
	test_message_fields();
	return test_summary();
}
