// SPDX-License-Identifier: MIT
/*
 * The device side of a split ring (mappers/corral-blk/vring.c), against a
 * client memory of two regions built here: well-formed chains, direct and
 * indirect, each rule a hostile client can break, the used ring and the
 * notification rules, and random descriptor tables that must never lead
 * outside the client's memory (AddressSanitizer watches every byte).
 */
#include <stdlib.h>
#include <string.h>

#include "../../mappers/corral-blk/vring.h"
#include "test.h"

#define LOW_GPA 0x100000ull
#define LOW_SIZE 0x40000ull
#define HIGH_GPA 0x100000000ull
#define HIGH_SIZE 0x10000ull
#define QSIZE 16
#define DESC LOW_GPA
#define AVAIL (LOW_GPA + 0x1000)
#define USED (LOW_GPA + 0x2000)
#define BUF (LOW_GPA + 0x10000)	 /* data buffers from here */
#define TABLE (LOW_GPA + 0x8000) /* an indirect table */

static struct vring_mem mem;
static struct vring vr;
static struct vring_chain chain;
static uint16_t avail_idx;

static uint8_t *at(uint64_t gpa)
{
	return vring_mem_at(&mem, gpa, 1);
}

static void put_desc(uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *d = at(table + 16ull * i);

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
}

static void make_avail(uint16_t head)
{
	memcpy(at(AVAIL + 4 + 2 * (avail_idx % QSIZE)), &head, 2);
	avail_idx++;
	memcpy(at(AVAIL + 2), &avail_idx, 2);
}

static uint16_t rd16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, at(gpa), 2);
	return v;
}

static void wr16(uint64_t gpa, uint16_t v)
{
	memcpy(at(gpa), &v, 2);
}

static void setup(bool event_idx)
{
	free(mem.r[0].host);
	free(mem.r[1].host);
	mem.nr = 2;
	mem.r[0].gpa = LOW_GPA;
	mem.r[0].size = LOW_SIZE;
	mem.r[0].host = calloc(1, LOW_SIZE);
	mem.r[1].gpa = HIGH_GPA;
	mem.r[1].size = HIGH_SIZE;
	mem.r[1].host = calloc(1, HIGH_SIZE);
	avail_idx = 0;
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED, QSIZE, event_idx, 0),
		 0);
}

static void test_mem_at(void)
{
	setup(false);
	CHECK(vring_mem_at(&mem, LOW_GPA, LOW_SIZE) == mem.r[0].host);
	CHECK(vring_mem_at(&mem, HIGH_GPA + 16, 16) == mem.r[1].host + 16);
	CHECK(!vring_mem_at(&mem, LOW_GPA, LOW_SIZE + 1));
	CHECK(!vring_mem_at(&mem, LOW_GPA - 1, 2));
	CHECK(!vring_mem_at(&mem, LOW_GPA + LOW_SIZE - 1, 2)); /* the hole */
	CHECK(!vring_mem_at(&mem, LOW_GPA, 0));
	CHECK(!vring_mem_at(&mem, ~0ull, 2)); /* wraps */
	CHECK(!vring_mem_at(&mem, HIGH_GPA + 8, ~0ull));
}

static void test_init_refusals(void)
{
	setup(false);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED, 12, false, 0), -1);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED, 0, false, 0), -1);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED, 2048, false, 0), -1);
	CHECK_EQ(vring_init(&vr, &mem, DESC + 8, AVAIL, USED, QSIZE, false, 0),
		 -1);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL + 1, USED, QSIZE, false, 0),
		 -1);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED + 2, QSIZE, false, 0),
		 -1);
	/* The used ring running past the end of the low region. */
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, LOW_GPA + LOW_SIZE - 64,
			    QSIZE, false, 0),
		 -1);
	CHECK(vr.why != NULL);
	CHECK_EQ(vring_init(&vr, &mem, HIGH_GPA, HIGH_GPA + 0x1000,
			    HIGH_GPA + 0x2000, QSIZE, false, 0),
		 0);
}

