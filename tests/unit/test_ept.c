// SPDX-License-Identifier: MIT
/* EPT construction from a guest-physical map: large pages where aligned,
 * 4 KiB elsewhere, rights and memory type per region, nothing else mapped. */
#include <errno.h>
#include <gpa_map.h>
#include <pt_build.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#define FAKE_PT_PAGES 4096
#include "fake_pt_alloc.h"

static void test_ram_2m_pages(void)
{
	struct gpa_map m;
	uint64_t root, e;
	int level;

	used = 0;
	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0, 0x40000000, 256ull << 20, GPA_RWX,
			  GPA_MEM_WB) == 0);
	root = pt_build(&m, &ept_format, &alloc);
	CHECK(root != 0);
	/* 1 PML4 + 1 PDPT + 1 PD: 128 2 MiB leaves, no page tables. */
	CHECK_EQ(used, 3);
	e = pt_lookup(root, 0x1234567, &ept_format, &alloc, &level);
	CHECK_EQ(level, 2);
	CHECK_EQ(e & 0x000ffffffffff000ull, 0x40000000 + 0x1200000);
	CHECK_EQ(e & 7, 7);	   /* R W X */
	CHECK_EQ((e >> 3) & 7, 6); /* write-back */
	CHECK(e & (1 << 7));	   /* large page */
	/* Beyond RAM, the IOAPIC page, and high memory are not mapped. */
	CHECK_EQ(pt_lookup(root, 256ull << 20, &ept_format, &alloc, &level), 0);
	CHECK_EQ(pt_lookup(root, 0xfec00000, &ept_format, &alloc, &level), 0);
	CHECK_EQ(pt_lookup(root, 0x40000000, &ept_format, &alloc, &level), 0);
}

static void test_unaligned_4k(void)
{
	struct gpa_map m;
	uint64_t root, e;
	int level;

	used = 0;
	gpa_map_init(&m);
	/* hpa not 2 MiB aligned: must fall back to 4 KiB pages. */
	CHECK(gpa_map_add(&m, 0x200000, 0x40001000, 0x400000, GPA_READ,
			  GPA_MEM_UC) == 0);
	root = pt_build(&m, &ept_format, &alloc);
	CHECK(root != 0);
	e = pt_lookup(root, 0x200000 + 0x5000, &ept_format, &alloc, &level);
	CHECK_EQ(level, 1);
	CHECK_EQ(e & 0x000ffffffffff000ull, 0x40001000 + 0x5000);
	CHECK_EQ(e & 7, 1);	   /* read only */
	CHECK_EQ((e >> 3) & 7, 0); /* uncacheable */
	CHECK_EQ(pt_lookup(root, 0x1ff000, &ept_format, &alloc, &level), 0);
	CHECK_EQ(pt_lookup(root, 0x600000, &ept_format, &alloc, &level), 0);
}

static void test_map_rejects(void)
{
	struct gpa_map m;

	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0x1000, 0x2000, 0x800, GPA_RWX, 0) != 0);
	CHECK(gpa_map_add(&m, 0, 0, 0, GPA_RWX, 0) != 0);
	CHECK(gpa_map_add(&m, 0x100000, 0x0, 0x100000, GPA_RWX, 0) == 0);
	CHECK(gpa_map_add(&m, 0x180000, 0x0, 0x1000, GPA_RWX, 0) != 0);
	CHECK(gpa_map_add(&m, 0xfffffffffffff000ull, 0, 0x2000, GPA_RWX, 0) !=
	      0);
	CHECK(gpa_map_lookup(&m, 0x1fffff) != NULL);
	CHECK(gpa_map_lookup(&m, 0x200000) == NULL);
}

/* gpa_map_to_host: RAM only, whole ranges only. */
static void test_to_host(void)
{
	struct gpa_map m;

	gpa_map_init(&m);
	CHECK_EQ(gpa_map_add(&m, 0, 0x40000000, 0x200000, GPA_RWX, GPA_MEM_WB),
		 0);
	CHECK_EQ(gpa_map_add(&m, 0xfebf0000, 0xfebf0000, 0x1000,
			     GPA_READ | GPA_WRITE, GPA_MEM_UC),
		 0);
	CHECK_EQ(gpa_map_to_host(&m, 0x1000, 8), 0x40001000);
	CHECK_EQ(gpa_map_to_host(&m, 0x1ffff8, 8), 0x401ffff8);
	CHECK_EQ(gpa_map_to_host(&m, 0x1ffff9, 8), 0); /* crosses the end */
	CHECK_EQ(gpa_map_to_host(&m, 0x200000, 1), 0); /* not mapped */
	CHECK_EQ(gpa_map_to_host(&m, 0, 0x200001), 0);
	/* An assigned BAR is the guest's, never corral's to touch for it. */
	CHECK_EQ(gpa_map_to_host(&m, 0xfebf0000, 4), 0);
}

