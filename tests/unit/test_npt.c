// SPDX-License-Identifier: MIT
/*
 * NPT construction from a guest-physical map. Nested page tables are
 * long-mode page tables walked as user accesses (APM Vol. 2 15.25.5): every
 * level needs P, R/W and U/S; a leaf's R/W and NX (bit 63) carry the rights,
 * PS (bit 7) marks a 2 MiB page, PCD|PWT select the host PAT's UC entry.
 * The walk here is written from the APM, independent of pt_lookup().
 */
#include <gpa_map.h>
#include <pt_build.h>
#include <stdlib.h>
#include <string.h>
#include "test.h"
#define FAKE_PT_PAGES 1024
#include "fake_pt_alloc.h"

#define P (1ull << 0)
#define RW (1ull << 1)
#define US (1ull << 2)
#define PWT (1ull << 3)
#define PCD (1ull << 4)
#define PS (1ull << 7)
#define NX (1ull << 63)
#define ADDR 0x000ffffffffff000ull

/*
 * A long-mode walk of gpa: fills e[4..1] with the entry read at each level
 * (e[level], 0 where the walk stopped earlier) and returns the leaf level,
 * or 0 when an entry on the way is not present.
 */
static int walk(uint64_t root, uint64_t gpa, uint64_t e[5])
{
	const uint64_t *t = phys_to_virt(NULL, root);

	memset(e, 0, 5 * sizeof(e[0]));
	for (int level = 4; level >= 1; level--) {
		uint64_t x = t[(gpa >> (12 + 9 * (level - 1))) & 511];

		e[level] = x;
		if (!(x & P))
			return 0;
		if (level == 1 || ((level == 2 || level == 3) && (x & PS)))
			return level;
		t = phys_to_virt(NULL, x & ADDR);
	}
	return 0;
}

/* Every non-leaf entry on the way to gpa's leaf: P, R/W, U/S, and no PS,
 * NX or cache bits that would narrow the leaf's rights. */
static void check_tables(const uint64_t e[5], int leaf)
{
	for (int level = 4; level > leaf; level--) {
		CHECK_EQ(e[level] & (P | RW | US), P | RW | US);
		CHECK_EQ(e[level] & (PS | NX | PCD | PWT), 0);
		CHECK(e[level] & ADDR);
	}
}

static uint64_t build(const struct gpa_map *m)
{
	uint64_t root;

	used = 0;
	root = pt_build(m, &npt_format, &alloc);
	CHECK(root != 0);
	CHECK_EQ(root & 0xfff, 0);
	return root;
}

static void test_format(void)
{
	CHECK(strcmp(npt_format.name, "NPT") == 0);
	CHECK_EQ(npt_format.max_leaf_level, 2); /* 2 MiB leaves, no 1 GiB */
	CHECK_EQ(npt_format.addr_mask, ADDR);
	CHECK_EQ(npt_format.table_entry(0x5000), 0x5000 | P | RW | US);
	CHECK(npt_format.is_present(P));
	CHECK(!npt_format.is_present(RW | US | NX));
	CHECK(npt_format.is_leaf(P, 1));
	CHECK(npt_format.is_leaf(P | PS, 2));
	CHECK(!npt_format.is_leaf(P | RW | US, 2));
	/* No rights at all: not present. */
	CHECK_EQ(npt_format.leaf_entry(0x1000, 1, 0, GPA_MEM_WB) & P, 0);
}

static void test_ram_2m(void)
{
	struct gpa_map m;
	uint64_t root, e[5];
	int level;

	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0, 0x40000000, 256ull << 20, GPA_RWX,
			  GPA_MEM_WB) == 0);
	root = build(&m);
	/* PML4 + PDPT + one PD holding 128 2 MiB leaves: no page tables. */
	CHECK_EQ(used, 3);

	for (uint64_t gpa = 0; gpa < (256ull << 20); gpa += 2ull << 20) {
		level = walk(root, gpa + 0x1234, e);
		if (level != 2) {
			CHECK_EQ(level, 2);
			break;
		}
		check_tables(e, 2);
		CHECK_EQ(e[2] & ADDR, 0x40000000 + gpa);
		/* P, R/W, U/S, PS; no NX (executable); WB: no PCD/PWT. */
		CHECK_EQ(e[2] & (P | RW | US | PS | NX | PCD | PWT),
			 P | RW | US | PS);
	}
	/* pt_lookup agrees with the hand walk. */
	CHECK_EQ(pt_lookup(root, 0x1234567, &npt_format, &alloc, &level),
		 (0x40000000 + 0x1200000) | P | RW | US | PS);
	CHECK_EQ(level, 2);

	/* Beyond RAM, the IOAPIC and LAPIC pages, 4 GiB and the top of the
	 * address space are not mapped. */
	CHECK_EQ(walk(root, 256ull << 20, e), 0);
	CHECK_EQ(walk(root, 0xfec00000, e), 0);
	CHECK_EQ(walk(root, 0xfee00000, e), 0);
	CHECK_EQ(walk(root, 0x100000000ull, e), 0);
	CHECK_EQ(walk(root, 0x0000fffffffff000ull, e), 0);
	CHECK_EQ(pt_lookup(root, 256ull << 20, &npt_format, &alloc, &level), 0);
}

