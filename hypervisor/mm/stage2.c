// SPDX-License-Identifier: MIT
/* Second-stage tables for a VM: the one builder (ept/pt_build.c) fed with
 * identity-mapped pages from corral's allocator (which the IOMMU's tables
 * use too). */
#include <mm/page_alloc.h>
#include <pt_build.h>
#include <mm/stage2.h>

static void *alloc_page(void *ctx, uint64_t *phys)
{
	void *p = page_alloc_zeroed_page();

	*phys = (uint64_t)p;
	return p;
}

static void *phys_to_virt(void *ctx, uint64_t phys)
{
	return (void *)phys;
}

static void free_page(void *ctx, void *page, uint64_t phys)
{
	page_free(page, PAGE_SIZE);
}

const struct pt_alloc host_pt_alloc = { alloc_page, phys_to_virt, NULL,
					free_page };

uint64_t stage2_build(const struct gpa_map *map, const struct pt_format *f)
{
	return pt_build(map, f, &host_pt_alloc);
}

void stage2_free(uint64_t root, const struct pt_format *f)
{
	pt_free(root, f, &host_pt_alloc);
}
