/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_PT_BUILD_H
#define CORRAL_PT_BUILD_H
#include "gpa_map.h"
#include "pt_format.h"

/* Page-table pages come from the caller, so the builder is host-testable.
 * alloc returns a zeroed 4 KiB page and its physical address, or NULL. */
struct pt_alloc {
	void *(*alloc_page)(void *ctx, uint64_t *phys);
	void *(*phys_to_virt)(void *ctx, uint64_t phys);
	void *ctx;
	/* Gives a page back (pt_free); may be NULL where nothing is freed. */
	void (*free_page)(void *ctx, void *page, uint64_t phys);
};

/* Builds 4-level tables for every region of the map, with the largest pages
 * that alignment and the format allow. Returns the root's physical address,
 * or 0 when memory runs out. */
uint64_t pt_build(const struct gpa_map *m, const struct pt_format *f,
		  const struct pt_alloc *a);

/* Adds one region to the tree at `root` (built by pt_build), with the
 * same page sizes pt_build would use: false when memory runs out (what
 * was mapped of it stays; pt_unmap_range removes it). */
bool pt_map_region(uint64_t root, const struct gpa_region *r,
		   const struct pt_format *f, const struct pt_alloc *a);
/* Clears every leaf of [gpa, gpa + size), which one pt_map_region mapped.
 * Table pages stay for the next map of the range. The caller flushes the
 * TLBs (INVEPT, the ASID) before the memory may be used otherwise. */
void pt_unmap_range(uint64_t root, uint64_t gpa, uint64_t size,
		    const struct pt_format *f, const struct pt_alloc *a);

/* Frees every table page of the tree at root (not the memory it maps).
 * The caller makes sure no CPU or device still walks it (INVEPT, IOTLB). */
/* Calls fn on every table page of the tree at `root`, children before
 * their parent (to flush them from the caches for a non-coherent IOMMU). */
void pt_for_each_table(uint64_t root, const struct pt_format *f,
		       const struct pt_alloc *a,
		       void (*fn)(void *ctx, uint64_t *table), void *ctx);
void pt_free(uint64_t root, const struct pt_format *f,
	     const struct pt_alloc *a);

/* Software walk: the leaf entry mapping gpa (and its level), or 0. */
uint64_t pt_lookup(uint64_t root, uint64_t gpa, const struct pt_format *f,
		   const struct pt_alloc *a, int *level);

#endif