static void test_out_of_memory(void)
{
	struct gpa_map m;

	used = 0;
	limit = 2;
	gpa_map_init(&m);
	gpa_map_add(&m, 0, 0x40000000, 0x200000, GPA_RWX, GPA_MEM_WB);
	CHECK_EQ(pt_build(&m, &ept_format, &alloc), 0);
	limit = FAKE_PT_PAGES;
}

/* pt_free gives back exactly the pages pt_build took, each once; a build
 * that runs out of memory gives back what it had. */
static void test_free(void)
{
	struct gpa_map m;
	uint64_t root;

	fake_reset();
	gpa_map_init(&m);
	/* RAM with a 4 KiB hole (the MP mailbox), high RAM, a BAR page. */
	gpa_map_add(&m, 0, 0x40000000, 0xbf000, GPA_RWX, GPA_MEM_WB);
	gpa_map_add(&m, 0xc0000, 0x400c0000, (256ull << 20) - 0xc0000, GPA_RWX,
		    GPA_MEM_WB);
	gpa_map_add(&m, 0x100000000ull, 0x80000000, 64ull << 20, GPA_RWX,
		    GPA_MEM_WB);
	gpa_map_add(&m, 0xfebf0000, 0xfebf0000, 0x1000, GPA_READ | GPA_WRITE,
		    0);
	root = pt_build(&m, &ept_format, &alloc);
	CHECK(root != 0);
	CHECK(used > 4);
	pt_free(root, &ept_format, &alloc);
	CHECK_EQ(freed, used);
	CHECK_EQ(double_frees, 0);

	fake_reset();
	limit = 4;
	CHECK_EQ(pt_build(&m, &ept_format, &alloc), 0);
	CHECK_EQ(freed, used);
	CHECK_EQ(double_frees, 0);
	limit = FAKE_PT_PAGES;
}

/* A window onto another VM's memory (docs/virtio.md): mapped into a live
 * tree and out again, as often as a client's device comes and goes,
 * without growing the tree; never reachable through gpa_map_to_host. */
static void test_window(void)
{
	struct gpa_map m;
	struct gpa_region w;
	const uint64_t win = 0x8000000000ull; /* 512 GiB */
	uint64_t root, e;
	int level;
	unsigned after_first;

	used = 0;
	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0, 0x40000000, 64ull << 20, GPA_RWX,
			  GPA_MEM_WB) == 0);
	root = pt_build(&m, &ept_format, &alloc);
	CHECK(gpa_map_add_window(&m, win, 0x80000000, 128ull << 20) == 0);
	CHECK(gpa_map_add_window(&m, 0x1000, 0x80000000, 0x1000) == -EEXIST);
	CHECK_EQ(gpa_map_to_host(&m, win + 0x1000, 8), 0);
	CHECK(gpa_map_lookup(&m, win)->flags & GPA_FOREIGN);
	for (int round = 0; round < 3; round++) {
		CHECK(pt_map_region(root, gpa_map_lookup(&m, win), &ept_format,
				    &alloc));
		e = pt_lookup(root, win + 0x234567, &ept_format, &alloc,
			      &level);
		CHECK_EQ(level, 2);
		CHECK_EQ(e & 0x000ffffffffff000ull, 0x80000000 + 0x200000);
		CHECK_EQ(e & 7, 3); /* R W, no X */
		if (round == 0)
			after_first = used;
		CHECK_EQ(used, after_first); /* the tables are reused */
		pt_unmap_range(root, win, 128ull << 20, &ept_format, &alloc);
		CHECK_EQ(pt_lookup(root, win, &ept_format, &alloc, &level), 0);
		CHECK_EQ(pt_lookup(root, win + (127ull << 20), &ept_format,
				   &alloc, &level),
			 0);
	}
	/* The VM's own RAM is untouched. */
	CHECK(pt_lookup(root, 0x100000, &ept_format, &alloc, &level) != 0);
	CHECK(gpa_map_remove(&m, win, &w) == 0);
	CHECK_EQ(w.size, 128ull << 20);
	CHECK(gpa_map_remove(&m, win, &w) == -ENOENT);
	CHECK(gpa_map_lookup(&m, win) == NULL);
	CHECK_EQ(m.nr, 2); /* an empty slot stays, for the next window */
	/* 4 KiB pages (an unaligned host address), unmapped exactly. */
	CHECK(gpa_map_add_window(&m, win, 0x80001000, 0x3000) == 0);
	CHECK(pt_map_region(root, gpa_map_lookup(&m, win), &ept_format,
			    &alloc));
	CHECK(pt_lookup(root, win + 0x2000, &ept_format, &alloc, &level) != 0);
	CHECK_EQ(level, 1);
	pt_unmap_range(root, win, 0x3000, &ept_format, &alloc);
	for (uint64_t off = 0; off < 0x3000; off += 0x1000)
		CHECK_EQ(
			pt_lookup(root, win + off, &ept_format, &alloc, &level),
			0);
	/* A range that only partly covers a large page leaves it alone. */
	pt_unmap_range(root, 0x100000, 0x1000, &ept_format, &alloc);
	CHECK(pt_lookup(root, 0x100000, &ept_format, &alloc, &level) != 0);
}

