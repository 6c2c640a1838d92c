// SPDX-License-Identifier: MIT
/*
 * EPT entries (SDM Vol. 3C 29.3.2, tables 29-1..29-6): bits 0-2 read, write,
 * execute; bits 3-5 the memory type of a leaf; bit 7 a large page.
 */
#include "pt_format.h"
#include "gpa_map.h"

#define EPT_R (1ull << 0)
#define EPT_W (1ull << 1)
#define EPT_X (1ull << 2)
#define EPT_MT_SHIFT 3
#define EPT_MT_UC 0ull
#define EPT_MT_WB 6ull
#define EPT_LARGE (1ull << 7)
#define EPT_ADDR_MASK 0x000ffffffffff000ull

static uint64_t ept_table_entry(uint64_t table_hpa)
{
	/* Non-leaf entries grant everything; the leaf decides. */
	return table_hpa | EPT_R | EPT_W | EPT_X;
}

static uint64_t ept_leaf_entry(uint64_t hpa, int level, uint8_t perm,
			       uint8_t mem_type)
{
	uint64_t e = hpa;

	if (perm & GPA_READ)
		e |= EPT_R;
	if (perm & GPA_WRITE)
		e |= EPT_W;
	if (perm & GPA_EXEC)
		e |= EPT_X;
	e |= (mem_type == GPA_MEM_WB ? EPT_MT_WB : EPT_MT_UC) << EPT_MT_SHIFT;
	if (level > 1)
		e |= EPT_LARGE;
	return e;
}

static bool ept_is_present(uint64_t e)
{
	return e & (EPT_R | EPT_W | EPT_X);
}

static bool ept_is_leaf(uint64_t e, int level)
{
	return level == 1 || (e & EPT_LARGE);
}

const struct pt_format ept_format = {
	.name = "EPT",
	.table_entry = ept_table_entry,
	.leaf_entry = ept_leaf_entry,
	.is_present = ept_is_present,
	.is_leaf = ept_is_leaf,
	.addr_mask = EPT_ADDR_MASK,
	.max_leaf_level = 2,
};
