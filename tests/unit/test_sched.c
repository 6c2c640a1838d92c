// SPDX-License-Identifier: MIT
/*
 * The scheduling policy (hypervisor/sched.c) on a simulated TSC. A loop
 * plays the lead's run loop: pick, run until the slice end or a scripted
 * event, account. Proves fair sharing within a class (also with slices cut
 * short at random), strict driver-over-client priority, timer and
 * interrupt wake-ups, the sleeper credit of one slice, slice ends cut by a
 * driver's timer, idling with the right next wake-up, a full queue,
 * remove/stop/restart, and that six entities all progress, with their
 * vruntime spread bounded by a slice.
 */
#include <core/sched.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "test.h"

#define SLICE 1000ull

static struct sched_rq rq;
static uint64_t now;

static void reset(void)
{
	sched_rq_init(&rq, SLICE);
	now = 1000000; /* a TSC that is not 0, as a real one is not */
}

static void entity(struct sched_entity *e, enum sched_class cls)
{
	memset(e, 0, sizeof(*e));
	e->cls = cls;
	CHECK_EQ(sched_add(&rq, e, now), 0);
}

/*
 * One turn of the run loop: pick, run until the slice ends or `stop_at`
 * (an event such as an exit; 0 = none), account. Idle jumps to the next
 * wake-up (or to stop_at). Returns what ran, NULL when idle.
 */
static struct sched_entity *step(uint64_t stop_at)
{
	struct sched_entity *e = sched_pick(&rq, now);
	uint64_t end;

	if (!e) {
		end = sched_next_wake(&rq);
		if (stop_at && (!end || stop_at < end))
			end = stop_at;
		CHECK(end > now);
		now = end;
		return NULL;
	}
	end = sched_slice_end(&rq, e, now);
	CHECK(end > now && end - now <= SLICE);
	if (stop_at && stop_at > now && stop_at < end)
		end = stop_at;
	sched_ran(&rq, e, end - now);
	now = end;
	return e;
}

static uint64_t lcg_state = 12345;

static uint64_t lcg(void)
{
	lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
	return lcg_state >> 33;
}

static void test_two_clients_share(void)
{
	struct sched_entity a, b;
	uint64_t start;

	reset();
	entity(&a, SCHED_CLIENT);
	entity(&b, SCHED_CLIENT);
	/* Full slices: they alternate, first come first. */
	CHECK(step(0) == &a);
	CHECK(step(0) == &b);
	for (int i = 0; i < 998; i++)
		step(0);
	CHECK_EQ(a.ran_ticks, 500 * SLICE);
	CHECK_EQ(b.ran_ticks, 500 * SLICE);

	/* Slices cut short at random (exits): still about 50/50 in time. */
	start = now;
	a.ran_ticks = b.ran_ticks = 0;
	for (int i = 0; i < 1000; i++)
		step(now + 1 + lcg() % SLICE);
	CHECK_EQ(a.ran_ticks + b.ran_ticks, now - start);
	printf("sched: random slices, a %llu b %llu ticks\n",
	       (unsigned long long)a.ran_ticks,
	       (unsigned long long)b.ran_ticks);
	CHECK(a.ran_ticks * 100 >= (now - start) * 48);
	CHECK(b.ran_ticks * 100 >= (now - start) * 48);
	/* vruntime never drifts more than a slice apart. */
	CHECK(a.vruntime - b.vruntime + SLICE <= 2 * SLICE);
}