/* A virtio-blk write as Linux makes it: header, data, status. */
static void test_direct_chain(void)
{
	setup(false);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_EMPTY);
	put_desc(DESC, 3, BUF, 16, 1, 7);
	put_desc(DESC, 7, HIGH_GPA, 4096, 1, 9);
	put_desc(DESC, 9, BUF + 16, 1, 2 | 0, 0);
	make_avail(3);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_GOT);
	CHECK_EQ(chain.head, 3);
	CHECK_EQ(chain.nr_out, 2);
	CHECK_EQ(chain.nr_in, 1);
	CHECK_EQ(chain.out_len, 4112);
	CHECK_EQ(chain.in_len, 1);
	CHECK(chain.iov[0].base == at(BUF));
	CHECK(chain.iov[1].base == mem.r[1].host);
	CHECK(chain.iov[2].base == at(BUF + 16));
	CHECK_EQ(vring_pop(&vr, &chain), VRING_EMPTY);
}

static void test_indirect_chain(void)
{
	setup(false);
	put_desc(TABLE, 0, BUF, 16, 1, 2);
	put_desc(TABLE, 2, BUF + 512, 512, 2 | 1, 1);
	put_desc(TABLE, 1, BUF + 16, 1, 2, 0);
	put_desc(DESC, 0, TABLE, 3 * 16, 4, 0);
	make_avail(0);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_GOT);
	CHECK_EQ(chain.nr_out, 1);
	CHECK_EQ(chain.nr_in, 2);
	CHECK(chain.iov[1].base == at(BUF + 512));
	CHECK_EQ(chain.in_len, 513);
}

/* One malformed chain at head 0; the pop must break the queue. */
static void expect_broken(const char *what)
{
	make_avail(0);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_BROKEN);
	CHECK(vr.why != NULL);
	if (!vr.why)
		fprintf(stderr, "%s: no reason\n", what);
}

static void test_broken_rules(void)
{
	setup(false); /* a loop */
	put_desc(DESC, 0, BUF, 16, 1, 1);
	put_desc(DESC, 1, BUF, 16, 1, 0);
	expect_broken("loop");

	setup(false); /* a chain longer than the ring, through a table */
	put_desc(DESC, 0, TABLE, 17 * 16, 4, 0);
	for (uint16_t i = 0; i < 17; i++)
		put_desc(TABLE, i, BUF, 16, i < 16 ? 1 : 0, i + 1);
	expect_broken("too long");

	setup(false); /* an indirect table inside a table */
	put_desc(DESC, 0, TABLE, 16, 4, 0);
	put_desc(TABLE, 0, TABLE + 0x100, 16, 4, 0);
	expect_broken("nested");

	setup(false); /* indirect with NEXT */
	put_desc(DESC, 0, TABLE, 16, 4 | 1, 1);
	expect_broken("indirect+next");

	setup(false); /* a table of 24 bytes */
	put_desc(DESC, 0, TABLE, 24, 4, 0);
	expect_broken("table length");

	setup(false); /* a table outside memory */
	put_desc(DESC, 0, 0xfee00000, 32, 4, 0);
	expect_broken("table outside");

	setup(false); /* a buffer in the hole between the regions */
	put_desc(DESC, 0, LOW_GPA + LOW_SIZE, 512, 0, 0);
	expect_broken("buffer outside");

	setup(false); /* a buffer that runs off its region */
	put_desc(DESC, 0, HIGH_GPA + HIGH_SIZE - 8, 16, 0, 0);
	expect_broken("buffer across the end");

	setup(false); /* readable after writable */
	put_desc(DESC, 0, BUF, 16, 2 | 1, 1);
	put_desc(DESC, 1, BUF, 16, 0, 0);
	expect_broken("order");

	setup(false); /* next outside the table */
	put_desc(DESC, 0, BUF, 16, 1, QSIZE);
	expect_broken("next");

	setup(false); /* a head outside the table */
	make_avail(QSIZE + 3);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_BROKEN);

	setup(false); /* the available index 17 ahead */
	wr16(AVAIL + 2, QSIZE + 1);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_BROKEN);
}

