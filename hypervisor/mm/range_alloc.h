/* SPDX-License-Identifier: MIT */
/*
 * A physical-range allocator: a sorted set of free [start, end) ranges.
 * Pure logic (host unit-tested); page_alloc.c feeds it the UEFI memory map.
 */
#ifndef CORRAL_RANGE_ALLOC_H
#define CORRAL_RANGE_ALLOC_H
#include <stdint.h>
#include <stdbool.h>

#define RANGE_ALLOC_MAX 256

struct range {
	uint64_t start, end; /* [start, end) */
};

struct range_alloc {
	uint32_t nr;
	struct range r[RANGE_ALLOC_MAX];
};

void range_alloc_init(struct range_alloc *ra);
/* Adds [start, end) as free, merging with neighbours: 0, or -ENOSPC when
 * the table is full. */
int range_add(struct range_alloc *ra, uint64_t start, uint64_t end);
/* Removes [start, end) from the free set (what is not free is ignored): 0,
 * or -ENOSPC when splitting a range needs a slot the table lacks. */
int range_remove(struct range_alloc *ra, uint64_t start, uint64_t end);
/* Finds `size` bytes aligned to `align` (a power of two) ending at or below
 * `limit`, taking the highest fit; returns 0 on failure (0 is never free). */
uint64_t range_alloc(struct range_alloc *ra, uint64_t size, uint64_t align,
		     uint64_t limit);
uint64_t range_total(const struct range_alloc *ra);

#endif
