// SPDX-License-Identifier: MIT
/*
 * VT-d root and context tables (9.1, 9.3) read back as raw memory at exact
 * byte and bit positions; second-level entries (9.8) and the tables
 * pt_build emits with them; the 3-level root; the SAGAW choice.
 */
#include <gpa_map.h>
#include <pt_build.h>
#include <vtd_tables.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include "test.h"
#define FAKE_PT_PAGES 1024
#include "fake_pt_alloc.h"

#define DEVFN(d, f) ((uint8_t)((d) << 3 | (f)))
#define GiB (1ull << 30)
#define MiB (1ull << 20)

static uint64_t rd64(const void *page, size_t off)
{
	uint64_t v;

	memcpy(&v, (const uint8_t *)page + off, 8);
	return v;
}

static bool page_is_zero(const void *page)
{
	static const uint8_t zero[4096];

	return !memcmp(page, zero, 4096);
}

static void test_root_context(void)
{
	struct vtd_root_table rt;
	uint64_t ctx[2], ct0, ct3;
	const void *root;

	used = 0;
	CHECK_EQ(vtd_root_init(&rt, &alloc), 0);
	CHECK_EQ(used, 1);
	CHECK_EQ(rt.phys, FAKE_BASE);
	CHECK(rt.virt == (void *)pool[0]);
	root = pool[0];
	CHECK(page_is_zero(root));

	/* 00:02.0 -> SL table at 0x12345000, 4-level, domain 5. */
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(2, 0), 0x12345000, 2, 5, &alloc),
		 0);
	CHECK_EQ(used, 2);
	ct0 = FAKE_BASE + 0x1000;
	/* Root entry 0 (bytes 0-15): P | CTP; upper half 0. */
	CHECK_EQ(rd64(root, 0), ct0 | 1);
	CHECK_EQ(rd64(root, 8), 0);
	/* Context entry 0x10 (bytes 0x100-0x10f): P, TT = 00, FPD = 0,
	 * SLPTPTR; AW = 2 at 66:64, DID = 5 at 87:72. */
	CHECK_EQ(rd64(pool[1], 0x100), 0x12345001ull);
	CHECK_EQ(rd64(pool[1], 0x108), 0x0000000000000502ull);
	CHECK_EQ((rd64(pool[1], 0x100) >> 2) & 3, 0);
	CHECK_EQ(rd64(pool[1], 0x108) & 7, 2);
	CHECK_EQ((rd64(pool[1], 0x108) >> 8) & 0xffff, 5);

	/* 00:1f.3 in the same context table: no new page. */
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(0x1f, 3), 0xabcdef000ull, 1,
				 0xffff, &alloc),
		 0);
	CHECK_EQ(used, 2);
	CHECK_EQ(rd64(pool[1], 0xfb * 16), 0xabcdef001ull);
	CHECK_EQ(rd64(pool[1], 0xfb * 16 + 8), 0x0000000000ffff01ull);

	/* 03:00.0 and 03:1f.7: one new context table, root entry 3 at
	 * bytes 48-63. */
	CHECK_EQ(vtd_context_set(&rt, 3, DEVFN(0, 0), 0x7f000000, 2, 1, &alloc),
		 0);
	CHECK_EQ(vtd_context_set(&rt, 3, DEVFN(0x1f, 7), 0x7f000000, 2, 1,
				 &alloc),
		 0);
	CHECK_EQ(used, 3);
	ct3 = FAKE_BASE + 0x2000;
	CHECK_EQ(rd64(root, 48), ct3 | 1);
	CHECK_EQ(rd64(root, 56), 0);
	CHECK_EQ(rd64(pool[2], 0), 0x7f000001ull);
	CHECK_EQ(rd64(pool[2], 8), 0x102ull);
	CHECK_EQ(rd64(pool[2], 0xff * 16), 0x7f000001ull);
	CHECK_EQ(rd64(pool[2], 0xff * 16 + 8), 0x102ull);
	/* Nothing else in the root table. */
	for (int bus = 0; bus < 256; bus++) {
		if (bus != 0 && bus != 3) {
			CHECK_EQ(rd64(root, 16 * bus), 0);
			CHECK_EQ(rd64(root, 16 * bus + 8), 0);
		}
	}

	CHECK(vtd_context_get(&rt, 3, DEVFN(0x1f, 7), ctx, &alloc));
	CHECK_EQ(ctx[0], 0x7f000001ull);
	CHECK_EQ(ctx[1], 0x102ull);
	CHECK(!vtd_context_get(&rt, 3, DEVFN(0x1f, 6), ctx, &alloc));
	CHECK_EQ(ctx[0], 0);
	CHECK(!vtd_context_get(&rt, 7, 0, ctx, &alloc));
	CHECK_EQ(ctx[0] | ctx[1], 0);

	/* Present entries: identical is fine, a change is refused. */
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(2, 0), 0x12345000, 2, 5, &alloc),
		 0);
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(2, 0), 0x12345000, 2, 6, &alloc),
		 -EBUSY);
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(2, 0), 0x22345000, 2, 5, &alloc),
		 -EBUSY);
	CHECK_EQ(rd64(pool[1], 0x108), 0x502ull);

	/* Clearing: the whole 128 bits go, the neighbours and the root entry
	 * stay; then the device can be re-pointed. */
	vtd_context_clear(&rt, 0, DEVFN(2, 0), &alloc);
	CHECK_EQ(rd64(pool[1], 0x100), 0);
	CHECK_EQ(rd64(pool[1], 0x108), 0);
	CHECK(!vtd_context_get(&rt, 0, DEVFN(2, 0), ctx, &alloc));
	CHECK(vtd_context_get(&rt, 0, DEVFN(0x1f, 3), ctx, &alloc));
	CHECK_EQ(rd64(root, 0), ct0 | 1);
	CHECK_EQ(vtd_context_set(&rt, 0, DEVFN(2, 0), 0x22345000, 2, 6, &alloc),
		 0);
	CHECK_EQ(rd64(pool[1], 0x100), 0x22345001ull);
	CHECK_EQ(rd64(pool[1], 0x108), 0x602ull);
	/* Clearing on a bus without a context table does nothing. */
	vtd_context_clear(&rt, 9, 0, &alloc);
	CHECK_EQ(rd64(root, 16 * 9), 0);
	CHECK_EQ(used, 3);

	/* Bad arguments. */
	CHECK_EQ(vtd_context_set(&rt, 1, 0, 0, 2, 1, &alloc), -EINVAL);
	CHECK_EQ(vtd_context_set(&rt, 1, 0, 0x1000800, 2, 1, &alloc), -EINVAL);
	CHECK_EQ(vtd_context_set(&rt, 1, 0, 0x1000000, 0, 1, &alloc), -EINVAL);
	CHECK_EQ(vtd_context_set(&rt, 1, 0, 0x1000000, 4, 1, &alloc), -EINVAL);
	CHECK_EQ(used, 3);
	CHECK_EQ(rd64(root, 16), 0);

	/* Out of memory for a new context table. */
	limit = used;
	CHECK_EQ(vtd_context_set(&rt, 1, 0, 0x1000000, 2, 1, &alloc), -ENOMEM);
	CHECK_EQ(rd64(root, 16), 0);
	/* ... but a bus that has one still works. */
	CHECK_EQ(vtd_context_set(&rt, 3, DEVFN(1, 0), 0x1000000, 2, 1, &alloc),
		 0);
	limit = 0;
	used = 0;
	CHECK_EQ(vtd_root_init(&rt, &alloc), -ENOMEM);
	CHECK(rt.virt == NULL);
	limit = FAKE_PT_PAGES;
}

