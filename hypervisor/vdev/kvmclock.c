// SPDX-License-Identifier: MIT
#include <vdev/kvmclock.h>

#define NSEC_PER_SEC 1000000000ull

void pvclock_scale(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	int8_t s = 0;
	uint64_t base = hz ? hz : 1; /* 0 would never leave the first loop */

	/* Pick the shift that keeps mul = 1e9 * 2^32 / (hz << s) below 2^32. */
	while (base < NSEC_PER_SEC) {
		base <<= 1;
		s++;
	}
	while (base > 2 * NSEC_PER_SEC && s > -31) {
		base >>= 1;
		s--;
	}
	uint64_t m = (NSEC_PER_SEC << 32) / base;

	*shift = s;
	*mul = m > 0xffffffffull ? 0xffffffffu : (uint32_t)m;
}

uint64_t pvclock_ns(const struct pvclock_vcpu_time_info *ti, uint64_t tsc)
{
	uint64_t delta = tsc - ti->tsc_timestamp;

	if (ti->tsc_shift >= 0)
		delta <<= ti->tsc_shift;
	else
		delta >>= -ti->tsc_shift;
	return ti->system_time +
	       (uint64_t)(((unsigned __int128)delta * ti->tsc_to_system_mul) >>
			  32);
}

void pvclock_fill(struct pvclock_vcpu_time_info *ti, uint64_t hz,
		  uint64_t vm_start, uint64_t now)
{
	struct pvclock_vcpu_time_info t = { 0 };
	uint32_t mul;
	int8_t shift;

	pvclock_scale(hz, &mul, &shift);
	t.tsc_to_system_mul = mul;
	t.tsc_shift = shift;
	t.tsc_timestamp = vm_start;
	t.system_time = 0;
	/* Time since VM start, expressed at `now`. */
	t.system_time = pvclock_ns(&t, now);
	t.tsc_timestamp = now;
	t.flags = PVCLOCK_TSC_STABLE_BIT;
	/* The guest sees an odd version while the record changes. */
	ti->version |= 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ti->tsc_timestamp = t.tsc_timestamp;
	ti->system_time = t.system_time;
	ti->tsc_to_system_mul = t.tsc_to_system_mul;
	ti->tsc_shift = t.tsc_shift;
	ti->flags = t.flags;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ti->version += 1;
}
