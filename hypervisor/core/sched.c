// SPDX-License-Identifier: MIT
/*
 * Strict priority across classes, virtual runtime within a class (the
 * least-run entity goes next). The queue is a small unsorted array: with
 * at most SCHED_MAX_ENTITIES entries a linear scan is cheap, and there is
 * no ordering to keep consistent when an entity changes state.
 */
#include <core/sched.h>
#include <errno.h>
#include <string.h>

void sched_rq_init(struct sched_rq *rq, uint64_t slice_ticks)
{
	memset(rq, 0, sizeof(*rq));
	rq->slice = slice_ticks ? slice_ticks : 1;
}

static bool on_rq(const struct sched_rq *rq, const struct sched_entity *e)
{
	return e && e->rq == rq;
}

/* Raises the class floor to its least runnable vruntime. The floor never
 * falls, so a sleeper cannot drag its class back to its old vruntime. */
static void update_min_vruntime(struct sched_rq *rq, enum sched_class cls)
{
	bool found = false;
	uint64_t min = 0;

	for (unsigned int i = 0; i < rq->nr; i++) {
		const struct sched_entity *e = rq->ent[i];

		if (e->cls != cls || e->state != SCHED_RUNNABLE)
			continue;
		if (!found || e->vruntime < min)
			min = e->vruntime;
		found = true;
	}
	if (found && min > rq->min_vruntime[cls])
		rq->min_vruntime[cls] = min;
}

/* To the back of the line among entities of equal vruntime. */
static void enqueue_last(struct sched_rq *rq, struct sched_entity *e)
{
	e->seq = ++rq->seq;
}

static void make_runnable(struct sched_rq *rq, struct sched_entity *e)
{
	uint64_t floor, slice = rq->slice;

	update_min_vruntime(rq, e->cls);
	floor = rq->min_vruntime[e->cls];
	/* One slice of credit: a VM that slept gets the pCPU soon, but only
	 * for about one slice before it is level with the others. */
	floor = floor > slice ? floor - slice : 0;
	if (e->vruntime < floor)
		e->vruntime = floor;
	e->state = SCHED_RUNNABLE;
	e->wake_at = 0;
	enqueue_last(rq, e);
}

static void expire_sleepers(struct sched_rq *rq, uint64_t now)
{
	for (unsigned int i = 0; i < rq->nr; i++) {
		struct sched_entity *e = rq->ent[i];

		if (e->state != SCHED_BLOCKED || !e->wake_at)
			continue;
		if (e->wake_at <= now)
			make_runnable(rq, e);
	}
}

int sched_add(struct sched_rq *rq, struct sched_entity *e, uint64_t now)
{
	if (!e || (unsigned int)e->cls >= SCHED_NR_CLASSES)
		return -EINVAL;
	if (e->rq && e->rq != rq)
		return -EBUSY;
	if (!e->rq) {
		if (rq->nr == SCHED_MAX_ENTITIES)
			return -ENOSPC;
		rq->ent[rq->nr++] = e;
		e->rq = rq;
	}
	/* Sleepers due by now count towards the floor the newcomer gets. */
	expire_sleepers(rq, now);
	e->state = SCHED_STOPPED; /* keep it out of its own floor */
	update_min_vruntime(rq, e->cls);
	e->vruntime = rq->min_vruntime[e->cls];
	e->state = SCHED_RUNNABLE;
	e->wake_at = 0;
	enqueue_last(rq, e);
	return 0;
}

void sched_remove(struct sched_rq *rq, struct sched_entity *e)
{
	if (!on_rq(rq, e))
		return;
	for (unsigned int i = 0; i < rq->nr; i++) {
		if (rq->ent[i] != e)
			continue;
		/* Order in the array means nothing: seq keeps FIFO. */
		rq->ent[i] = rq->ent[--rq->nr];
		rq->ent[rq->nr] = NULL;
		break;
	}
	e->rq = NULL;
}

/* Does `a` go before `b`? Class first, then vruntime, then arrival. */
static bool runs_before(const struct sched_entity *a,
			const struct sched_entity *b)
{
	if (a->cls != b->cls)
		return a->cls < b->cls;
	if (a->vruntime != b->vruntime)
		return a->vruntime < b->vruntime;
	return a->seq < b->seq;
}

struct sched_entity *sched_pick(struct sched_rq *rq, uint64_t now)
{
	struct sched_entity *best = NULL;

	expire_sleepers(rq, now);
	for (unsigned int i = 0; i < rq->nr; i++) {
		struct sched_entity *e = rq->ent[i];

		if (e->state != SCHED_RUNNABLE)
			continue;
		if (!best || runs_before(e, best))
			best = e;
	}
	return best;
}

uint64_t sched_slice_end(const struct sched_rq *rq,
			 const struct sched_entity *e, uint64_t now)
{
	uint64_t end = now + rq->slice;

	if (end < now)
		end = UINT64_MAX; /* saturate rather than wrap */
	if (!on_rq(rq, e))
		return end;
	/* Only a higher class preempts: within a class the slice is the
	 * fairness quantum, and a lower class never preempts at all. */
	for (unsigned int i = 0; i < rq->nr; i++) {
		const struct sched_entity *o = rq->ent[i];

		if (o->cls >= e->cls || o->state != SCHED_BLOCKED)
			continue;
		if (!o->wake_at)
			continue;
		if (o->wake_at < end)
			end = o->wake_at;
	}
	return end < now ? now : end;
}

void sched_ran(struct sched_rq *rq, struct sched_entity *e, uint64_t ticks)
{
	if (!on_rq(rq, e))
		return;
	e->vruntime += ticks;
	e->ran_ticks += ticks;
	if (e->state == SCHED_RUNNABLE)
		enqueue_last(rq, e);
	update_min_vruntime(rq, e->cls);
}

void sched_block(struct sched_rq *rq, struct sched_entity *e, uint64_t wake_at)
{
	if (!on_rq(rq, e) || e->state == SCHED_STOPPED)
		return;
	e->state = SCHED_BLOCKED;
	e->wake_at = wake_at;
}

void sched_wake(struct sched_rq *rq, struct sched_entity *e)
{
	if (!on_rq(rq, e) || e->state != SCHED_BLOCKED)
		return;
	make_runnable(rq, e);
}

void sched_stop(struct sched_rq *rq, struct sched_entity *e)
{
	if (!on_rq(rq, e))
		return;
	e->state = SCHED_STOPPED;
	e->wake_at = 0;
}

uint64_t sched_next_wake(const struct sched_rq *rq)
{
	uint64_t next = 0;

	for (unsigned int i = 0; i < rq->nr; i++) {
		const struct sched_entity *e = rq->ent[i];

		if (e->state != SCHED_BLOCKED || !e->wake_at)
			continue;
		if (!next || e->wake_at < next)
			next = e->wake_at;
	}
	return next;
}
