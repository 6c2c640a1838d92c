/* SPDX-License-Identifier: MIT */
/*
 * The scheduling policy of one pCPU: which of its single-vCPU VMs runs
 * next, for how long, and when a halted one wakes. Pure logic: time is a
 * TSC value passed in, nothing here touches the CPU, and nothing locks.
 * The caller holds the lock of the run queue (an interrupt for a VM on
 * another pCPU wakes it through that pCPU's queue). docs/scheduling.md
 * describes the model.
 */
#ifndef CORRAL_SCHED_H
#define CORRAL_SCHED_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#define SCHED_MAX_ENTITIES 32

/* Lower value, higher priority: any runnable driver beats every client. */
enum sched_class { SCHED_DRIVER = 0, SCHED_CLIENT = 1, SCHED_NR_CLASSES };

enum sched_state { SCHED_RUNNABLE, SCHED_BLOCKED, SCHED_STOPPED };

struct sched_rq;

struct sched_entity {
	enum sched_class cls; /* set by the caller before sched_add */
	enum sched_state state;
	uint64_t vruntime; /* TSC ticks run (fairness within the class) */
	uint64_t wake_at;  /* BLOCKED: TSC at which a timer makes it
				 * runnable, 0 = none */
	void *owner;	   /* the caller's vCPU; never read here */
	/* Bookkeeping, owned by the run queue. */
	struct sched_rq *rq; /* the queue it is on, NULL when on none */
	uint64_t seq;	     /* when it last joined the back of its class */
	uint64_t ran_ticks;  /* total TSC ticks run, never adjusted */
};

struct sched_rq {
	uint64_t slice; /* the longest run without a re-pick */
	uint64_t seq;	/* FIFO order generator */
	/* Per class, never decreasing: the least vruntime of its runnable
	 * entities, or the last such value while none is runnable. */
	uint64_t min_vruntime[SCHED_NR_CLASSES];
	unsigned int nr;
	struct sched_entity *ent[SCHED_MAX_ENTITIES];
};

/* An empty queue. A slice of 0 is taken as 1: slices must be bounded so
 * that the hypervisor's own work runs at every slice boundary. */
void sched_rq_init(struct sched_rq *rq, uint64_t slice_ticks);

/*
 * Puts `e` (e->cls set) on the queue, runnable, with the least vruntime of
 * its class, so a new VM neither waits behind nor runs ahead of the others.
 * Adding an entity already on this queue restarts it the same way (a VM
 * that stopped and is restarted). Returns -1 when the queue is full, the
 * class is invalid, or `e` is on another queue (sched_remove it first).
 */
int sched_add(struct sched_rq *rq, struct sched_entity *e, uint64_t now);

/* Takes `e` off the queue (VM destroyed, or moving to another pCPU). */
void sched_remove(struct sched_rq *rq, struct sched_entity *e);

/*
 * The entity to run at `now`, or NULL when the pCPU should idle. Sleepers
 * whose wake_at has come are made runnable first. Strict priority across
 * classes; within one, the least vruntime, ties to the longest waiting.
 */
struct sched_entity *sched_pick(struct sched_rq *rq, uint64_t now);

/*
 * The TSC at which `e`, picked at `now`, must stop: now + slice, cut short
 * when a blocked entity of a higher class has a wake_at before that. It is
 * an absolute TSC value (end - now is how long), never before `now`.
 */
uint64_t sched_slice_end(const struct sched_rq *rq,
			 const struct sched_entity *e, uint64_t now);

/* `e` ran for `ticks`: accounts them, and puts it behind its equals. */
void sched_ran(struct sched_rq *rq, struct sched_entity *e, uint64_t ticks);

/* `e` halted: blocked until sched_wake or, if wake_at != 0, that TSC. */
void sched_block(struct sched_rq *rq, struct sched_entity *e, uint64_t wake_at);

/*
 * An interrupt arrived for `e`. A blocked entity becomes runnable with its
 * vruntime raised to at least (min vruntime of its class - one slice): a
 * long sleep neither lets it monopolise the pCPU nor punishes it. Waking a
 * runnable or stopped entity does nothing (a stopped VM stays stopped).
 */
void sched_wake(struct sched_rq *rq, struct sched_entity *e);

/* `e` stays on the queue (it keeps its slot) but never runs or wakes. */
void sched_stop(struct sched_rq *rq, struct sched_entity *e);

/* The earliest wake_at among blocked entities, 0 if none: the idle loop
 * arms the host timer with it. It may already be in the past. */
uint64_t sched_next_wake(const struct sched_rq *rq);

#endif