static void test_sl_entries(void)
{
	const struct pt_format *f = &vtd_sl_format;

	CHECK_EQ(f->max_leaf_level, 2);
	CHECK_EQ(f->addr_mask, 0x000ffffffffff000ull);
	/* Non-leaf: R | W. */
	CHECK_EQ(f->table_entry(0x12345000), 0x12345003ull);
	/* 2 MiB leaf: R | W | PS; no execute, SNP (bit 11), memory type. */
	CHECK_EQ(f->leaf_entry(0x40200000, 2, GPA_RWX, GPA_MEM_WB),
		 0x40200083ull);
	CHECK_EQ(f->leaf_entry(0x40200000, 2, GPA_RWX, GPA_MEM_UC),
		 0x40200083ull);
	/* 4 KiB leaves. */
	CHECK_EQ(f->leaf_entry(0xfebf1000, 1, GPA_READ | GPA_WRITE, GPA_MEM_UC),
		 0xfebf1003ull);
	CHECK_EQ(f->leaf_entry(0x5000, 1, GPA_READ, GPA_MEM_WB), 0x5001ull);
	CHECK_EQ(f->leaf_entry(0x5000, 1, GPA_WRITE, GPA_MEM_WB), 0x5002ull);
	/* Execute-only: not present for DMA. */
	CHECK(!f->is_present(f->leaf_entry(0x5000, 1, GPA_EXEC, GPA_MEM_WB)));
	CHECK(f->is_present(0x5001));
	CHECK(f->is_present(0x5002));
	CHECK(!f->is_present(0x5080));
	CHECK(f->is_leaf(0x5003, 1));
	CHECK(f->is_leaf(0x200083, 2));
	CHECK(!f->is_leaf(0x5003, 2));
	/* Bits 63:52 of an address never leak into the entry. */
	CHECK_EQ(f->leaf_entry(0xfff0000040000000ull, 1, GPA_READ, 0),
		 0x40000001ull);
}