/* The scratch that stands in for a window while a driver VM lets go of
 * it: one 2 MiB block, repeated over the whole range (never a larger
 * leaf), and over an unaligned range in 4 KiB pages that wrap around the
 * block. */
static void test_scratch(void)
{
	struct gpa_map m;
	const uint64_t win = 0x8000000000ull, block = 0x40200000;
	uint64_t root, e;
	int level;

	used = 0;
	gpa_map_init(&m);
	root = pt_build(&m, &ept_format, &alloc);
	CHECK(gpa_map_add_scratch(&m, win, block + 0x1000, 4ull << 30) ==
	      -EINVAL);
	CHECK(gpa_map_add_scratch(&m, win, block, 4ull << 30) == 0);
	CHECK(gpa_map_lookup(&m, win)->flags & GPA_FOREIGN);
	CHECK_EQ(gpa_map_to_host(&m, win, 8), 0);
	CHECK(pt_map_region(root, gpa_map_lookup(&m, win), &ept_format,
			    &alloc));
	for (uint64_t off = 0; off < (4ull << 30); off += 0x3ff00000) {
		e = pt_lookup(root, win + off, &ept_format, &alloc, &level);
		CHECK_EQ(level, 2);
		CHECK_EQ(e & 0x000ffffffffff000ull, block);
		CHECK_EQ(e & 7, 3); /* R W, no X */
	}
	pt_unmap_range(root, win, 4ull << 30, &ept_format, &alloc);
	CHECK_EQ(pt_lookup(root, win + (3ull << 30), &ept_format, &alloc,
			   &level),
		 0);
	gpa_map_init(&m);
	CHECK(gpa_map_add_scratch(&m, win + 0x1ff000, block, 0x3000) == 0);
	CHECK(pt_map_region(root, gpa_map_lookup(&m, win + 0x1ff000),
			    &ept_format, &alloc));
	e = pt_lookup(root, win + 0x200000, &ept_format, &alloc, &level);
	CHECK_EQ(level, 1);
	CHECK_EQ(e & 0x000ffffffffff000ull, block + 0x1000);
	e = pt_lookup(root, win + 0x1ff000, &ept_format, &alloc, &level);
	CHECK_EQ(e & 0x000ffffffffff000ull, block);
}

/* Channel windows go into the free space above half the address space;
 * an assigned 64-bit BAR there ends it. */
static void test_free_from(void)
{
	static struct gpa_map m;
	uint64_t half = 1ull << 39;

	gpa_map_init(&m);
	CHECK(gpa_map_free_from(&m, half, 2 * half) == 2 * half);
	CHECK(!gpa_map_add(&m, 0, 0x100000, 0x8000000, GPA_READ, GPA_MEM_WB));
	CHECK(gpa_map_free_from(&m, half, 2 * half) == 2 * half);
	CHECK(!gpa_map_add(&m, 0xe000000000ull, 0xe000000000ull, 0x4000,
			   GPA_READ | GPA_WRITE, GPA_MEM_UC));
	CHECK(gpa_map_free_from(&m, half, 2 * half) == 0xe000000000ull);
	CHECK(!gpa_map_add(&m, 0x9000000000ull, 0x9000000000ull, 0x1000,
			   GPA_READ, GPA_MEM_UC));
	CHECK(gpa_map_free_from(&m, half, 2 * half) == 0x9000000000ull);
	/* A region that holds `from` leaves nothing free. */
	CHECK(gpa_map_free_from(&m, 0x4000000, 2 * half) == 0x4000000);
	/* One that ends at `from` does not count. */
	CHECK(gpa_map_free_from(&m, 0x8000000, 0x10000000) == 0x10000000);
}

int main(void)
{
	test_scratch();
	test_window();
	test_to_host();
	test_ram_2m_pages();
	test_unaligned_4k();
	test_map_rejects();
	test_out_of_memory();
	test_free();
	test_free_from();
	return test_summary();
}
