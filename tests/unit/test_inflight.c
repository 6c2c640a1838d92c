// SPDX-License-Identifier: MIT
/*
 * The in-flight record of a block queue (mappers/corral-blk/inflight.c):
 * requests taken and completed out of order, a head put on the ring twice,
 * and recovery after the mapper stopped at each point of a completion.
 */
#include <string.h>

#include "../../mappers/corral-blk/inflight.h"
#include "test.h"

static struct inflight_rec rec;
static uint16_t heads[INFLIGHT_HEADS];

static void test_init(void)
{
	CHECK(inflight_init(&rec, 0, 0) == -1);
	CHECK(inflight_init(&rec, 100, 0) == -1);
	CHECK(inflight_init(&rec, 512, 0) == -1);
	CHECK(inflight_init(&rec, 256, 7) == 0);
	CHECK(rec.used_idx == 7);
	CHECK(inflight_count(&rec) == 0);
	CHECK(inflight_recover(&rec, 7, heads) == 0);
}

/* Completions in any order; a replay lists what is left, oldest first. */
static void test_out_of_order(void)
{
	uint16_t used = 0;

	CHECK(inflight_init(&rec, 16, 0) == 0);
	CHECK(inflight_take(&rec, 5) == 0);
	CHECK(inflight_take(&rec, 2) == 0);
	CHECK(inflight_take(&rec, 9) == 0);
	CHECK(inflight_take(&rec, 0) == 0);
	CHECK(inflight_count(&rec) == 4);
	/* 2 and 0 complete first. */
	inflight_publish_begin(&rec, 2);
	inflight_publish_end(&rec, 2, ++used);
	inflight_publish_begin(&rec, 0);
	inflight_publish_end(&rec, 0, ++used);
	CHECK(inflight_take(&rec, 2) == 0); /* a head is free again */
	CHECK(inflight_recover(&rec, used, heads) == 3);
	CHECK(heads[0] == 5 && heads[1] == 9 && heads[2] == 2);
	CHECK(rec.used_idx == 2);
}

/* A client that puts a head it has not seen completed on the ring again,
 * or one beyond the queue, is refused. */
static void test_head_twice(void)
{
	CHECK(inflight_init(&rec, 8, 0) == 0);
	CHECK(inflight_take(&rec, 3) == 0);
	CHECK(inflight_take(&rec, 3) == -1);
	CHECK(inflight_take(&rec, 8) == -1);
	CHECK(inflight_count(&rec) == 1);
}

/* Stopped after publish_begin: the used element reached the ring (used
 * index one up) or did not; either way the request is completed once. */
static void test_cut_completion(void)
{
	CHECK(inflight_init(&rec, 8, 65535) == 0);
	CHECK(inflight_take(&rec, 1) == 0);
	CHECK(inflight_take(&rec, 4) == 0);
	inflight_publish_begin(&rec, 1);
	/* The used index wrapped to 0: published; only 4 is left. */
	CHECK(inflight_recover(&rec, 0, heads) == 1);
	CHECK(heads[0] == 4 && rec.used_idx == 0 && !rec.publishing);

	CHECK(inflight_init(&rec, 8, 10) == 0);
	CHECK(inflight_take(&rec, 1) == 0);
	CHECK(inflight_take(&rec, 4) == 0);
	inflight_publish_begin(&rec, 1);
	/* Not published: both are replayed, in the order taken. */
	CHECK(inflight_recover(&rec, 10, heads) == 2);
	CHECK(heads[0] == 1 && heads[1] == 4 && rec.used_idx == 10);
}

/* A record that does not match the ring, or is not one, breaks the queue
 * instead of completing anything twice. */
static void test_disagreement(void)
{
	CHECK(inflight_init(&rec, 8, 10) == 0);
	CHECK(inflight_take(&rec, 1) == 0);
	CHECK(inflight_recover(&rec, 12, heads) == -1);
	CHECK(inflight_recover(&rec, 9, heads) == -1);
	inflight_publish_begin(&rec, 1);
	CHECK(inflight_recover(&rec, 12, heads) == -1);
	memset(&rec, 0, sizeof(rec));
	CHECK(inflight_recover(&rec, 0, heads) == -1);
	CHECK(inflight_init(&rec, 8, 0) == 0);
	rec.publishing = 200; /* a head beyond the queue */
	CHECK(inflight_recover(&rec, 0, heads) == -1);
}

/* The record fits the page corral keeps for it. */
static void test_fits_a_page(void)
{
	CHECK(sizeof(struct inflight_rec) <= 4096);
}

int main(void)
{
	test_init();
	test_out_of_order();
	test_head_twice();
	test_cut_completion();
	test_disagreement();
	test_fits_a_page();
	return test_summary();
}