/* Sums the bytes mapped by every present leaf under a table, checking
 * each leaf's PS bit and that no execute/SNP/reserved bits are set. */
static uint64_t mapped_bytes(uint64_t table, int level)
{
	const uint64_t *t = phys_to_virt(NULL, table);
	uint64_t sum = 0;

	for (int i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!vtd_sl_format.is_present(e))
			continue;
		CHECK_EQ(e & 0xfff0000000000f7cull, 0);
		if (vtd_sl_format.is_leaf(e, level))
			sum += 1ull << (12 + 9 * (level - 1));
		else
			sum += mapped_bytes(e & vtd_sl_format.addr_mask,
					    level - 1);
	}
	return sum;
}

static void test_sl_build(void)
{
	struct gpa_map m;
	uint64_t root, e;
	int level;
	/* 6 MiB of RAM at GPA 1 MiB (hpa 0x80100000): 4 KiB pages up to
	 * 2 MiB, two 2 MiB pages, 4 KiB pages to the end; plus one BAR page
	 * at 0xfebf0000, read/write, UC. */
	const uint64_t gpa = MiB, hpa = 0x80100000ull, size = 6 * MiB;

	used = 0;
	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, gpa, hpa, size, GPA_RWX, GPA_MEM_WB) == 0);
	CHECK(gpa_map_add(&m, 0xfebf0000, 0xc0000000, 0x1000,
			  GPA_READ | GPA_WRITE, GPA_MEM_UC) == 0);
	root = pt_build(&m, &vtd_sl_format, &alloc);
	CHECK(root != 0);
	CHECK_EQ(mapped_bytes(root, 4), size + 0x1000);

	for (uint64_t off = 0; off < size; off += 0x1000) {
		e = pt_lookup(root, gpa + off, &vtd_sl_format, &alloc, &level);
		if (!e) {
			CHECK(e);
			break;
		}
		CHECK_EQ((e & vtd_sl_format.addr_mask) +
				 ((gpa + off) &
				  ((level == 2 ? 2 * MiB : 0x1000) - 1)),
			 hpa + off);
	}
	e = pt_lookup(root, 2 * MiB, &vtd_sl_format, &alloc, &level);
	CHECK_EQ(level, 2);
	CHECK_EQ(e, 0x80200083ull);
	e = pt_lookup(root, gpa, &vtd_sl_format, &alloc, &level);
	CHECK_EQ(level, 1);
	CHECK_EQ(e, 0x80100003ull);
	e = pt_lookup(root, gpa + size - 0x1000, &vtd_sl_format, &alloc,
		      &level);
	CHECK_EQ(level, 1);
	CHECK_EQ(e, hpa + size - 0x1000 + 3);
	e = pt_lookup(root, 0xfebf0000, &vtd_sl_format, &alloc, &level);
	CHECK_EQ(e, 0xc0000003ull);
	/* One page either side of each region is unmapped. */
	CHECK_EQ(pt_lookup(root, gpa - 0x1000, &vtd_sl_format, &alloc, &level),
		 0);
	CHECK_EQ(pt_lookup(root, gpa + size, &vtd_sl_format, &alloc, &level),
		 0);
	CHECK_EQ(pt_lookup(root, 0xfebef000, &vtd_sl_format, &alloc, &level),
		 0);
	CHECK_EQ(pt_lookup(root, 0xfebf1000, &vtd_sl_format, &alloc, &level),
		 0);
	CHECK_EQ(pt_lookup(root, 0, &vtd_sl_format, &alloc, &level), 0);
}

/* Walks a 3-level second-level table the way a 39-bit unit does. */
static uint64_t walk3(uint64_t root3, uint64_t gpa)
{
	const uint64_t *t = phys_to_virt(NULL, root3);

	for (int level = 3; level >= 1; level--) {
		uint64_t e = t[(gpa >> (12 + 9 * (level - 1))) & 511];

		if (!vtd_sl_format.is_present(e))
			return 0;
		if (vtd_sl_format.is_leaf(e, level))
			return (e & vtd_sl_format.addr_mask) +
			       (gpa & ((1ull << (12 + 9 * (level - 1))) - 1));
		t = phys_to_virt(NULL, e & vtd_sl_format.addr_mask);
	}
	return 0;
}