/* NPT has no 1 GiB leaves here: a 1 GiB-aligned GiB still uses 2 MiB ones. */
static void test_no_1g_leaves(void)
{
	struct gpa_map m;
	uint64_t root, e[5];

	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 1ull << 30, 1ull << 30, 1ull << 30, GPA_RWX,
			  GPA_MEM_WB) == 0);
	root = build(&m);
	CHECK_EQ(used, 3); /* PML4, PDPT, one full PD */
	CHECK_EQ(walk(root, (1ull << 30) + 0x3456789, e), 2);
	CHECK_EQ(e[3] & PS, 0);
	check_tables(e, 2);
	CHECK_EQ(e[2] & ADDR, (1ull << 30) + 0x3400000);
	CHECK_EQ(walk(root, (1ull << 30) - 0x1000, e), 0);
	CHECK_EQ(walk(root, 2ull << 30, e), 0);
}

static void test_rights(void)
{
	struct gpa_map m;
	uint64_t root, e[5];

	gpa_map_init(&m);
	/* Read-only data, read-execute code, read-write data, each 2 MiB. */
	CHECK(gpa_map_add(&m, 0x200000, 0x80200000, 0x200000, GPA_READ,
			  GPA_MEM_WB) == 0);
	CHECK(gpa_map_add(&m, 0x400000, 0x80400000, 0x200000,
			  GPA_READ | GPA_EXEC, GPA_MEM_WB) == 0);
	CHECK(gpa_map_add(&m, 0x600000, 0x80600000, 0x200000,
			  GPA_READ | GPA_WRITE, GPA_MEM_WB) == 0);
	/* A 4 KiB read-only, non-executable page (like a foreign window). */
	CHECK(gpa_map_add(&m, 0x900000, 0x123456000ull, 0x1000, GPA_READ,
			  GPA_MEM_WB) == 0);
	root = build(&m);

	CHECK_EQ(walk(root, 0x200000, e), 2);
	check_tables(e, 2);
	CHECK_EQ(e[2] & (P | RW | US | PS | NX), P | US | PS | NX); /* RO, NX */
	CHECK_EQ(e[2] & ADDR, 0x80200000);

	CHECK_EQ(walk(root, 0x4fffff, e), 2);
	CHECK_EQ(e[2] & (P | RW | US | PS | NX), P | US | PS); /* RX */

	CHECK_EQ(walk(root, 0x600000, e), 2);
	CHECK_EQ(e[2] & (P | RW | US | PS | NX),
		 P | RW | US | PS | NX); /* RW, NX */

	CHECK_EQ(walk(root, 0x900abc, e), 1);
	check_tables(e, 1);
	CHECK_EQ(e[1] & ADDR, 0x123456000ull);
	CHECK_EQ(e[1] & (P | RW | US | NX), P | US | NX);
	CHECK_EQ(e[1] & PS, 0); /* bit 7 of a PTE is PAT: must stay clear */
	CHECK_EQ(walk(root, 0x901000, e), 0);
	CHECK_EQ(walk(root, 0x8ff000, e), 0);
	CHECK_EQ(walk(root, 0x800000, e), 0);
	CHECK_EQ(walk(root, 0x1fffff, e), 0);

	/* Write- or execute-only cannot be expressed: both become readable. */
	CHECK_EQ(npt_format.leaf_entry(0x5000, 1, GPA_WRITE, GPA_MEM_WB),
		 0x5000 | P | RW | US | NX);
	CHECK_EQ(npt_format.leaf_entry(0x5000, 1, GPA_EXEC, GPA_MEM_WB),
		 0x5000 | P | US);
}

static void test_uc(void)
{
	struct gpa_map m;
	uint64_t root, e[5];

	gpa_map_init(&m);
	/* An assigned device's BARs: a 2 MiB-aligned one and a 16 KiB one. */
	CHECK(gpa_map_add(&m, 0xe0000000, 0xf0000000, 0x400000,
			  GPA_READ | GPA_WRITE, GPA_MEM_UC) == 0);
	CHECK(gpa_map_add(&m, 0xe0800000, 0xf7f00000, 0x4000,
			  GPA_READ | GPA_WRITE, GPA_MEM_UC) == 0);
	CHECK(gpa_map_add(&m, 0, 0x40000000, 0x200000, GPA_RWX, GPA_MEM_WB) ==
	      0);
	root = build(&m);

	CHECK_EQ(walk(root, 0xe0200000, e), 2);
	check_tables(e, 2);
	CHECK_EQ(e[2] & (PCD | PWT), PCD | PWT); /* host PAT entry 3: UC */
	CHECK_EQ(e[2] & (P | RW | US | PS | NX), P | RW | US | PS | NX);
	CHECK_EQ(e[2] & ADDR, 0xf0200000);

	CHECK_EQ(walk(root, 0xe0803000, e), 1);
	check_tables(e, 1);
	CHECK_EQ(e[1] & (PCD | PWT | PS), PCD | PWT);
	CHECK_EQ(e[1] & ADDR, 0xf7f03000);
	CHECK_EQ(walk(root, 0xe0804000, e), 0);

	/* RAM next to it: WB, neither bit. */
	CHECK_EQ(walk(root, 0x1000, e), 2);
	CHECK_EQ(e[2] & (PCD | PWT), 0);
	CHECK_EQ(walk(root, 0xe0400000, e), 0);
}

