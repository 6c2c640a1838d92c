// SPDX-License-Identifier: MIT
/* The physical-range allocator: merging, carving, alignment, limits. */
#include <errno.h>
#include <mm/range_alloc.h>
#include "test.h"

static void test_merge(void)
{
	struct range_alloc ra;

	range_alloc_init(&ra);
	CHECK(!range_add(&ra, 0x1000, 0x3000));
	CHECK(!range_add(&ra, 0x5000, 0x6000));
	CHECK(!range_add(&ra, 0x3000, 0x5000)); /* bridges both */
	CHECK_EQ(ra.nr, 1);
	CHECK_EQ(ra.r[0].start, 0x1000);
	CHECK_EQ(ra.r[0].end, 0x6000);
	CHECK(!range_add(&ra, 0x0, 0x800)); /* page 0 never becomes free at 0 */
	CHECK_EQ(ra.r[0].start, 0x1);
}

static void test_alloc_highest_aligned(void)
{
	struct range_alloc ra;
	uint64_t a;

	range_alloc_init(&ra);
	range_add(&ra, 0x100000, 0x1000000);
	range_add(&ra, 0x2000000, 0x2300000);
	a = range_alloc(&ra, 0x200000, 0x200000, ~0ull);
	CHECK_EQ(a, 0x2000000);
	CHECK_EQ(range_total(&ra), 0xf00000 + 0x100000);
	/* A limit forces the lower range. */
	a = range_alloc(&ra, 0x1000, 0x1000, 0x800000);
	CHECK_EQ(a, 0x7ff000);
	/* Too big. */
	CHECK_EQ(range_alloc(&ra, 0x10000000, 0x1000, ~0ull), 0);
	/* Free and reuse. */
	CHECK(!range_add(&ra, 0x2000000, 0x2200000));
	CHECK_EQ(range_alloc(&ra, 0x300000, 0x1000, ~0ull), 0x2000000);
}

static void test_remove_split(void)
{
	struct range_alloc ra;

	range_alloc_init(&ra);
	range_add(&ra, 0x1000, 0x10000);
	CHECK(!range_remove(&ra, 0x4000, 0x5000));
	CHECK_EQ(ra.nr, 2);
	CHECK_EQ(ra.r[0].end, 0x4000);
	CHECK_EQ(ra.r[1].start, 0x5000);
	CHECK(!range_remove(&ra, 0x0, 0x20000));
	CHECK_EQ(ra.nr, 0);
	CHECK_EQ(range_alloc(&ra, 0x1000, 0x1000, ~0ull), 0);
}

static void test_bad_args(void)
{
	struct range_alloc ra;

	range_alloc_init(&ra);
	range_add(&ra, 0x1000, 0x10000);
	CHECK_EQ(range_alloc(&ra, 0, 0x1000, ~0ull), 0);
	CHECK_EQ(range_alloc(&ra, 0x1000, 0x3000, ~0ull), 0);
}

static void test_table_full(void)
{
	struct range_alloc ra;
	bool ok = true;

	range_alloc_init(&ra);
	for (uint64_t i = 0; i < RANGE_ALLOC_MAX; i++)
		ok &= !range_add(&ra, (i + 1) * 0x2000,
				 (i + 1) * 0x2000 + 0x1000);
	CHECK(ok);
	CHECK_EQ(range_add(&ra, 0x10000000, 0x10001000), -ENOSPC);
}

int main(void)
{
	test_merge();
	test_alloc_highest_aligned();
	test_remove_split();
	test_bad_args();
	test_table_full();
	return test_summary();
}