static void test_driver_preempts(void)
{
	struct sched_entity d, c1, c2;

	reset();
	entity(&c1, SCHED_CLIENT);
	entity(&c2, SCHED_CLIENT);
	entity(&d, SCHED_DRIVER);
	/* A runnable driver always runs, however much it has run. */
	for (int i = 0; i < 100; i++)
		CHECK(step(0) == &d);
	CHECK_EQ(c1.ran_ticks + c2.ran_ticks, 0);
	/* Driver halts until an interrupt: clients share the pCPU. */
	sched_block(&rq, &d, 0);
	CHECK(step(0) == &c1);
	CHECK(step(0) == &c2);
	/* The interrupt: the driver runs next, ahead of clients with far
	 * less vruntime. */
	sched_wake(&rq, &d);
	CHECK(d.state == SCHED_RUNNABLE);
	CHECK(d.vruntime > c1.vruntime);
	CHECK(step(0) == &d);
	/* Driver sleeps on a timer: clients run until exactly then. */
	sched_block(&rq, &d, now + 2500);
	{
		uint64_t due = d.wake_at;

		CHECK(step(0) != &d);
		CHECK(step(0) != &d);
		CHECK(step(0) != &d);
		CHECK_EQ(now, due); /* third slice cut at 500 */
		CHECK(step(0) == &d);
	}
}

static void test_block_wake_at(void)
{
	struct sched_entity a, b;

	reset();
	entity(&a, SCHED_CLIENT);
	entity(&b, SCHED_CLIENT);
	sched_block(&rq, &a, now + 5 * SLICE + 17);
	CHECK(a.state == SCHED_BLOCKED);
	CHECK_EQ(sched_next_wake(&rq), now + 5 * SLICE + 17);
	/* b alone runs until a's timer; a client's timer cuts no client. */
	for (int i = 0; i < 5; i++)
		CHECK(step(0) == &b);
	CHECK(sched_pick(&rq, a.wake_at - 1) == &b);
	CHECK(a.state == SCHED_BLOCKED);
	/* At wake_at exactly it is runnable, with the timer cleared. */
	CHECK(sched_pick(&rq, a.wake_at) == &a);
	CHECK(a.state == SCHED_RUNNABLE);
	CHECK_EQ(a.wake_at, 0);
	CHECK_EQ(sched_next_wake(&rq), 0);

	/* wake_at 0: only an interrupt wakes it. */
	sched_block(&rq, &a, 0);
	for (int i = 0; i < 50; i++)
		CHECK(step(0) == &b);
	CHECK(a.state == SCHED_BLOCKED);
	sched_wake(&rq, &a);
	CHECK(sched_pick(&rq, now) == &a);
	/* Waking a runnable entity changes nothing. */
	{
		uint64_t v = a.vruntime, s = a.seq;

		sched_wake(&rq, &a);
		CHECK_EQ(a.vruntime, v);
		CHECK_EQ(a.seq, s);
	}
	/* A timer already past when it halts: runnable at the next pick. */
	sched_block(&rq, &a, now - 1);
	CHECK(sched_pick(&rq, now) == &a);
}

static void test_sleeper_fairness(void)
{
	struct sched_entity a, b, c;
	int run_b = 0;

	reset();
	entity(&a, SCHED_CLIENT);
	entity(&b, SCHED_CLIENT);
	/* b sleeps through 100 of a's slices. */
	sched_block(&rq, &b, 0);
	for (int i = 0; i < 100; i++)
		CHECK(step(0) == &a);
	CHECK_EQ(b.vruntime, 0);
	/* Woken: one slice behind a, not 100. */
	sched_wake(&rq, &b);
	CHECK_EQ(b.vruntime, a.vruntime - SLICE);
	/* So b runs one slice, then ties a and waits its turn (FIFO). */
	CHECK(step(0) == &b);
	CHECK(step(0) == &a);
	for (int i = 0; i < 100; i++)
		run_b += step(0) == &b;
	CHECK_EQ(run_b, 50);

	/* Not punished: a short sleeper keeps its own vruntime. b halts
	 * just after its turn and sleeps through a's: exactly one slice
	 * behind, so it keeps its own. */
	CHECK(step(0) == &b);
	CHECK_EQ(b.vruntime, a.vruntime);
	sched_block(&rq, &b, 0);
	CHECK(step(0) == &a);
	{
		uint64_t v = b.vruntime;

		CHECK_EQ(v + SLICE, a.vruntime);
		sched_wake(&rq, &b);
		CHECK_EQ(b.vruntime, v);
	}
	/* One more slice asleep and it is raised, by exactly that slice. */
	sched_block(&rq, &b, 0);
	CHECK(step(0) == &a);
	sched_wake(&rq, &b);
	CHECK_EQ(b.vruntime, a.vruntime - SLICE);
	/* Ahead of the others when it halts: still ahead when woken. */
	sched_ran(&rq, &b, 10 * SLICE);
	sched_block(&rq, &b, 0);
	{
		uint64_t v = b.vruntime;

		sched_wake(&rq, &b);
		CHECK_EQ(b.vruntime, v);
	}

	/* The floor is at least the class minimum minus a slice, never
	 * below 0: early on, the raise saturates. */
	reset();
	entity(&a, SCHED_CLIENT);
	entity(&c, SCHED_CLIENT);
	sched_block(&rq, &c, 0);
	sched_ran(&rq, &a, SLICE / 2);
	sched_wake(&rq, &c);
	CHECK_EQ(c.vruntime, 0);

	/* A timer wake gets the same rule. */
	sched_block(&rq, &c, now + 50 * SLICE);
	while (sched_pick(&rq, now) != &c)
		step(0);
	CHECK_EQ(c.vruntime, a.vruntime - SLICE);
}