static void test_sl_levels(void)
{
	struct gpa_map m;
	uint64_t root4, root3;
	unsigned before;

	used = 0;
	gpa_map_init(&m);
	gpa_map_add(&m, 0, 0x40000000, 256 * MiB, GPA_RWX, GPA_MEM_WB);
	gpa_map_add(&m, 511 * GiB, 0x80000000, 2 * MiB, GPA_READ | GPA_WRITE,
		    GPA_MEM_UC);
	root4 = pt_build(&m, &vtd_sl_format, &alloc);
	CHECK(root4 != 0);
	CHECK_EQ(vtd_sl_root_for_levels(root4, 4, &vtd_sl_format, &alloc),
		 root4);
	root3 = vtd_sl_root_for_levels(root4, 3, &vtd_sl_format, &alloc);
	CHECK_EQ(root3, ((uint64_t *)phys_to_virt(NULL, root4))[0] &
				vtd_sl_format.addr_mask);
	CHECK(root3 != 0 && root3 != root4);
	CHECK_EQ(walk3(root3, 0x1234567), 0x41234567ull);
	CHECK_EQ(walk3(root3, 511 * GiB + 0x1000), 0x80001000ull);
	CHECK_EQ(walk3(root3, 256 * MiB), 0);
	CHECK_EQ(vtd_aw_levels(1), 3);
	CHECK_EQ(vtd_aw_levels(2), 4);
	/* Other depths are not corral's. */
	CHECK_EQ(vtd_sl_root_for_levels(root4, 5, &vtd_sl_format, &alloc), 0);
	CHECK_EQ(vtd_sl_root_for_levels(root4, 2, &vtd_sl_format, &alloc), 0);
	CHECK_EQ(vtd_sl_root_for_levels(0, 4, &vtd_sl_format, &alloc), 0);

	/* Anything at or above 512 GiB: no 3-level root. */
	used = 0;
	gpa_map_init(&m);
	gpa_map_add(&m, 0, 0x40000000, 2 * MiB, GPA_RWX, GPA_MEM_WB);
	gpa_map_add(&m, 512 * GiB, 0x80000000, 0x1000, GPA_RWX, GPA_MEM_WB);
	root4 = pt_build(&m, &vtd_sl_format, &alloc);
	CHECK(root4 != 0);
	CHECK_EQ(vtd_sl_root_for_levels(root4, 3, &vtd_sl_format, &alloc), 0);
	CHECK(vtd_sl_root_for_levels(root4, 4, &vtd_sl_format, &alloc) ==
	      root4);

	/* An empty map: an empty level-3 table is hung under entry 0. */
	used = 0;
	gpa_map_init(&m);
	root4 = pt_build(&m, &vtd_sl_format, &alloc);
	CHECK(root4 != 0);
	before = used;
	root3 = vtd_sl_root_for_levels(root4, 3, &vtd_sl_format, &alloc);
	CHECK(root3 != 0);
	CHECK_EQ(used, before + 1);
	CHECK(page_is_zero(phys_to_virt(NULL, root3)));
	CHECK_EQ(((uint64_t *)phys_to_virt(NULL, root4))[0], root3 | 3);
	/* Asked again, the same table. */
	CHECK_EQ(vtd_sl_root_for_levels(root4, 3, &vtd_sl_format, &alloc),
		 root3);
	CHECK_EQ(used, before + 1);
}

static void test_pick_aw(void)
{
	CHECK_EQ(vtd_pick_aw(0x2ull << 8), 1);
	CHECK_EQ(vtd_pick_aw(0x4ull << 8), 2);
	CHECK_EQ(vtd_pick_aw(0x6ull << 8), 2);
	CHECK_EQ(vtd_pick_aw(0x0ull << 8), -ENOTSUP);
	/* Only 5-level (SAGAW bit 3) or only the obsolete 2-level (bit 0). */
	CHECK_EQ(vtd_pick_aw(0x8ull << 8), -ENOTSUP);
	CHECK_EQ(vtd_pick_aw(0x1ull << 8), -ENOTSUP);
	/* QEMU 7.2 intel-iommu as Linux printed its capability register:
	 * default (aw-bits=39, SAGAW 0x2) and aw-bits=48 (SAGAW 0x6). */
	CHECK_EQ(vtd_pick_aw(0x00d2008c22260206ull), 1);
	CHECK_EQ(vtd_pick_aw(0x00d2008c222f0606ull), 2);
	CHECK_EQ(vtd_pick_aw(~0ull & ~(0x1full << 8)), -ENOTSUP);
	CHECK_EQ(vtd_pick_aw(~0ull), 2);
}

int main(void)
{
	test_root_context();
	test_sl_entries();
	test_sl_build();
	test_sl_levels();
	test_pick_aw();
	return test_summary();
}
