// SPDX-License-Identifier: MIT
/* The device side of a split virtqueue (vring.h). x86 only: little-endian,
 * and the fences are those of the C11 memory model. */
#include <string.h>

#include "vring.h"

/* Descriptor flags (virtio 1.2 §2.7.5). */
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define DESC_F_INDIRECT 4
#define DESC_SIZE 16
#define AVAIL_F_NO_INTERRUPT 1
#define USED_ELEM_SIZE 8

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

void *vring_mem_at(const struct vring_mem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->nr && i < VRING_MAX_REGIONS; i++) {
		uint64_t off = gpa - m->r[i].gpa;

		if (gpa >= m->r[i].gpa && off < m->r[i].size && len &&
		    len <= m->r[i].size - off)
			return m->r[i].host + off;
	}
	return NULL;
}

static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static uint16_t load16_acquire(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static void store16_release(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELEASE);
}

static int refuse(struct vring *vr, const char *why)
{
	vr->why = why;
	return -1;
}

int vring_init(struct vring *vr, const struct vring_mem *m, uint64_t desc,
	       uint64_t avail, uint64_t used, uint16_t size, bool event_idx,
	       uint16_t used_idx)
{
	memset(vr, 0, sizeof(*vr));
	vr->mem = m;
	if (!size || size > VRING_MAX_SIZE || (size & (size - 1)))
		return refuse(vr, "a queue size that is not a power of 2");
	/* Alignment: §2.7, table "Virtqueue Part Alignment". */
	if ((desc & 15) || (avail & 1) || (used & 3))
		return refuse(vr, "a misaligned ring");
	vr->desc = vring_mem_at(m, desc, (uint64_t)DESC_SIZE * size);
	vr->avail = vring_mem_at(m, avail, 6 + 2ull * size);
	vr->used = vring_mem_at(m, used, 6 + (uint64_t)USED_ELEM_SIZE * size);
	if (!vr->desc || !vr->avail || !vr->used)
		return refuse(vr, "a ring outside the client's memory");
	vr->size = size;
	vr->event_idx = event_idx;
	vr->used_idx = used_idx;
	vr->last_avail = used_idx;
	return 0;
}

static enum vring_pop_result broken(struct vring *vr, const char *why)
{
	vr->why = why;
	return VRING_BROKEN;
}

/* Descriptor i of `table`, read once. */
static struct desc read_desc(const uint8_t *table, uint32_t i)
{
	struct desc d;

	memcpy(&d, table + (uint64_t)i * DESC_SIZE, sizeof(d));
	return d;
}

static enum vring_pop_result walk(struct vring *vr, struct vring_chain *c)
{
	const uint8_t *table = vr->desc;
	uint32_t table_size = vr->size, i = c->head, count = 0;
	bool indirect = false;

	for (;;) {
		struct desc d = read_desc(table, i);

		/* One limit for the whole chain, indirect tables included
		 * (§2.7.5.3.1): it also ends every loop. */
		if (++count > vr->size)
			return broken(vr, "a chain longer than the ring");
		if (d.flags & DESC_F_INDIRECT) {
			if (indirect)
				return broken(
					vr,
					"an indirect table in an indirect table");
			if (d.flags & DESC_F_NEXT)
				return broken(
					vr,
					"an indirect table with a next descriptor");
			if (!d.len || d.len % DESC_SIZE)
				return broken(
					vr,
					"an indirect table of a bad length");
			table = vring_mem_at(vr->mem, d.addr, d.len);
			if (!table)
				return broken(
					vr,
					"an indirect table outside the client's memory");
			table_size = d.len / DESC_SIZE;
			indirect = true;
			i = 0;
			continue;
		}
		if (d.len) {
			struct vring_iov *v = &c->iov[c->nr_out + c->nr_in];

			v->base = vring_mem_at(vr->mem, d.addr, d.len);
			v->len = d.len;
			if (!v->base)
				return broken(
					vr,
					"a buffer outside the client's memory");
			if (d.flags & DESC_F_WRITE) {
				c->nr_in++;
				c->in_len += d.len;
			} else if (c->nr_in) {
				return broken(
					vr,
					"a readable buffer after a writable one");
			} else {
				c->nr_out++;
				c->out_len += d.len;
			}
		}
		if (!(d.flags & DESC_F_NEXT))
			return VRING_GOT;
		i = d.next;
		if (i >= table_size)
			return broken(vr, "a next index outside its table");
	}
}

enum vring_pop_result vring_pop(struct vring *vr, struct vring_chain *c)
{
	uint16_t avail_idx = load16_acquire(vr->avail + 2);
	uint16_t pending = (uint16_t)(avail_idx - vr->last_avail);
	enum vring_pop_result r;

	if (!pending)
		return VRING_EMPTY;
	if (pending > vr->size)
		return broken(vr,
			      "an available index that ran ahead of the ring");
	c->head = load16(vr->avail + 4 + 2 * (vr->last_avail % vr->size));
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	if (c->head >= vr->size)
		return broken(vr, "a head outside the descriptor table");
	r = walk(vr, c);
	if (r == VRING_GOT)
		vr->last_avail++;
	return r;
}

void vring_push(struct vring *vr, uint16_t head, uint32_t len)
{
	uint8_t *e = vr->used + 4 + USED_ELEM_SIZE * (vr->used_idx % vr->size);
	uint32_t id = head;

	memcpy(e, &id, 4);
	memcpy(e + 4, &len, 4);
	vr->used_idx++;
	/* The element before the index that shows it (§2.7.8). */
	store16_release(vr->used + 2, vr->used_idx);
}

bool vring_should_notify(struct vring *vr)
{
	uint16_t old = vr->signalled, now = vr->used_idx, event;
	bool valid = vr->signalled_valid;

	/* The used index out before the client's wish is read: otherwise
	 * both sides may wait for each other (§2.7.10). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vr->event_idx)
		return !(load16(vr->avail) & AVAIL_F_NO_INTERRUPT);
	event = load16(vr->avail + 4 + 2 * vr->size);
	vr->signalled = now;
	vr->signalled_valid = true;
	if (!valid)
		return true;
	/* vring_need_event(): did `now` pass `event` since `old`? */
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}

bool vring_want_kicks(struct vring *vr)
{
	if (vr->event_idx)
		store16(vr->used + 4 + USED_ELEM_SIZE * vr->size,
			vr->last_avail);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return load16_acquire(vr->avail + 2) != vr->last_avail;
}
