// SPDX-License-Identifier: MIT
/*
 * VT-d second-level paging entries (VT-d spec rev 4.x 9.8; "second-stage"
 * in rev 5.x): bit 0 Read, bit 1 Write, bit 7 PS (a 2 MiB leaf in an SL-PDE,
 * 1 GiB in an SL-PDPE), bit 11 SNP, bits 51:12 the address. An entry is not
 * present when R and W are both 0. There is no execute right for DMA and no
 * memory type to set in legacy mode: coherency follows each request's
 * no-snoop attribute (sections "Snoop Behavior" and "Memory Type", 3.10 and
 * 3.11 in rev 5.x; summary in 5.3), so RAM (GPA_MEM_WB) and BARs
 * (GPA_MEM_UC) encode the same. SNP (snoop control, optional: ECAP.SC)
 * forces snooping; vtd_sl_snoop_format sets it where the units allow.
 * Non-leaf entries grant R|W; the leaf decides.
 *
 * max_leaf_level 2 needs CAP.SLLPS bit 0 (2 MiB pages), which QEMU and all
 * VT-d hardware corral targets report; a unit without it needs 4 KiB-only
 * tables.
 */
#include "pt_format.h"
#include "gpa_map.h"

#define SL_R (1ull << 0)
#define SL_W (1ull << 1)
#define SL_PS (1ull << 7)
#define SL_SNP (1ull << 11)
#define SL_ADDR_MASK 0x000ffffffffff000ull

static uint64_t vtd_sl_table_entry(uint64_t table_hpa)
{
	return (table_hpa & SL_ADDR_MASK) | SL_R | SL_W;
}

static uint64_t vtd_sl_leaf_entry(uint64_t hpa, int level, uint8_t perm,
				  uint8_t mem_type)
{
	uint64_t e = hpa & SL_ADDR_MASK;

	if (perm & GPA_READ)
		e |= SL_R;
	if (perm & GPA_WRITE)
		e |= SL_W;
	if (level > 1)
		e |= SL_PS;
	return e;
}

static uint64_t vtd_sl_snoop_leaf_entry(uint64_t hpa, int level, uint8_t perm,
					uint8_t mem_type)
{
	return vtd_sl_leaf_entry(hpa, level, perm, mem_type) | SL_SNP;
}

static bool vtd_sl_is_present(uint64_t e)
{
	return e & (SL_R | SL_W);
}

static bool vtd_sl_is_leaf(uint64_t e, int level)
{
	return level == 1 || (e & SL_PS);
}

const struct pt_format vtd_sl_format = {
	.name = "VT-d SL",
	.table_entry = vtd_sl_table_entry,
	.leaf_entry = vtd_sl_leaf_entry,
	.is_present = vtd_sl_is_present,
	.is_leaf = vtd_sl_is_leaf,
	.addr_mask = SL_ADDR_MASK,
	.max_leaf_level = 2,
};

/* The same, with SNP in every leaf: the unit snoops every access, whatever
 * the request's no-snoop attribute says (needs ECAP.SC on every unit). */
const struct pt_format vtd_sl_snoop_format = {
	.name = "VT-d SL (snoop)",
	.table_entry = vtd_sl_table_entry,
	.leaf_entry = vtd_sl_snoop_leaf_entry,
	.is_present = vtd_sl_is_present,
	.is_leaf = vtd_sl_is_leaf,
	.addr_mask = SL_ADDR_MASK,
	.max_leaf_level = 2,
};
