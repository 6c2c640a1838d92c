// SPDX-License-Identifier: MIT
/* The in-flight record of a block queue (inflight.h). */
#include <string.h>

#include "inflight.h"

int inflight_init(struct inflight_rec *r, uint16_t size, uint16_t used_idx)
{
	if (!size || size > INFLIGHT_HEADS || (size & (size - 1)))
		return -1;
	memset(r, 0, sizeof(*r));
	r->size = size;
	r->used_idx = used_idx;
	r->next = 1;
	r->version = INFLIGHT_VERSION;
	return 0;
}

int inflight_take(struct inflight_rec *r, uint16_t head)
{
	if (head >= r->size || r->taken[head])
		return -1;
	r->taken[head] = r->next++;
	return 0;
}

void inflight_publish_begin(struct inflight_rec *r, uint16_t head)
{
	r->publishing = 1u + head;
}

void inflight_publish_end(struct inflight_rec *r, uint16_t head,
			  uint16_t used_idx)
{
	r->taken[head] = 0;
	r->used_idx = used_idx;
	r->publishing = 0;
}

unsigned inflight_count(const struct inflight_rec *r)
{
	unsigned n = 0;

	for (unsigned h = 0; h < r->size; h++)
		n += r->taken[h] != 0;
	return n;
}

/* The heads in flight, by counter: an insertion sort (a queue holds at
 * most INFLIGHT_HEADS). */
static int list_oldest_first(const struct inflight_rec *r, uint16_t *heads)
{
	int n = 0;

	for (unsigned h = 0; h < r->size; h++) {
		int i = n;

		if (!r->taken[h])
			continue;
		n++;
		while (i > 0 && r->taken[heads[i - 1]] > r->taken[h]) {
			heads[i] = heads[i - 1];
			i--;
		}
		heads[i] = (uint16_t)h;
	}
	return n;
}

int inflight_recover(struct inflight_rec *r, uint16_t ring_used_idx,
		     uint16_t *heads)
{
	if (r->version != INFLIGHT_VERSION || !r->size ||
	    r->size > INFLIGHT_HEADS)
		return -1;
	if (r->publishing) {
		uint16_t head = (uint16_t)(r->publishing - 1);

		if (head >= r->size)
			return -1;
		/* The used index went up: the element was published. */
		if (ring_used_idx == (uint16_t)(r->used_idx + 1))
			inflight_publish_end(r, head, ring_used_idx);
		r->publishing = 0;
	}
	if (ring_used_idx != r->used_idx)
		return -1;
	return list_oldest_first(r, heads);
}
