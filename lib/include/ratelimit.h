/* SPDX-License-Identifier: MIT */
/*
 * A log rate limit: at most `burst` lines per window; what goes over is
 * counted, and the first line allowed after that reports how many were
 * suppressed, so a flood costs a bounded number of console lines and the
 * count is never lost. Time is whatever the caller counts in (TSC ticks).
 */
#ifndef CORRAL_LIB_RATELIMIT_H
#define CORRAL_LIB_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint64_t window_start;
	uint32_t in_window;  /* lines allowed in the current window */
	uint64_t suppressed; /* since the last report */
};

/*
 * May one more line be printed at `now`? If so and lines were suppressed
 * before, *reported gets their number (and the count starts again); else
 * *reported is 0.
 */
bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t window,
		     uint32_t burst, uint64_t *reported);
/* Takes the suppressed count for a summary line (and clears it). */
uint64_t ratelimit_take_suppressed(struct ratelimit *rl);

#endif