static void test_used_ring(void)
{
	uint32_t id, len;

	setup(false);
	for (int i = 0; i < QSIZE + 3; i++)
		vring_push(&vr, (uint16_t)(i % QSIZE), 100u + i);
	CHECK_EQ(rd16(USED + 2), QSIZE + 3);
	memcpy(&id, at(USED + 4 + 8 * 2), 4);
	memcpy(&len, at(USED + 4 + 8 * 2 + 4), 4);
	CHECK_EQ(id, 2);
	CHECK_EQ(len, 100 + QSIZE + 2); /* the ring wrapped */

	/* Without EVENT_IDX: NO_INTERRUPT silences. */
	CHECK(vring_should_notify(&vr));
	wr16(AVAIL, 1);
	CHECK(!vring_should_notify(&vr));
}

/* §2.7.10: notify when the used index passes used_event. */
static void test_event_idx(void)
{
	setup(true);
	wr16(AVAIL + 4 + 2 * QSIZE, 2); /* used_event: after entry 2 */
	vring_push(&vr, 0, 0);
	CHECK(vring_should_notify(&vr)); /* the first one always */
	vring_push(&vr, 1, 0);		 /* used 2: not past 2 yet */
	CHECK(!vring_should_notify(&vr));
	vring_push(&vr, 2, 0); /* used 3: entry 2 is out */
	CHECK(vring_should_notify(&vr));
	vring_push(&vr, 3, 0);
	CHECK(!vring_should_notify(&vr));

	/* avail_event: where the client should kick next. */
	put_desc(DESC, 0, BUF, 16, 0, 0);
	make_avail(0);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_GOT);
	CHECK(!vring_want_kicks(&vr));
	CHECK_EQ(rd16(USED + 4 + 8 * QSIZE), 1);
	make_avail(0);
	CHECK(vring_want_kicks(&vr)); /* it came meanwhile: look again */
}

/* A mapper that re-attaches starts where the used ring stands. */
static void test_resume(void)
{
	setup(false);
	put_desc(DESC, 5, BUF, 16, 0, 0);
	for (int i = 0; i < 5; i++)
		make_avail(5);
	CHECK_EQ(vring_init(&vr, &mem, DESC, AVAIL, USED, QSIZE, false, 4), 0);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_GOT);
	CHECK_EQ(vring_pop(&vr, &chain), VRING_EMPTY);
}

static bool inside(const struct vring_iov *v)
{
	for (unsigned i = 0; i < mem.nr; i++)
		if (v->base >= mem.r[i].host &&
		    v->base + v->len <= mem.r[i].host + mem.r[i].size)
			return true;
	return false;
}

/* Random tables, random heads: whatever pop returns stays inside. */
static void test_random_tables(void)
{
	uint32_t x = 99;
	unsigned got = 0, bad = 0, broken = 0;

	for (int round = 0; round < 20000; round++) {
		if (round % 64 == 0)
			setup(round & 64);
		for (uint16_t i = 0; i < QSIZE; i++) {
			uint64_t addr;

			x = x * 1103515245 + 12345;
			addr = (x & 0x100) ? HIGH_GPA + (x >> 16) % HIGH_SIZE :
					     LOW_GPA + (x >> 12) % LOW_SIZE;
			if ((x & 0x7) == 0)
				addr = TABLE;
			put_desc((x & 0x200) ? DESC : TABLE, i, addr,
				 (x >> 20) % 0x300, (uint16_t)(x >> 9) & 7,
				 (uint16_t)((x >> 24) % (QSIZE + 2)));
		}
		make_avail((uint16_t)((x >> 3) % (QSIZE + 1)));
		switch (vring_pop(&vr, &chain)) {
		case VRING_GOT:
			got++;
			for (unsigned i = 0; i < chain.nr_out + chain.nr_in;
			     i++)
				bad += !inside(&chain.iov[i]);
			break;
		case VRING_BROKEN:
			broken++;
			setup(round & 64);
			break;
		case VRING_EMPTY:
			bad++;
			break;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(got > 100 && broken > 100);
}

int main(void)
{
	test_mem_at();
	test_init_refusals();
	test_direct_chain();
	test_indirect_chain();
	test_broken_rules();
	test_used_ring();
	test_event_idx();
	test_resume();
	test_random_tables();
	free(mem.r[0].host);
	free(mem.r[1].host);
	return test_summary();
}
