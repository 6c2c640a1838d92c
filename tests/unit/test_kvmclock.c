// SPDX-License-Identifier: MIT
/*
 * The kvmclock subset (hypervisor/kvmclock.c). Proves the scale factors for
 * 100 MHz, 1 GHz, 2.5 GHz and 3.5 GHz TSCs keep full precision (mul >= 2^31)
 * and convert one second of ticks to 1e9 ns within 1 ns (and an hour within
 * 1 ns per second), evaluated the way Linux's pvclock does (pvclock_ns); that
 * pvclock_fill leaves an even version, the stable flag, and a record that
 * continues time since VM start; and that the records have the ABI layout of
 * Documentation/virt/kvm/x86/msr.rst.
 */
#include <vdev/kvmclock.h>
#include <stddef.h>
#include <string.h>
#include "test.h"

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static const struct {
	uint64_t hz;
	uint32_t mul;
	int8_t shift;
} rates[] = {
	{ 100000000ull, 0xa0000000u, 4 }, /* 2^32 / 1.6 */
	/* 2^32 itself does not fit: the largest mul, 2.3e-10 slow. */
	{ 1000000000ull, 0xffffffffu, 0 },
	{ 2500000000ull, 0xccccccccu, -1 }, /* 2^32 / 1.25 */
	{ 3500000000ull, 0x92492492u, -1 }, /* 2^32 / 1.75 */
	{ 2000000000ull, 0x80000000u, 0 },
	{ 1999999999ull, 0x80000001u, 0 },
	{ 3000000000ull, 0xaaaaaaaau, -1 },
	{ 5000000000ull, 0xccccccccu, -2 },
};

static void test_scale(void)
{
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		struct pvclock_vcpu_time_info ti;
		uint64_t hz = rates[i].hz, t0 = 0x123456789abull;
		uint32_t mul = 0;
		int8_t shift = 99;

		pvclock_scale(hz, &mul, &shift);
		CHECK_EQ(mul, rates[i].mul);
		CHECK_EQ((uint64_t)(int64_t)shift,
			 (uint64_t)(int64_t)rates[i].shift);
		CHECK(mul >= 0x80000000u); /* full 32-bit precision */

		memset(&ti, 0, sizeof(ti));
		ti.tsc_timestamp = t0;
		ti.system_time = 0;
		ti.tsc_to_system_mul = mul;
		ti.tsc_shift = shift;
		CHECK_EQ(pvclock_ns(&ti, t0), 0);
		/* One second of ticks: 1e9 ns, within 1 ns. */
		CHECK(absdiff(pvclock_ns(&ti, t0 + hz), 1000000000ull) <= 1);
		/* Half a second and a millisecond. */
		CHECK(absdiff(pvclock_ns(&ti, t0 + hz / 2), 500000000ull) <= 1);
		CHECK(absdiff(pvclock_ns(&ti, t0 + hz / 1000), 1000000ull) <=
		      1);
		/* An hour: within 1 ns per second (1e-9), far inside 1 ppm. */
		CHECK(absdiff(pvclock_ns(&ti, t0 + 3600 * hz),
			      3600000000000ull) <= 3600);
		/* A year does not overflow the 64x32 product. */
		CHECK(absdiff(pvclock_ns(&ti, t0 + 31536000ull * hz),
			      31536000000000000ull) <= 31536000ull);
		/* system_time is added as is. */
		ti.system_time = 777;
		CHECK(absdiff(pvclock_ns(&ti, t0 + hz), 1000000777ull) <= 1);
	}
}

static void test_scale_extremes(void)
{
	uint32_t mul;
	int8_t shift;

	/* 0 Hz must not hang; it is treated as 1 Hz. */
	pvclock_scale(0, &mul, &shift);
	CHECK_EQ(shift, 30);
	CHECK(mul >= 0x80000000u);
	pvclock_scale(1, &mul, &shift);
	CHECK_EQ(shift, 30);
	/* 1 Hz << 30 = 1073741824: mul = 1e9 * 4 = 4000000000. */
	CHECK_EQ(mul, 4000000000u);
}

static void test_fill(void)
{
	struct pvclock_vcpu_time_info ti;
	const uint64_t hz = 2500000000ull, start = 1000;
	uint64_t now = start + 2 * hz;
	uint32_t mul;
	int8_t shift;

	memset(&ti, 0, sizeof(ti));
	pvclock_fill(&ti, hz, start, now);
	CHECK_EQ(ti.version, 2);
	CHECK_EQ(ti.version & 1, 0);
	CHECK_EQ(ti.flags, PVCLOCK_TSC_STABLE_BIT);
	CHECK_EQ(ti.flags & 1, 1);
	CHECK_EQ(ti.tsc_timestamp, now);
	CHECK(absdiff(ti.system_time, 2000000000ull) <= 1);
	pvclock_scale(hz, &mul, &shift);
	CHECK_EQ(ti.tsc_to_system_mul, mul);
	CHECK_EQ(ti.tsc_shift, shift);
	/* The record continues: at now it reads system_time, a second later
	 * one second more. */
	CHECK_EQ(pvclock_ns(&ti, now), ti.system_time);
	CHECK(absdiff(pvclock_ns(&ti, now + hz), 3000000000ull) <= 2);

	/* Refilled later: the version advances by 2 and stays even; time
	 * does not go backwards across the refill. */
	{
		uint64_t later = now + hz / 3;
		uint64_t before = pvclock_ns(&ti, later);

		pvclock_fill(&ti, hz, start, later);
		CHECK_EQ(ti.version, 4);
		CHECK(ti.system_time >= before);
		CHECK(ti.system_time - before <= 1);
	}
	/* A guest-written odd version still ends even. */
	ti.version = 5;
	pvclock_fill(&ti, hz, start, now);
	CHECK_EQ(ti.version, 6);
	ti.version = 0xffffffffu;
	pvclock_fill(&ti, hz, start, now);
	CHECK_EQ(ti.version & 1, 0);
	/* At the VM's start, kvmclock reads zero. */
	pvclock_fill(&ti, hz, start, start);
	CHECK_EQ(ti.system_time, 0);
	/* The padding the guest does not own is left alone. */
	ti.pad0 = 0x5a5a5a5a;
	pvclock_fill(&ti, hz, start, now);
	CHECK_EQ(ti.pad0, 0x5a5a5a5a);
}

static void test_layout(void)
{
	CHECK_EQ(sizeof(struct pvclock_vcpu_time_info), 32);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, version), 0);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, tsc_timestamp), 8);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, system_time), 16);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, tsc_to_system_mul),
		 24);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, tsc_shift), 28);
	CHECK_EQ(offsetof(struct pvclock_vcpu_time_info, flags), 29);
	CHECK_EQ(sizeof(struct pvclock_wall_clock), 12);
	CHECK_EQ(offsetof(struct pvclock_wall_clock, sec), 4);
	CHECK_EQ(offsetof(struct pvclock_wall_clock, nsec), 8);
}

int main(void)
{
	test_scale();
	test_scale_extremes();
	test_fill();
	test_layout();
	return test_summary();
}
