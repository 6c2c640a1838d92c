// SPDX-License-Identifier: MIT
/*
 * The reset rule of a channel slot (hypervisor/vdev/slot_window.c): each
 * event in each state, then a random walk that checks the rule itself:
 * nothing is mapped for a new client run while the last run's scratch
 * still waits for the driver VM's acknowledgement.
 */
#include <vdev/slot_window.h>
#include "test.h"

static void test_served_then_reset(void)
{
	struct slot_window w = { 0 };

	CHECK_EQ(slot_window_live(&w), SLOT_MAP);
	slot_window_mapped(&w, true);
	CHECK_EQ(w.holds, SLOT_HOLDS_CLIENT);
	CHECK_EQ(slot_window_ack(&w, 3, 2), SLOT_ACK_STALE);
	CHECK_EQ(slot_window_ack(&w, 3, 3), SLOT_SERVED);
	CHECK_EQ(slot_window_ack(&w, 3, 3), SLOT_SERVED); /* again: harmless */
	CHECK_EQ(slot_window_stop(&w), SLOT_SCRATCH);
	CHECK_EQ(w.holds, SLOT_HOLDS_SCRATCH);
	CHECK_EQ(slot_window_stop(&w), SLOT_NOTHING); /* a second stop */
	CHECK_EQ(slot_window_ack(&w, 4, 3), SLOT_ACK_STALE);
	CHECK_EQ(w.holds, SLOT_HOLDS_SCRATCH);
	CHECK_EQ(slot_window_ack(&w, 4, 4), SLOT_UNMAP);
	CHECK_EQ(w.holds, SLOT_HOLDS_NOTHING);
	CHECK_EQ(slot_window_ack(&w, 5, 5), SLOT_ACK_INVALID);
}

static void test_live_waits_for_the_ack(void)
{
	struct slot_window w = { 0 };

	slot_window_live(&w);
	slot_window_mapped(&w, true);
	slot_window_stop(&w);
	CHECK_EQ(slot_window_live(&w), SLOT_WAIT);
	CHECK(w.waiting);
	CHECK_EQ(w.holds, SLOT_HOLDS_SCRATCH);
	CHECK_EQ(slot_window_ack(&w, 4, 4), SLOT_UNMAP_MAP);
	CHECK(!w.waiting);
	CHECK_EQ(w.holds, SLOT_HOLDS_CLIENT);
	slot_window_mapped(&w, true);
	CHECK_EQ(slot_window_ack(&w, 6, 6), SLOT_SERVED);
}

/* A device that waited and reset again before the ack never goes live. */
static void test_waiting_device_resets(void)
{
	struct slot_window w = { 0 };

	slot_window_live(&w);
	slot_window_mapped(&w, true);
	slot_window_stop(&w);
	CHECK_EQ(slot_window_live(&w), SLOT_WAIT);
	CHECK_EQ(slot_window_stop(&w), SLOT_NOTHING);
	CHECK(!w.waiting);
	CHECK_EQ(slot_window_ack(&w, 4, 4), SLOT_UNMAP);
	CHECK_EQ(w.holds, SLOT_HOLDS_NOTHING);
}

static void test_failed_map(void)
{
	struct slot_window w = { 0 };

	CHECK_EQ(slot_window_stop(&w), SLOT_NOTHING);
	CHECK_EQ(slot_window_live(&w), SLOT_MAP);
	slot_window_mapped(&w, false);
	CHECK_EQ(w.holds, SLOT_HOLDS_NOTHING);
	CHECK_EQ(slot_window_stop(&w), SLOT_NOTHING); /* no scratch for it */
	CHECK_EQ(slot_window_ack(&w, 1, 1), SLOT_ACK_INVALID);
	CHECK_EQ(slot_window_live(&w), SLOT_MAP); /* and it may try again */
}

/* An acknowledgement is a 64-bit argument: one beyond 32 bits is stale,
 * not taken modulo 2^32. */
static void test_wide_ack(void)
{
	struct slot_window w = { 0 };

	slot_window_live(&w);
	slot_window_mapped(&w, true);
	CHECK_EQ(slot_window_ack(&w, 7, 0x100000007ull), SLOT_ACK_STALE);
}

/* Random events against a model of the driver VM: a reset is owed an
 * acknowledgement from the moment scratch goes in, and no client run is
 * mapped while one is owed; a device that waited goes live at the ack,
 * unless it reset meanwhile. Every step also fits the state it left. */
static void test_random_walk(void)
{
	struct slot_window w = { 0 };
	uint32_t gen = 1, x = 12345;
	bool owed = false, mapped = false, waiting = false, bad = false;
	unsigned maps = 0, waits = 0;

	for (int i = 0; i < 200000; i++) {
		enum slot_step s;

		x = x * 1103515245 + 12345;
		switch ((x >> 16) % 4) {
		case 0:
			s = slot_window_live(&w);
			if (s == SLOT_MAP) {
				bad |= owed;
				slot_window_mapped(&w, (x >> 8) % 8 != 0);
				mapped = w.holds == SLOT_HOLDS_CLIENT;
				gen += mapped;
				maps++;
			} else {
				bad |= s != SLOT_WAIT || !owed;
				waiting = true;
				waits++;
			}
			break;
		case 1:
			s = slot_window_stop(&w);
			bad |= (s == SLOT_SCRATCH) != mapped;
			waiting = false;
			if (s == SLOT_SCRATCH) {
				owed = true;
				mapped = false;
				gen++;
			}
			break;
		default:
			s = slot_window_ack(&w, gen, gen - ((x >> 4) % 3 == 0));
			if (s == SLOT_UNMAP || s == SLOT_UNMAP_MAP) {
				bad |= !owed ||
				       (s == SLOT_UNMAP_MAP) != waiting;
				owed = waiting = false;
				gen++;
			}
			if (s == SLOT_UNMAP_MAP) {
				slot_window_mapped(&w, true);
				mapped = true;
				gen++;
			}
			bad |= s == SLOT_SERVED && !mapped;
			break;
		}
		bad |= owed != (w.holds == SLOT_HOLDS_SCRATCH);
		bad |= w.waiting && !owed;
	}
	CHECK(!bad);
	CHECK(maps > 1000 && waits > 1000);
}

int main(void)
{
	test_served_then_reset();
	test_live_waits_for_the_ack();
	test_waiting_device_resets();
	test_failed_map();
	test_wide_ack();
	test_random_walk();
	return test_summary();
}
