/* SPDX-License-Identifier: MIT */
/*
 * A page-table entry format: how one of EPT, NPT or VT-d second-level
 * encodes presence, rights, memory type and large pages. The three formats
 * share the 4-level, 512-entry radix shape, so one builder serves them all.
 */
#ifndef CORRAL_PT_FORMAT_H
#define CORRAL_PT_FORMAT_H
#include <stdint.h>
#include <stdbool.h>

struct pt_format {
	const char *name;
	/* Entry pointing to a next-level table. */
	uint64_t (*table_entry)(uint64_t table_hpa);
	/* Leaf entry at `level` (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB). */
	uint64_t (*leaf_entry)(uint64_t hpa, int level, uint8_t perm,
			       uint8_t mem_type);
	bool (*is_present)(uint64_t e);
	bool (*is_leaf)(uint64_t e, int level);
	uint64_t addr_mask;
	/* Largest leaf level the hardware supports (1, 2 or 3). */
	int max_leaf_level;
};

extern const struct pt_format ept_format;
extern const struct pt_format npt_format;
extern const struct pt_format vtd_sl_format;
extern const struct pt_format vtd_sl_snoop_format;

#endif
