// SPDX-License-Identifier: MIT
/*
 * AMD nested page tables are ordinary long-mode page tables walked as user
 * accesses (APM Vol. 2 15.25.5): P, R/W, U/S must be set on every level,
 * PS marks a large page, NX (bit 63) removes execute, and the memory type
 * comes from the host PAT through PCD/PWT (index 0 = WB, index 3 = UC).
 */
#include "pt_format.h"
#include "gpa_map.h"

#define NPT_P (1ull << 0)
#define NPT_RW (1ull << 1)
#define NPT_US (1ull << 2)
#define NPT_PWT (1ull << 3)
#define NPT_PCD (1ull << 4)
#define NPT_PS (1ull << 7)
#define NPT_NX (1ull << 63)
#define NPT_ADDR_MASK 0x000ffffffffff000ull

static uint64_t npt_table_entry(uint64_t table_hpa)
{
	return table_hpa | NPT_P | NPT_RW | NPT_US;
}

static uint64_t npt_leaf_entry(uint64_t hpa, int level, uint8_t perm,
			       uint8_t mem_type)
{
	uint64_t e = hpa | NPT_US;

	if (perm & (GPA_READ | GPA_WRITE | GPA_EXEC))
		e |= NPT_P; /* NPT cannot express write- or execute-only */
	if (perm & GPA_WRITE)
		e |= NPT_RW;
	if (!(perm & GPA_EXEC))
		e |= NPT_NX;
	if (mem_type == GPA_MEM_UC)
		e |= NPT_PCD | NPT_PWT;
	if (level > 1)
		e |= NPT_PS;
	return e;
}

static bool npt_is_present(uint64_t e)
{
	return e & NPT_P;
}

static bool npt_is_leaf(uint64_t e, int level)
{
	return level == 1 || (e & NPT_PS);
}

const struct pt_format npt_format = {
	.name = "NPT",
	.table_entry = npt_table_entry,
	.leaf_entry = npt_leaf_entry,
	.is_present = npt_is_present,
	.is_leaf = npt_is_leaf,
	.addr_mask = NPT_ADDR_MASK,
	.max_leaf_level = 2,
};
