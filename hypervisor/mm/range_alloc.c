// SPDX-License-Identifier: MIT
#include <errno.h>
#include <mm/range_alloc.h>
#include <string.h>

void range_alloc_init(struct range_alloc *ra)
{
	ra->nr = 0;
}

static void range_delete_at(struct range_alloc *ra, uint32_t i)
{
	memmove(&ra->r[i], &ra->r[i + 1], (ra->nr - i - 1) * sizeof(ra->r[0]));
	ra->nr--;
}

static int range_insert_at(struct range_alloc *ra, uint32_t i, uint64_t start,
			   uint64_t end)
{
	if (ra->nr == RANGE_ALLOC_MAX)
		return -ENOSPC;
	memmove(&ra->r[i + 1], &ra->r[i], (ra->nr - i) * sizeof(ra->r[0]));
	ra->r[i] = (struct range){ start, end };
	ra->nr++;
	return 0;
}

int range_add(struct range_alloc *ra, uint64_t start, uint64_t end)
{
	uint32_t i = 0;

	if (start == 0)
		start = 1; /* address 0 is the failure value: never hand it out */
	if (start >= end)
		return 0;
	while (i < ra->nr && ra->r[i].end < start)
		i++;
	/* Merge every range that overlaps or touches [start, end). */
	while (i < ra->nr && ra->r[i].start <= end) {
		if (ra->r[i].start < start)
			start = ra->r[i].start;
		if (ra->r[i].end > end)
			end = ra->r[i].end;
		range_delete_at(ra, i);
	}
	return range_insert_at(ra, i, start, end);
}

int range_remove(struct range_alloc *ra, uint64_t start, uint64_t end)
{
	for (uint32_t i = 0; i < ra->nr; i++) {
		struct range cur = ra->r[i];

		if (cur.end <= start || cur.start >= end)
			continue;
		range_delete_at(ra, i);
		if (cur.end > end && range_insert_at(ra, i, end, cur.end))
			return -ENOSPC;
		if (cur.start < start &&
		    range_insert_at(ra, i, cur.start, start))
			return -ENOSPC;
		i--;
	}
	return 0;
}

uint64_t range_alloc(struct range_alloc *ra, uint64_t size, uint64_t align,
		     uint64_t limit)
{
	if (!size || !align || (align & (align - 1)))
		return 0;
	for (uint32_t i = ra->nr; i-- > 0;) {
		uint64_t top = ra->r[i].end < limit ? ra->r[i].end : limit;
		uint64_t base;

		if (top < size || top - size < ra->r[i].start)
			continue;
		base = (top - size) & ~(align - 1);
		if (base < ra->r[i].start || base == 0)
			continue;
		if (range_remove(ra, base, base + size))
			return 0;
		return base;
	}
	return 0;
}

uint64_t range_total(const struct range_alloc *ra)
{
	uint64_t t = 0;

	for (uint32_t i = 0; i < ra->nr; i++)
		t += ra->r[i].end - ra->r[i].start;
	return t;
}
