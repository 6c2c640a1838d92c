// SPDX-License-Identifier: MIT
/* A log rate limit (lib/include/ratelimit.h). */
#include <ratelimit.h>

bool ratelimit_allow(struct ratelimit *rl, uint64_t now, uint64_t window,
		     uint32_t burst, uint64_t *reported)
{
	*reported = 0;
	if (now - rl->window_start >= window) {
		rl->window_start = now;
		rl->in_window = 0;
	}
	if (rl->in_window >= burst) {
		rl->suppressed++;
		return false;
	}
	rl->in_window++;
	*reported = ratelimit_take_suppressed(rl);
	return true;
}

uint64_t ratelimit_take_suppressed(struct ratelimit *rl)
{
	uint64_t n = rl->suppressed;

	rl->suppressed = 0;
	return n;
}
