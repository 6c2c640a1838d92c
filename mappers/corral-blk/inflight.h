/* SPDX-License-Identifier: MIT */
/*
 * The in-flight record of a block queue (docs/decisions/0006): which
 * requests the mapper took from the client's available ring and has not
 * yet completed, so that a mapper that starts again after its driver VM
 * restarted can complete each of them exactly once. Its layout follows the
 * in-flight tracking of vhost-user's split rings: a counter per descriptor
 * head, from a counter that grows with each request taken (a replay keeps
 * the order of submission), and the head whose used element was being
 * written, so that a stop between writing the used index and clearing the
 * head is told apart from one before it.
 *
 * The record is plain memory that must outlive the mapper: one page per
 * queue (INFLIGHT_HEADS fits the largest queue corral offers a block
 * client). Pure logic (unit.inflight); the ring itself is vring.c's.
 */
#ifndef CORRAL_MAPPER_INFLIGHT_H
#define CORRAL_MAPPER_INFLIGHT_H
#include <stdint.h>

#define INFLIGHT_VERSION 1u
#define INFLIGHT_HEADS 256u

struct inflight_rec {
	uint32_t version;    /* INFLIGHT_VERSION once initialised */
	uint16_t size;	     /* the queue's size */
	uint16_t used_idx;   /* the used index last published */
	uint64_t next;	     /* the counter the next request taken gets */
	uint32_t publishing; /* 1 + the head being completed, or 0 */
	uint32_t reserved;
	/* Per head: the counter of the request it heads, 0 when none. */
	uint64_t taken[INFLIGHT_HEADS];
};

/* An empty record for a queue of `size` (a power of two, at most
 * INFLIGHT_HEADS) whose used index is `used_idx`; -1 for a bad size. */
int inflight_init(struct inflight_rec *r, uint16_t size, uint16_t used_idx);

/* The mapper took the request at `head` from the available ring, before
 * any of its I/O. -1 if that head is already in flight (the client put a
 * head it has not seen completed on the ring again: the queue breaks). */
int inflight_take(struct inflight_rec *r, uint16_t head);

/* Around publishing the used element of `head`: begin before the element
 * is written, end once the ring's used index is `used_idx`. */
void inflight_publish_begin(struct inflight_rec *r, uint16_t head);
void inflight_publish_end(struct inflight_rec *r, uint16_t head,
			  uint16_t used_idx);

/* The number of requests in flight. */
unsigned inflight_count(const struct inflight_rec *r);

/* After a restart, with the used index the client's ring holds: settles a
 * completion that was cut short (published or not), and lists the heads
 * still in flight, oldest first, in heads[] (room for INFLIGHT_HEADS).
 * Returns how many, or -1 when the record and the ring disagree (the
 * queue must break). The available index to go on from is then
 * r->used_idx plus that number. */
int inflight_recover(struct inflight_rec *r, uint16_t ring_used_idx,
		     uint16_t *heads);

#endif
