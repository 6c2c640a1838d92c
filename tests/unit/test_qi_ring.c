// SPDX-License-Identifier: MIT
/* The VT-d invalidation queue's ring arithmetic (iommu/qi_ring.c). */
#include <stdint.h>
#include <string.h>

#include <qi_ring.h>
#include "test.h"

#define NR 8

static void test_room_and_wrap(void)
{
	uint64_t desc[NR * 2];
	struct qi_ring r = { desc, NR, 0 };

	memset(desc, 0, sizeof(desc));
	/* Empty: head == tail; one slot always stays free. */
	CHECK_EQ(qi_ring_room(&r, 0), NR - 1);
	for (unsigned i = 0; i < NR - 1; i++)
		qi_ring_put(&r, 0x100 + i, 0x200 + i);
	CHECK_EQ(r.tail, NR - 1);
	CHECK_EQ(qi_ring_room(&r, 0), 0);
	/* The hardware consumed three: three slots free again. */
	CHECK_EQ(qi_ring_room(&r, 3), 3);
	qi_ring_put(&r, 0x300, 0x400);
	CHECK_EQ(r.tail, 0); /* wrapped */
	CHECK_EQ(desc[(NR - 1) * 2], 0x300);
	CHECK_EQ(desc[(NR - 1) * 2 + 1], 0x400);
	qi_ring_put(&r, 0x500, 0x600);
	CHECK_EQ(r.tail, 1);
	CHECK_EQ(desc[0], 0x500);
	CHECK_EQ(desc[1], 0x600);
	CHECK_EQ(qi_ring_room(&r, 3), 1);
	CHECK_EQ(qi_ring_room(&r, 2), 0); /* head right after the tail: full */
	CHECK_EQ(qi_ring_room(&r, 1), NR - 1); /* head == tail: empty */
}

static void test_registers(void)
{
	/* IQT/IQH hold a 128-bit descriptor's index in bits 18:4 (11.4.10). */
	CHECK_EQ(qi_ring_reg(0), 0);
	CHECK_EQ(qi_ring_reg(5), 0x50);
	CHECK_EQ(qi_ring_reg(255), 0xff0);
	CHECK_EQ(qi_ring_slot(0xff0, 256), 255);
	CHECK_EQ(qi_ring_slot(0x50, 256), 5);
	CHECK_EQ(qi_ring_slot(0x1000, 256), 0); /* past the ring: wraps */
	CHECK_EQ(qi_ring_slot(qi_ring_reg(7), NR), 7);
}

static void test_wait_descriptor(void)
{
	uint64_t lo, hi;

	/* Type 5, Status Write (bit 5), the status in 63:32 (6.5.2.8). */
	qi_wait_desc(0xabcd1234u, 0x12345678, &lo, &hi);
	CHECK_EQ(lo & 0xf, 5);
	CHECK(lo & (1ull << 5));
	CHECK(!(lo & (1ull << 4))); /* no interrupt */
	CHECK_EQ(lo >> 32, 0xabcd1234u);
	CHECK_EQ(hi, 0x12345678);
	qi_wait_desc(1, 0x1003, &lo, &hi);
	CHECK_EQ(hi, 0x1000); /* the address is 4-byte aligned */
}

int main(void)
{
	test_room_and_wrap();
	test_registers();
	test_wait_descriptor();
	return test_summary();
}
