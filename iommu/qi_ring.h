/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue as a ring (VT-d spec rev 4.1, 6.5.2): 128-bit
 * descriptors in a power-of-two ring; software writes at the tail and
 * moves IQT, hardware consumes from IQH. corral submits a batch and then
 * waits for it (an invalidation-wait descriptor that writes a status word),
 * so a batch must fit in the room between tail and head. Pure logic: the
 * driver (vtd.c) does the register access and the waiting.
 */
#ifndef CORRAL_QI_RING_H
#define CORRAL_QI_RING_H
#include <stdint.h>

struct qi_ring {
	uint64_t *desc; /* nr descriptors of two quadwords */
	uint32_t nr;	/* a power of two */
	uint32_t tail;	/* next free slot */
};

/* Descriptor slots free when the hardware's head is at `head`: one stays
 * empty so that head == tail means empty (6.5.2: IQH == IQT). */
uint32_t qi_ring_room(const struct qi_ring *r, uint32_t head);
/* Writes one descriptor at the tail and advances it (wrapping). */
void qi_ring_put(struct qi_ring *r, uint64_t lo, uint64_t hi);
/* The IQT (or IQH) register value for slot `slot` (11.4.10: bits 18:4 hold
 * the index of a 128-bit descriptor). */
uint64_t qi_ring_reg(uint32_t slot);
/* The slot an IQH/IQT register value names. */
uint32_t qi_ring_slot(uint64_t reg, uint32_t nr);
/* An invalidation-wait descriptor (6.5.2.8) that writes `status` to the
 * 4-byte-aligned host-physical address `status_pa` once every descriptor
 * before it has completed. */
void qi_wait_desc(uint32_t status, uint64_t status_pa, uint64_t *lo,
		  uint64_t *hi);

#endif
