// SPDX-License-Identifier: MIT
/* The log rate limit (lib/ratelimit.c) and the quota (lib/quota.c). */
#include <errno.h>
#include <stdint.h>

#include <quota.h>
#include <ratelimit.h>
#include "test.h"

#define WINDOW 1000
#define BURST 3

static void test_burst_then_suppress(void)
{
	struct ratelimit rl = { 0 };
	uint64_t reported;
	unsigned allowed = 0;

	/* A flood in one window: BURST lines, the rest counted. */
	for (unsigned i = 0; i < 100; i++)
		allowed +=
			ratelimit_allow(&rl, 10 + i, WINDOW, BURST, &reported);
	CHECK_EQ(allowed, BURST);
	CHECK_EQ(rl.suppressed, 100 - BURST);
	/* The next window's first line reports what was lost. */
	CHECK(ratelimit_allow(&rl, 10 + WINDOW, WINDOW, BURST, &reported));
	CHECK_EQ(reported, 100 - BURST);
	CHECK(ratelimit_allow(&rl, 11 + WINDOW, WINDOW, BURST, &reported));
	CHECK_EQ(reported, 0);
}

static void test_take_suppressed(void)
{
	struct ratelimit rl = { 0 };
	uint64_t reported;

	for (unsigned i = 0; i < BURST + 5; i++)
		ratelimit_allow(&rl, 1, WINDOW, BURST, &reported);
	CHECK_EQ(ratelimit_take_suppressed(&rl), 5);
	CHECK_EQ(ratelimit_take_suppressed(&rl), 0);
}

static void test_quiet_source_never_limited(void)
{
	struct ratelimit rl = { 0 };
	uint64_t reported;
	unsigned allowed = 0;

	/* One line a window, for many windows. */
	for (unsigned i = 0; i < 50; i++)
		allowed += ratelimit_allow(&rl, (uint64_t)i * WINDOW, WINDOW,
					   BURST, &reported);
	CHECK_EQ(allowed, 50);
	CHECK_EQ(rl.suppressed, 0);
}

static void test_quota(void)
{
	struct quota q = { .max = 3 };

	CHECK_EQ(quota_take(&q), 0);
	CHECK_EQ(quota_take(&q), 0);
	CHECK_EQ(quota_take(&q), 0);
	CHECK_EQ(quota_take(&q), -EDQUOT);
	CHECK_EQ(q.used, 3);
	quota_give(&q);
	CHECK_EQ(quota_take(&q), 0);
	CHECK_EQ(quota_take(&q), -EDQUOT);
	for (int i = 0; i < 5; i++)
		quota_give(&q); /* more than was taken: stays at 0 */
	CHECK_EQ(q.used, 0);
	q.max = 0;
	CHECK_EQ(quota_take(&q), -EDQUOT);
}

int main(void)
{
	test_burst_then_suppress();
	test_take_suppressed();
	test_quiet_source_never_limited();
	test_quota();
	return test_summary();
}
