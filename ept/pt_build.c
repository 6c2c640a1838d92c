// SPDX-License-Identifier: MIT
/*
 * The one page-table builder for guest-physical maps. Level 4 is the root,
 * each level resolves 9 bits of the address (SDM Vol. 3C 29.3.2 for EPT,
 * APM Vol. 2 15.25 for NPT, VT-d 3.6 for second-level tables).
 */
#include "pt_build.h"
#include <stddef.h>

#define ENTRIES 512
#define LEVEL_SHIFT(l) (12 + 9 * ((l)-1))
#define LEVEL_SIZE(l) (1ull << LEVEL_SHIFT(l))
#define INDEX(gpa, l) (((gpa) >> LEVEL_SHIFT(l)) & (ENTRIES - 1))

static uint64_t *next_table(uint64_t *table, uint64_t idx, int level,
			    const struct pt_format *f, const struct pt_alloc *a)
{
	uint64_t phys;
	uint64_t *next;

	if (f->is_present(table[idx])) {
		if (f->is_leaf(table[idx], level))
			return NULL; /* overlapping maps: gpa_map forbids it */
		return a->phys_to_virt(a->ctx, table[idx] & f->addr_mask);
	}
	next = a->alloc_page(a->ctx, &phys);
	if (next)
		table[idx] = f->table_entry(phys);
	return next;
}

static bool map_page(uint64_t *root, uint64_t gpa, uint64_t hpa, int leaf,
		     const struct gpa_region *r, const struct pt_format *f,
		     const struct pt_alloc *a)
{
	uint64_t *t = root;

	for (int level = 4; level > leaf; level--) {
		t = next_table(t, INDEX(gpa, level), level, f, a);
		if (!t)
			return false;
	}
	t[INDEX(gpa, leaf)] = f->leaf_entry(hpa, leaf, r->perm, r->mem_type);
	return true;
}

static int best_level(uint64_t gpa, uint64_t hpa, uint64_t left, int max)
{
	for (int level = max; level > 1; level--) {
		uint64_t sz = LEVEL_SIZE(level);

		if (!((gpa | hpa) & (sz - 1)) && left >= sz)
			return level;
	}
	return 1;
}

static void free_table(uint64_t phys, int level, const struct pt_format *f,
		       const struct pt_alloc *a)
{
	uint64_t *t = a->phys_to_virt(a->ctx, phys);

	for (int i = 0; level > 1 && i < ENTRIES; i++)
		if (f->is_present(t[i]) && !f->is_leaf(t[i], level))
			free_table(t[i] & f->addr_mask, level - 1, f, a);
	a->free_page(a->ctx, t, phys);
}

static void visit_table(uint64_t phys, int level, const struct pt_format *f,
			const struct pt_alloc *a,
			void (*fn)(void *ctx, uint64_t *table), void *ctx)
{
	uint64_t *t = a->phys_to_virt(a->ctx, phys);

	for (int i = 0; level > 1 && i < ENTRIES; i++)
		if (f->is_present(t[i]) && !f->is_leaf(t[i], level))
			visit_table(t[i] & f->addr_mask, level - 1, f, a, fn,
				    ctx);
	fn(ctx, t);
}

void pt_for_each_table(uint64_t root, const struct pt_format *f,
		       const struct pt_alloc *a,
		       void (*fn)(void *ctx, uint64_t *table), void *ctx)
{
	if (root)
		visit_table(root, 4, f, a, fn, ctx);
}

void pt_free(uint64_t root, const struct pt_format *f, const struct pt_alloc *a)
{
	if (root && a->free_page)
		free_table(root, 4, f, a);
}

/* Where offset `off` of region r lives in host memory, and the largest
 * leaf level that may map it: a GPA_REPEAT region wraps around its block,
 * so no leaf may be larger than the block. */
static uint64_t host_of(const struct gpa_region *r, uint64_t off, int *max,
			const struct pt_format *f)
{
	*max = f->max_leaf_level;
	if (!(r->flags & GPA_REPEAT))
		return r->hpa + off;
	if (*max > 2)
		*max = 2;
	return r->hpa + (off & (GPA_REPEAT_SIZE - 1));
}

static bool map_region(uint64_t *root, const struct gpa_region *r,
		       const struct pt_format *f, const struct pt_alloc *a)
{
	uint64_t off = 0;

	while (off < r->size) {
		int max;
		uint64_t hpa = host_of(r, off, &max, f);
		int level = best_level(r->gpa + off, hpa, r->size - off, max);

		if (!map_page(root, r->gpa + off, hpa, level, r, f, a))
			return false;
		off += LEVEL_SIZE(level);
	}
	return true;
}

bool pt_map_region(uint64_t root, const struct gpa_region *r,
		   const struct pt_format *f, const struct pt_alloc *a)
{
	return map_region(a->phys_to_virt(a->ctx, root), r, f, a);
}

/* The bytes from gpa to the end of its level-l page. */
static uint64_t rest_of(uint64_t gpa, int l)
{
	return LEVEL_SIZE(l) - (gpa & (LEVEL_SIZE(l) - 1));
}

void pt_unmap_range(uint64_t root, uint64_t gpa, uint64_t size,
		    const struct pt_format *f, const struct pt_alloc *a)
{
	uint64_t start = gpa, end = gpa + size;

	while (gpa < end) {
		uint64_t *t = a->phys_to_virt(a->ctx, root);
		uint64_t step = LEVEL_SIZE(1);

		for (int l = 4; l >= 1; l--) {
			uint64_t *e = &t[INDEX(gpa, l)];
			uint64_t page = gpa & ~(LEVEL_SIZE(l) - 1);

			if (!f->is_present(*e)) {
				step = rest_of(gpa, l);
				break;
			}
			if (f->is_leaf(*e, l)) {
				/* Only a page wholly inside the range: one
				 * that reaches out maps something else. */
				if (page >= start &&
				    end - page >= LEVEL_SIZE(l))
					*e = 0;
				step = rest_of(gpa, l);
				break;
			}
			t = a->phys_to_virt(a->ctx, *e & f->addr_mask);
		}
		gpa += step;
	}
}

uint64_t pt_build(const struct gpa_map *m, const struct pt_format *f,
		  const struct pt_alloc *a)
{
	uint64_t root_phys;
	uint64_t *root = a->alloc_page(a->ctx, &root_phys);

	if (!root)
		return 0;
	for (uint32_t i = 0; i < m->nr; i++) {
		if (!map_region(root, &m->r[i], f, a)) {
			pt_free(root_phys, f, a); /* no half-built tree */
			return 0;
		}
	}
	return root_phys;
}

uint64_t pt_lookup(uint64_t root, uint64_t gpa, const struct pt_format *f,
		   const struct pt_alloc *a, int *level)
{
	uint64_t *t = a->phys_to_virt(a->ctx, root);

	for (int l = 4; l >= 1; l--) {
		uint64_t e = t[INDEX(gpa, l)];

		if (!f->is_present(e))
			return 0;
		if (f->is_leaf(e, l)) {
			*level = l;
			return e;
		}
		t = a->phys_to_virt(a->ctx, e & f->addr_mask);
	}
	return 0;
}
