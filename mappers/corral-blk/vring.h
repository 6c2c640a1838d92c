/* SPDX-License-Identifier: MIT */
/*
 * The device side of a split virtqueue (virtio 1.2 §2.7), for a mapper in
 * user space that reaches a client's memory through its window
 * (/dev/corral's mmap). Every value the client wrote is read once, into
 * local memory, and checked before use: a descriptor outside the client's
 * RAM, a loop, a chain longer than the ring, a nested indirect table, a
 * readable descriptor after a writable one, or an available index that
 * runs ahead of the ring each break the queue, and nothing is touched.
 *
 * Pure logic, no system calls (unit.vring).
 */
#ifndef CORRAL_MAPPER_VRING_H
#define CORRAL_MAPPER_VRING_H
#include <stdbool.h>
#include <stdint.h>

#define VRING_MAX_SIZE 1024 /* the largest queue a mapper serves */
#define VRING_MAX_REGIONS 2

/* The client's RAM as the mapper sees it: each region's guest-physical
 * range and where it is mapped here. */
struct vring_mem {
	unsigned nr;
	struct {
		uint64_t gpa, size;
		uint8_t *host;
	} r[VRING_MAX_REGIONS];
};

/* Client [gpa, gpa + len), len > 0, wholly inside one region: its host
 * address; otherwise NULL. */
void *vring_mem_at(const struct vring_mem *m, uint64_t gpa, uint64_t len);

struct vring_iov {
	uint8_t *base;
	uint32_t len;
};

/* One descriptor chain: the device-readable buffers first (nr_out), then
 * the device-writable ones (nr_in). */
struct vring_chain {
	uint16_t head;
	unsigned nr_out, nr_in;
	uint64_t out_len, in_len;
	struct vring_iov iov[VRING_MAX_SIZE];
};

struct vring {
	const struct vring_mem *mem;
	uint16_t size;
	bool event_idx;
	const uint8_t *desc; /* 16 bytes a descriptor */
	uint8_t *avail;	     /* flags, idx, ring[size], used_event */
	uint8_t *used;	     /* flags, idx, ring[size] of 8, avail_event */
	uint16_t last_avail; /* the next available entry to take */
	uint16_t used_idx;   /* the used index as last published */
	uint16_t signalled;  /* the used index at the last notification */
	bool signalled_valid;
	const char *why; /* after VRING_BROKEN: which rule, for the log */
};

enum vring_pop_result {
	VRING_BROKEN = -1, /* the client broke a rule: vr->why says which */
	VRING_EMPTY = 0,
	VRING_GOT = 1,
};

/* A queue of `size` entries (a power of 2, at most VRING_MAX_SIZE) at
 * client addresses desc, avail, used. 0, or -1 when the rings are not
 * wholly in the client's RAM or misaligned (vr->why says which).
 * `used_idx` is where the used ring stands: 0 for a new queue; a mapper
 * that re-attaches passes the index it finds. */
int vring_init(struct vring *vr, const struct vring_mem *m, uint64_t desc,
	       uint64_t avail, uint64_t used, uint16_t size, bool event_idx,
	       uint16_t used_idx);

/* The next available chain into *c. */
enum vring_pop_result vring_pop(struct vring *vr, struct vring_chain *c);

/* Chain `head` is done, `len` bytes written into its writable buffers. */
void vring_push(struct vring *vr, uint16_t head, uint32_t len);

/* After vring_push()es: must the client hear of them (its interrupt)?
 * With EVENT_IDX, only when the used index passed the client's
 * used_event (§2.7.10); otherwise unless it set NO_INTERRUPT. */
bool vring_should_notify(struct vring *vr);

/* With EVENT_IDX: tell the client to kick at the next entry it makes
 * available (avail_event = last_avail). A no-op otherwise. Returns true
 * when entries arrived meanwhile, so that the caller looks again before
 * it sleeps. */
bool vring_want_kicks(struct vring *vr);

#endif
