/* SPDX-License-Identifier: MIT */
/*
 * A page allocator for host tests of the table builders: pages come from a
 * static pool, and their "physical" addresses are pool offsets plus a fake
 * base, so that a test can tell an address from a pointer. Define
 * FAKE_PT_PAGES before including to size the pool.
 */
#ifndef CORRAL_FAKE_PT_ALLOC_H
#define CORRAL_FAKE_PT_ALLOC_H
#include <pt_build.h>
#include <string.h>

#ifndef FAKE_PT_PAGES
#define FAKE_PT_PAGES 1024
#endif
#define FAKE_BASE 0x10000000ull

static uint8_t pool[FAKE_PT_PAGES][4096] __attribute__((aligned(4096)));
/* Pages handed out so far, and how many may be (to simulate running out). */
static unsigned used, limit = FAKE_PT_PAGES;

static void *alloc_page(void *ctx, uint64_t *phys)
{
	if (used >= limit)
		return NULL;
	memset(pool[used], 0, 4096);
	*phys = FAKE_BASE + (uint64_t)used * 4096;
	return pool[used++];
}

static void *phys_to_virt(void *ctx, uint64_t phys)
{
	return pool[(phys - FAKE_BASE) / 4096];
}

/* pt_free's side: how many pages came back, and whether one came twice. */
static unsigned freed, double_frees;
static unsigned char was_freed[FAKE_PT_PAGES];

static inline void free_page(void *ctx, void *page, uint64_t phys)
{
	unsigned i = (unsigned)((phys - FAKE_BASE) / 4096);

	if (page != pool[i] || was_freed[i])
		double_frees++;
	was_freed[i] = 1;
	freed++;
}

static inline void fake_reset(void)
{
	used = 0;
	freed = 0;
	double_frees = 0;
	memset(was_freed, 0, sizeof(was_freed));
}

static const struct pt_alloc alloc = { alloc_page, phys_to_virt, NULL,
				       free_page };

#endif