static void test_slice_end(void)
{
	struct sched_entity d1, d2, c1, c2;

	reset();
	entity(&d1, SCHED_DRIVER);
	entity(&d2, SCHED_DRIVER);
	entity(&c1, SCHED_CLIENT);
	entity(&c2, SCHED_CLIENT);
	sched_block(&rq, &d1, 0);
	sched_block(&rq, &d2, 0);
	/* Nothing due: a full slice. A driver blocked without a timer (it
	 * waits for an interrupt, which exits the guest anyway) cuts none. */
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now + SLICE);
	/* A driver's timer inside the slice cuts a client's slice... */
	sched_block(&rq, &d1, now + 300);
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now + 300);
	/* ...the earliest one wins... */
	sched_block(&rq, &d2, now + 200);
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now + 200);
	/* ...one after the slice does not... */
	sched_block(&rq, &d1, now + SLICE + 1);
	sched_block(&rq, &d2, now + SLICE);
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now + SLICE);
	/* ...a client's timer never cuts a client (fair within a class)... */
	sched_block(&rq, &c2, now + 10);
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now + SLICE);
	/* ...nor a driver's slice. */
	sched_wake(&rq, &d1);
	CHECK_EQ(sched_slice_end(&rq, &d1, now), now + SLICE);
	/* A driver timer already due (pick not yet called): end is now. */
	sched_block(&rq, &d2, now - 5);
	CHECK_EQ(sched_slice_end(&rq, &c1, now), now);
	/* No wrap-around at the top of the TSC. */
	reset();
	entity(&c1, SCHED_CLIENT);
	CHECK_EQ(sched_slice_end(&rq, &c1, UINT64_MAX - 10), UINT64_MAX);
	/* A slice of 0 would be unbounded in spirit; it is taken as 1. */
	sched_rq_init(&rq, 0);
	CHECK_EQ(rq.slice, 1);
}

static void test_idle(void)
{
	struct sched_entity a, b, c;

	reset();
	CHECK(sched_pick(&rq, now) == NULL);
	CHECK_EQ(sched_next_wake(&rq), 0);
	entity(&a, SCHED_CLIENT);
	entity(&b, SCHED_DRIVER);
	entity(&c, SCHED_CLIENT);
	sched_block(&rq, &a, now + 700);
	sched_block(&rq, &b, now + 300);
	sched_block(&rq, &c, 0);
	CHECK(sched_pick(&rq, now) == NULL);
	CHECK_EQ(sched_next_wake(&rq), now + 300);
	/* The idle loop sleeps until then; b runs briefly. */
	CHECK(step(0) == NULL);
	CHECK(step(now + 100) == &b);
	sched_block(&rq, &b, 0);
	CHECK_EQ(sched_next_wake(&rq), a.wake_at);
	CHECK(step(0) == NULL);
	CHECK(step(0) == &a);
	sched_block(&rq, &a, 0);
	/* Everyone waits for an interrupt: nothing to arm. */
	CHECK(sched_pick(&rq, now) == NULL);
	CHECK_EQ(sched_next_wake(&rq), 0);
	sched_wake(&rq, &c);
	CHECK(sched_pick(&rq, now) == &c);
	/* A stopped entity's timer is no reason to wake up. */
	sched_block(&rq, &c, now + 100);
	sched_stop(&rq, &c);
	CHECK_EQ(sched_next_wake(&rq), 0);
}

