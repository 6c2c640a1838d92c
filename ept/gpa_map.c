// SPDX-License-Identifier: MIT
#include "gpa_map.h"
#include <errno.h>
#include <stddef.h>

#define PAGE_MASK 0xfffull

void gpa_map_init(struct gpa_map *m)
{
	m->nr = 0;
}

static int add(struct gpa_map *m, uint64_t gpa, uint64_t hpa, uint64_t size,
	       uint8_t perm, uint8_t mem_type, uint8_t flags)
{
	struct gpa_region *r;
	uint32_t slot;

	if ((gpa | hpa | size) & PAGE_MASK)
		return -EINVAL;
	if (!size || gpa + size < gpa || hpa + size < hpa)
		return -ERANGE;
	for (uint32_t i = 0; i < m->nr; i++)
		if (m->r[i].size && gpa < m->r[i].gpa + m->r[i].size &&
		    m->r[i].gpa < gpa + size)
			return -EEXIST;
	for (slot = 0; slot < m->nr && m->r[slot].size; slot++)
		;
	if (slot == GPA_MAP_MAX_REGIONS)
		return -ENOSPC;
	r = &m->r[slot];
	*r = (struct gpa_region){ gpa, hpa, 0, perm, mem_type, flags };
	/* The size last: a reader that walks the map meanwhile sees an empty
	 * region or the whole one (gpa_map.h, "Changes"). */
	__atomic_store_n(&r->size, size, __ATOMIC_RELEASE);
	if (slot == m->nr)
		__atomic_store_n(&m->nr, m->nr + 1, __ATOMIC_RELEASE);
	return 0;
}

int gpa_map_add(struct gpa_map *m, uint64_t gpa, uint64_t hpa, uint64_t size,
		uint8_t perm, uint8_t mem_type)
{
	return add(m, gpa, hpa, size, perm, mem_type, 0);
}

int gpa_map_add_window(struct gpa_map *m, uint64_t gpa, uint64_t hpa,
		       uint64_t size)
{
	return add(m, gpa, hpa, size, GPA_READ | GPA_WRITE, GPA_MEM_WB,
		   GPA_FOREIGN);
}

int gpa_map_add_scratch(struct gpa_map *m, uint64_t gpa, uint64_t hpa,
			uint64_t size)
{
	if (hpa & (GPA_REPEAT_SIZE - 1))
		return -EINVAL;
	return add(m, gpa, hpa, size, GPA_READ | GPA_WRITE, GPA_MEM_WB,
		   GPA_FOREIGN | GPA_REPEAT);
}

int gpa_map_remove(struct gpa_map *m, uint64_t gpa, struct gpa_region *out)
{
	for (uint32_t i = 0; i < m->nr; i++) {
		if (m->r[i].gpa != gpa || !m->r[i].size)
			continue;
		*out = m->r[i];
		/* Empty, not moved: a reader's index stays valid. */
		__atomic_store_n(&m->r[i].size, 0, __ATOMIC_RELEASE);
		return 0;
	}
	return -ENOENT;
}

const char *gpa_map_strerror(int err)
{
	switch (err) {
	case -EINVAL:
		return "region is not 4 KiB aligned";
	case -ERANGE:
		return "region is empty or wraps";
	case -ENOSPC:
		return "too many regions in the guest-physical map";
	case -EEXIST:
		return "region overlaps another in guest-physical space";
	default:
		return "unknown error";
	}
}

uint64_t gpa_map_free_from(const struct gpa_map *m, uint64_t from,
			   uint64_t limit)
{
	for (uint32_t i = 0; i < m->nr; i++) {
		const struct gpa_region *r = &m->r[i];

		if (!r->size || r->gpa >= limit || r->gpa + r->size <= from)
			continue;
		limit = r->gpa > from ? r->gpa : from;
	}
	return limit;
}

const struct gpa_region *gpa_map_lookup(const struct gpa_map *m, uint64_t gpa)
{
	for (uint32_t i = 0; i < m->nr; i++)
		if (gpa >= m->r[i].gpa && gpa - m->r[i].gpa < m->r[i].size)
			return &m->r[i];
	return NULL;
}

uintptr_t gpa_map_to_host(const struct gpa_map *m, uint64_t gpa, uint64_t len)
{
	const struct gpa_region *r = gpa_map_lookup(m, gpa);

	if (!r || r->mem_type != GPA_MEM_WB || (r->flags & GPA_FOREIGN) ||
	    len > r->size || gpa - r->gpa > r->size - len)
		return 0;
	return (uintptr_t)(r->hpa + (gpa - r->gpa));
}