static void test_4k_fallback(void)
{
	struct gpa_map m;
	uint64_t root, e[5];

	gpa_map_init(&m);
	/* hpa not 2 MiB aligned while gpa is: 4 KiB pages throughout. */
	CHECK(gpa_map_add(&m, 0x200000, 0x40001000, 0x400000, GPA_RWX,
			  GPA_MEM_WB) == 0);
	/* gpa not 2 MiB aligned while hpa is. */
	CHECK(gpa_map_add(&m, 0x1001000, 0x50000000, 0x200000, GPA_RWX,
			  GPA_MEM_WB) == 0);
	/* Both aligned but 2 MiB + 8 KiB long: one large leaf, two small. */
	CHECK(gpa_map_add(&m, 0x2000000, 0x60000000, 0x202000, GPA_RWX,
			  GPA_MEM_WB) == 0);
	root = build(&m);

	for (uint64_t off = 0; off < 0x400000; off += 0x1000) {
		if (walk(root, 0x200000 + off, e) != 1 ||
		    (e[1] & ADDR) != 0x40001000 + off) {
			CHECK(!"4 KiB leaf expected");
			fprintf(stderr, "at gpa 0x%llx\n",
				(unsigned long long)(0x200000 + off));
			break;
		}
	}
	CHECK_EQ(walk(root, 0x200000 + 0x5000, e), 1);
	check_tables(e, 1);
	CHECK_EQ(e[1] & (P | RW | US | PS | NX | PCD | PWT), P | RW | US);
	CHECK_EQ(walk(root, 0x1ff000, e), 0);
	CHECK_EQ(walk(root, 0x600000, e), 0);

	CHECK_EQ(walk(root, 0x1001000, e), 1);
	CHECK_EQ(e[1] & ADDR, 0x50000000);
	CHECK_EQ(walk(root, 0x1200fff, e), 1);
	CHECK_EQ(e[1] & ADDR, 0x501ff000);
	CHECK_EQ(walk(root, 0x1000000, e), 0);
	CHECK_EQ(walk(root, 0x1201000, e), 0);

	CHECK_EQ(walk(root, 0x21fffff, e), 2);
	CHECK_EQ(e[2] & ADDR, 0x60000000);
	CHECK_EQ(e[2] & PS, PS);
	CHECK_EQ(walk(root, 0x2201000, e), 1);
	CHECK_EQ(e[1] & ADDR, 0x60201000);
	CHECK_EQ(walk(root, 0x2202000, e), 0);
}

/* High host addresses survive in the entry; NX does not eat into them. */
static void test_high_hpa(void)
{
	struct gpa_map m;
	uint64_t root, e[5];

	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0x100000000ull, 0x7ffffe00000ull, 0x200000,
			  GPA_READ, GPA_MEM_WB) == 0);
	root = build(&m);
	CHECK_EQ(walk(root, 0x100000000ull, e), 2);
	check_tables(e, 2);
	CHECK_EQ(e[2] & ADDR, 0x7ffffe00000ull);
	CHECK_EQ(e[2] & NX, NX);
	CHECK_EQ(walk(root, 0, e), 0);
}

static void test_out_of_memory(void)
{
	struct gpa_map m;

	gpa_map_init(&m);
	CHECK(gpa_map_add(&m, 0, 0x40001000, 0x200000, GPA_RWX, GPA_MEM_WB) ==
	      0);
	/* Needs 4 pages (with a page table); fail at each one. */
	for (unsigned l = 0; l < 4; l++) {
		used = 0;
		limit = l;
		CHECK_EQ(pt_build(&m, &npt_format, &alloc), 0);
	}
	used = 0;
	limit = 4;
	CHECK(pt_build(&m, &npt_format, &alloc) != 0);
	limit = FAKE_PT_PAGES;
}

int main(void)
{
	test_format();
	test_ram_2m();
	test_no_1g_leaves();
	test_rights();
	test_uc();
	test_4k_fallback();
	test_high_hpa();
	test_out_of_memory();
	return test_summary();
}