static void test_full_queue(void)
{
	static struct sched_entity e[SCHED_MAX_ENTITIES + 1], stray;
	struct sched_rq other;

	reset();
	for (int i = 0; i < SCHED_MAX_ENTITIES; i++)
		entity(&e[i], (i & 1) ? SCHED_CLIENT : SCHED_DRIVER);
	memset(&e[SCHED_MAX_ENTITIES], 0, sizeof(e[0]));
	CHECK_EQ(sched_add(&rq, &e[SCHED_MAX_ENTITIES], now), -ENOSPC);
	CHECK(e[SCHED_MAX_ENTITIES].rq == NULL);
	/* Adding again one already there is a restart, not a new slot. */
	CHECK_EQ(sched_add(&rq, &e[3], now), 0);
	CHECK_EQ(rq.nr, SCHED_MAX_ENTITIES);
	/* A freed slot takes the newcomer. */
	sched_remove(&rq, &e[5]);
	CHECK_EQ(sched_add(&rq, &e[SCHED_MAX_ENTITIES], now), 0);
	CHECK_EQ(rq.nr, SCHED_MAX_ENTITIES);

	/* An invalid class, or an entity on another queue, is refused. */
	reset();
	memset(&stray, 0, sizeof(stray));
	stray.cls = SCHED_NR_CLASSES;
	CHECK_EQ(sched_add(&rq, &stray, now), -EINVAL);
	stray.cls = SCHED_CLIENT;
	sched_rq_init(&other, SLICE);
	CHECK_EQ(sched_add(&other, &stray, now), 0);
	CHECK_EQ(sched_add(&rq, &stray, now), -EBUSY);
	/* Calls naming the wrong queue do nothing. */
	sched_block(&rq, &stray, 5);
	sched_stop(&rq, &stray);
	sched_remove(&rq, &stray);
	CHECK(stray.state == SCHED_RUNNABLE && stray.rq == &other);
	sched_remove(&other, &stray);
	CHECK_EQ(sched_add(&rq, &stray, now), 0);
}

static void test_remove_stop(void)
{
	struct sched_entity a, b, c;

	reset();
	entity(&a, SCHED_CLIENT);
	entity(&b, SCHED_CLIENT);
	entity(&c, SCHED_CLIENT);
	/* Removed from the middle: the others go on in turn. */
	sched_remove(&rq, &b);
	CHECK(b.rq == NULL);
	CHECK_EQ(rq.nr, 2);
	for (int i = 0; i < 10; i++)
		CHECK(step(0) == ((i & 1) ? &c : &a));
	sched_remove(&rq, &b); /* twice: no effect */
	CHECK_EQ(rq.nr, 2);
	sched_ran(&rq, &b, 5); /* not queued: not accounted */
	CHECK_EQ(b.ran_ticks, 0);

	/* Stopped: never picked, not woken by an interrupt or a block. */
	sched_stop(&rq, &a);
	CHECK(a.state == SCHED_STOPPED);
	for (int i = 0; i < 10; i++)
		CHECK(step(0) == &c);
	sched_wake(&rq, &a);
	sched_block(&rq, &a, now + 1);
	CHECK(a.state == SCHED_STOPPED);
	CHECK(step(0) == &c);
	/* Only c's slot and a's remain; all stopped means idle, no wake. */
	sched_stop(&rq, &c);
	CHECK(sched_pick(&rq, now) == NULL);
	CHECK_EQ(sched_next_wake(&rq), 0);

	/* Restart (add again): level with its class, not behind by what it
	 * missed, nor ahead. */
	sched_wake(&rq, &c); /* still stopped */
	CHECK(c.state == SCHED_STOPPED);
	CHECK_EQ(sched_add(&rq, &a, now), 0);
	CHECK(a.state == SCHED_RUNNABLE);
	CHECK_EQ(a.vruntime, rq.min_vruntime[SCHED_CLIENT]);
	CHECK(step(0) == &a);
	/* c comes back level with a, and behind it in the line. */
	CHECK_EQ(sched_add(&rq, &c, now), 0);
	CHECK_EQ(c.vruntime, a.vruntime);
	CHECK(step(0) == &a);
	CHECK(step(0) == &c);
	CHECK(step(0) == &a);

	/* Removing the entity that is running: it is just gone. */
	sched_remove(&rq, &a);
	CHECK(step(0) == &c);
	CHECK(step(0) == &c);
}

/*
 * Six entities on one pCPU: two drivers doing I/O (a little work, then a
 * halt until a timer) and four CPU-bound clients. Everyone progresses; the
 * clients share what the drivers leave, with vruntimes within a slice.
 */
static void test_six_progress(void)
{
	struct sched_entity e[6];
	uint64_t start, min = UINT64_MAX, max = 0, client_total = 0;

	reset();
	entity(&e[0], SCHED_DRIVER);
	entity(&e[1], SCHED_DRIVER);
	for (int i = 2; i < 6; i++)
		entity(&e[i], SCHED_CLIENT);
	start = now;
	for (int n = 0; n < 20000; n++) {
		/* A driver works a third of a slice, then waits 5 slices. */
		uint64_t stop = now + SLICE / 3;
		struct sched_entity *r = step(stop);

		if (r && r->cls == SCHED_DRIVER)
			sched_block(&rq, r, now + 5 * SLICE);
	}
	for (int i = 0; i < 6; i++) {
		printf("sched: entity %d (%s) ran %llu ticks, vruntime %llu\n",
		       i, e[i].cls == SCHED_DRIVER ? "driver" : "client",
		       (unsigned long long)e[i].ran_ticks,
		       (unsigned long long)e[i].vruntime);
		CHECK(e[i].ran_ticks > 0);
		if (e[i].cls != SCHED_CLIENT)
			continue;
		client_total += e[i].ran_ticks;
		if (e[i].vruntime < min)
			min = e[i].vruntime;
		if (e[i].vruntime > max)
			max = e[i].vruntime;
	}
	printf("sched: client vruntime spread %llu ticks (slice %llu)\n",
	       (unsigned long long)(max - min), SLICE);
	CHECK(max - min <= SLICE);
	/* Each driver got what it asked for: a third of a slice every
	 * five slices and a third, about 6% of the time. */
	for (int i = 0; i < 2; i++)
		CHECK(e[i].ran_ticks * 100 >= (now - start) * 5);
	/* Each client about a quarter of the rest. */
	for (int i = 2; i < 6; i++) {
		CHECK(e[i].ran_ticks * 100 >= client_total * 24);
		CHECK(e[i].ran_ticks * 100 <= client_total * 26);
	}
	/* Nobody waits longer than the queue ahead of it: the pCPU was
	 * never idle with runnable clients. */
	CHECK_EQ(client_total + e[0].ran_ticks + e[1].ran_ticks, now - start);

	/* Six CPU-bound clients with full slices: all progress, spread
	 * within a slice at every point. */
	reset();
	for (int i = 0; i < 6; i++)
		entity(&e[i], SCHED_CLIENT);
	for (int n = 0; n < 6000; n++) {
		step(0);
		min = UINT64_MAX;
		max = 0;
		for (int i = 0; i < 6; i++) {
			if (e[i].vruntime < min)
				min = e[i].vruntime;
			if (e[i].vruntime > max)
				max = e[i].vruntime;
		}
		CHECK(max - min <= SLICE);
	}
	for (int i = 0; i < 6; i++)
		CHECK_EQ(e[i].ran_ticks, 1000 * SLICE);
}

int main(void)
{
	test_two_clients_share();
	test_driver_preempts();
	test_block_wake_at();
	test_sleeper_fairness();
	test_slice_end();
	test_idle();
	test_full_queue();
	test_remove_stop();
	test_six_progress();
	return test_summary();
}
