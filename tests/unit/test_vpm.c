// SPDX-License-Identifier: MIT
/*
 * The VM's ACPI fixed hardware, reset port and CMOS clock (hypervisor/vpm.c).
 * Proves the PM timer runs at 3.579545 MHz from a given TSC rate (100 MHz,
 * 3 GHz) and wraps at 24 bits; PM1_CNT reads SCI_EN and powers off only on
 * SLP_EN with SLP_TYP 5; 0xcf9 bit 2 resets; PM1_STS is write-1-to-clear,
 * PM1_EN read/write, with byte/word/dword widths; the CMOS RTC reads BCD
 * wall-clock time advancing with the TSC; and the civil-date conversions
 * round-trip on known dates (checked against `date -u -d @...`).
 */
#include <civil_time.h>
#include <vdev/vpm.h>
#include <guest/guest_acpi.h>
#include <string.h>
#include "test.h"

#define PM1_STS 0x600
#define PM1_EN 0x602
#define PM1_CNT 0x604
#define PM_TMR 0x608

static uint32_t in(struct vpm *pm, uint16_t port, uint8_t size, uint64_t now)
{
	uint32_t v = 0xa5a5a5a5;

	CHECK(vpm_io(pm, port, size, true, &v, now));
	return v;
}

static void out(struct vpm *pm, uint16_t port, uint8_t size, uint32_t v,
		uint64_t now)
{
	CHECK(vpm_io(pm, port, size, false, &v, now));
}

static void test_ports_match_fadt(void)
{
	/* The ports this test uses are the ones the FADT advertises. */
	CHECK_EQ(GACPI_PM1A_EVT_PORT, PM1_STS);
	CHECK_EQ(GACPI_PM1A_CNT_PORT, PM1_CNT);
	CHECK_EQ(GACPI_PM_TMR_PORT, PM_TMR);
	CHECK_EQ(GACPI_RESET_PORT, 0xcf9);
}

static void test_pm_timer(void)
{
	static const uint64_t rates[] = { 100000000ull, 3000000000ull };

	for (size_t i = 0; i < 2; i++) {
		struct vpm pm;
		const uint64_t hz = rates[i], t0 = 123456789;
		uint64_t ideal, got;

		vpm_init(&pm, hz, t0, 0);
		CHECK_EQ(vpm_timer(&pm, t0), 0);
		CHECK_EQ(vpm_timer(&pm, t0 + hz / 2), 1789772);
		/* One second: 3579545 ticks, less one for the truncated rate. */
		CHECK_EQ(vpm_timer(&pm, t0 + hz), 3579544);
		CHECK_EQ(in(&pm, PM_TMR, 4, t0 + hz), 3579544);
		/* Five seconds (17897724 ticks) wrap at 24 bits. */
		CHECK_EQ(vpm_timer(&pm, t0 + 5 * hz), 17897724 - 0x1000000);
		/* An hour stays within 0.1 ppm of the true rate (unwrapped
		 * against the ideal count, which is far from a wrap). */
		ideal = 3579545ull * 3600;
		got = vpm_timer(&pm, t0 + 3600 * hz);
		CHECK(got <= 0xffffff);
		got |= ideal & ~0xffffffull;
		CHECK(got <= ideal && ideal - got <= ideal / 10000000);
		/* Monotonic between wraps. */
		CHECK(vpm_timer(&pm, t0 + 1000) <= vpm_timer(&pm, t0 + 2000));
	}
	/* Exact values for both rates after an hour. */
	{
		struct vpm pm;

		vpm_init(&pm, 100000000ull, 0, 0);
		CHECK_EQ(vpm_timer(&pm, 3600ull * 100000000ull), 1460103);
		vpm_init(&pm, 3000000000ull, 0, 0);
		CHECK_EQ(vpm_timer(&pm, 3600ull * 3000000000ull), 1459517);
		/* At 3 GHz, 838 TSC ticks are just under one PM tick. */
		CHECK_EQ(vpm_timer(&pm, 838), 0);
		CHECK_EQ(vpm_timer(&pm, 839), 1);
	}
}

static void test_pm1_cnt(void)
{
	struct vpm pm;

	vpm_init(&pm, 100000000ull, 0, 0);
	CHECK_EQ(in(&pm, PM1_CNT, 2, 0), 1); /* SCI_EN: ACPI mode */
	CHECK_EQ(pm.event, VPM_NONE);
	/* SLP_TYP without SLP_EN: stored, nothing happens. */
	out(&pm, PM1_CNT, 2, 5u << 10, 0);
	CHECK_EQ(in(&pm, PM1_CNT, 2, 0), (5u << 10) | 1);
	CHECK_EQ(pm.event, VPM_NONE);
	/* SLP_EN with types other than 5 (S5 in the DSDT): ignored. */
	for (uint32_t typ = 0; typ < 8; typ++) {
		if (typ == 5)
			continue;
		out(&pm, PM1_CNT, 2, (1u << 13) | (typ << 10), 0);
		CHECK_EQ(pm.event, VPM_NONE);
		/* SLP_EN is write-only; SCI_EN cannot be cleared. */
		CHECK_EQ(in(&pm, PM1_CNT, 2, 0), (typ << 10) | 1);
	}
	out(&pm, PM1_CNT, 2, 0, 0);
	CHECK_EQ(in(&pm, PM1_CNT, 2, 0), 1);
	/* Byte read: the low half. */
	CHECK_EQ(in(&pm, PM1_CNT, 1, 0), 1);
	/* What Linux's acpi_enter_sleep_state(5) writes. */
	out(&pm, PM1_CNT, 2, (1u << 13) | (5u << 10) | 1, 0);
	CHECK_EQ(pm.event, VPM_POWEROFF);
}

static void test_reset_port(void)
{
	struct vpm pm;
	uint32_t v = 0x06;

	vpm_init(&pm, 100000000ull, 0, 0);
	CHECK_EQ(in(&pm, 0xcf9, 1, 0), 0);
	/* Linux reboot=pci: 0x02 first (nothing), then 0x06 (reset). */
	out(&pm, 0xcf9, 1, 0x02, 0);
	CHECK_EQ(pm.event, VPM_NONE);
	out(&pm, 0xcf9, 1, 0x06, 0);
	CHECK_EQ(pm.event, VPM_RESET);
	pm.event = VPM_NONE;
	out(&pm, 0xcf9, 1, 0x0e, 0);
	CHECK_EQ(pm.event, VPM_RESET);
	pm.event = VPM_NONE;
	out(&pm, 0xcf9, 1, 0x04, 0);
	CHECK_EQ(pm.event, VPM_RESET);
	/* A dword at 0xcf8 is PCI conf1, not the reset register. */
	pm.event = VPM_NONE;
	CHECK(!vpm_io(&pm, 0xcf8, 4, false, &v, 0));
	CHECK(!vpm_io(&pm, 0xcf9, 2, false, &v, 0));
	CHECK_EQ(pm.event, VPM_NONE);
}

static void test_pm1_evt(void)
{
	struct vpm pm;

	vpm_init(&pm, 100000000ull, 0, 0);
	CHECK_EQ(in(&pm, PM1_STS, 2, 0), 0);
	CHECK_EQ(in(&pm, PM1_EN, 2, 0), 0);
	/* Write 1 to clear; 0 bits leave status alone. */
	pm.pm1_sts = 0x8121;
	out(&pm, PM1_STS, 2, 0x0100, 0);
	CHECK_EQ(in(&pm, PM1_STS, 2, 0), 0x8021);
	out(&pm, PM1_STS, 2, 0x0000, 0);
	CHECK_EQ(in(&pm, PM1_STS, 2, 0), 0x8021);
	out(&pm, PM1_STS, 1, 0x01, 0); /* a byte clears low bits only */
	CHECK_EQ(in(&pm, PM1_STS, 2, 0), 0x8020);
	/* PM1_EN: plain read/write. */
	out(&pm, PM1_EN, 2, 0x0120, 0);
	CHECK_EQ(in(&pm, PM1_EN, 2, 0), 0x0120);
	CHECK_EQ(pm.pm1_sts, 0x8020); /* untouched by the EN write */
	/* Dword: status in 15:0, enable in 31:16, both ways. */
	CHECK_EQ(in(&pm, PM1_STS, 4, 0), 0x01208020);
	out(&pm, PM1_STS, 4, 0x00218000, 0);
	CHECK_EQ(in(&pm, PM1_STS, 2, 0), 0x0020);
	CHECK_EQ(in(&pm, PM1_EN, 2, 0), 0x0021);
	/* Byte read of a word register: the low byte. */
	CHECK_EQ(in(&pm, PM1_EN, 1, 0), 0x21);
	CHECK_EQ(in(&pm, PM1_STS, 1, 0), 0x20);
}

static void test_sizes_and_range(void)
{
	struct vpm pm;
	const uint64_t hz = 100000000ull;
	uint32_t v = 0;

	vpm_init(&pm, hz, 0, 0);
	/* 3579544 = 0x369e98 */
	CHECK_EQ(in(&pm, PM_TMR, 4, hz), 0x369e98);
	CHECK_EQ(in(&pm, PM_TMR, 2, hz), 0x9e98);
	CHECK_EQ(in(&pm, PM_TMR, 1, hz), 0x98);
	/* Writes to the timer change nothing. */
	out(&pm, PM_TMR, 4, 0, hz);
	CHECK_EQ(in(&pm, PM_TMR, 4, hz), 0x369e98);
	/* Odd offsets inside the blocks read 0 and are claimed. */
	CHECK_EQ(in(&pm, 0x601, 1, 0), 0);
	CHECK_EQ(in(&pm, 0x606, 2, 0), 0);
	CHECK_EQ(in(&pm, 0x609, 1, hz), 0);
	CHECK_EQ(in(&pm, 0x60b, 1, hz), 0);
	/* Outside: not the vPM's. */
	CHECK(!vpm_io(&pm, 0x5ff, 1, true, &v, 0));
	CHECK(!vpm_io(&pm, 0x60c, 4, true, &v, 0));
	CHECK(!vpm_io(&pm, 0x3f8, 1, true, &v, 0));
}

static uint8_t cmos(struct vpm *pm, uint8_t index, uint64_t now)
{
	out(pm, 0x70, 1, index, now);
	return (uint8_t)in(pm, 0x71, 1, now);
}

static void test_cmos(void)
{
	struct vpm pm;
	const uint64_t hz = 100000000ull, t0 = 777;

	/* 1795304974 = Saturday 2026-11-21 23:49:34 UTC. */
	vpm_init(&pm, hz, t0, 1795304974ull);
	CHECK_EQ(cmos(&pm, 0x00, t0), 0x34);
	CHECK_EQ(cmos(&pm, 0x02, t0), 0x49);
	CHECK_EQ(cmos(&pm, 0x04, t0), 0x23);
	CHECK_EQ(cmos(&pm, 0x06, t0), 0x07); /* Sunday = 1 */
	CHECK_EQ(cmos(&pm, 0x07, t0), 0x21);
	CHECK_EQ(cmos(&pm, 0x08, t0), 0x11);
	CHECK_EQ(cmos(&pm, 0x09, t0), 0x26);
	CHECK_EQ(cmos(&pm, 0x32, t0), 0x20);
	/* Status: divider/rate, BCD 24-hour, no flags, valid RAM. */
	CHECK_EQ(cmos(&pm, 0x0a, t0), 0x26);
	CHECK_EQ(cmos(&pm, 0x0b, t0), 0x02);
	CHECK_EQ(cmos(&pm, 0x0c, t0), 0x00);
	CHECK_EQ(cmos(&pm, 0x0d, t0), 0x80);
	/* Bit 7 of the index is the NMI mask, not part of it. */
	CHECK_EQ(cmos(&pm, 0x8a, t0), 0x26);
	CHECK_EQ(in(&pm, 0x70, 1, t0), 0x8a);
	/* CMOS RAM reads zero; writes are dropped. */
	CHECK_EQ(cmos(&pm, 0x10, t0), 0);
	out(&pm, 0x70, 1, 0x10, t0);
	out(&pm, 0x71, 1, 0x55, t0);
	CHECK_EQ(cmos(&pm, 0x10, t0), 0);
	out(&pm, 0x70, 1, 0x00, t0);
	out(&pm, 0x71, 1, 0x00, t0);
	CHECK_EQ(cmos(&pm, 0x00, t0), 0x34);

	/* The clock follows the TSC: +27 s is 23:50:01. */
	CHECK_EQ(cmos(&pm, 0x00, t0 + 27 * hz), 0x01);
	CHECK_EQ(cmos(&pm, 0x02, t0 + 27 * hz), 0x50);
	/* Just under a second later: still the same second. */
	CHECK_EQ(cmos(&pm, 0x00, t0 + hz - 1), 0x34);
	CHECK_EQ(cmos(&pm, 0x00, t0 + hz), 0x35);
	/* +626 s is midnight: Sunday 2026-11-22 00:00:00. */
	CHECK_EQ(cmos(&pm, 0x00, t0 + 626 * hz), 0x00);
	CHECK_EQ(cmos(&pm, 0x02, t0 + 626 * hz), 0x00);
	CHECK_EQ(cmos(&pm, 0x04, t0 + 626 * hz), 0x00);
	CHECK_EQ(cmos(&pm, 0x07, t0 + 626 * hz), 0x22);
	CHECK_EQ(cmos(&pm, 0x06, t0 + 626 * hz), 0x01);
	/* Forty days on: 2027-01-01 00:00:00 needs the year to roll over.
	 * 1798761600 = 2027-01-01T00:00:00Z. */
	{
		uint64_t t = t0 + (1798761600ull - 1795304974ull) * hz;

		CHECK_EQ(cmos(&pm, 0x09, t), 0x27);
		CHECK_EQ(cmos(&pm, 0x08, t), 0x01);
		CHECK_EQ(cmos(&pm, 0x07, t), 0x01);
		CHECK_EQ(cmos(&pm, 0x06, t), 0x06); /* Friday */
	}
}

static void check_civil(uint64_t t, uint32_t y, uint8_t mo, uint8_t d,
			uint8_t h, uint8_t mi, uint8_t s, uint8_t wd)
{
	struct civil_time c;

	memset(&c, 0xee, sizeof(c));
	civil_from_unix(t, &c);
	CHECK_EQ(c.year, y);
	CHECK_EQ(c.month, mo);
	CHECK_EQ(c.day, d);
	CHECK_EQ(c.hour, h);
	CHECK_EQ(c.minute, mi);
	CHECK_EQ(c.second, s);
	CHECK_EQ(c.weekday, wd); /* 0 = Sunday */
	CHECK_EQ(unix_from_civil(&c), t);
}

static void test_civil(void)
{
	struct civil_time c;

	/* Values checked with `date -u -d @T`. */
	check_civil(0, 1970, 1, 1, 0, 0, 0, 4);
	check_civil(951782400, 2000, 2, 29, 0, 0, 0, 2);
	check_civil(951868800, 2000, 3, 1, 0, 0, 0, 3);
	check_civil(1709164800, 2024, 2, 29, 0, 0, 0, 4);
	check_civil(1795304974, 2026, 11, 21, 23, 49, 34, 6);
	check_civil(1795305600, 2026, 11, 22, 0, 0, 0, 0);
	check_civil(2147483648ull, 2038, 1, 19, 3, 14, 8, 2);
	/* 2100 is not a leap year: Feb 28 is followed by Mar 1. */
	check_civil(4107542400ull, 2100, 3, 1, 0, 0, 0, 1);
	check_civil(4107542400ull - 86400, 2100, 2, 28, 0, 0, 0, 0);
	check_civil(7258118399ull, 2199, 12, 31, 23, 59, 59, 2);

	/* Round trips over 250 years at an odd stride, with sane fields. */
	for (uint64_t t = 0; t < 7258118400ull; t += 86400 * 37 + 3607) {
		civil_from_unix(t, &c);
		CHECK(c.month >= 1 && c.month <= 12);
		CHECK(c.day >= 1 && c.day <= 31);
		CHECK(c.hour < 24 && c.minute < 60 && c.second < 60);
		CHECK_EQ(c.weekday, (t / 86400 + 4) % 7);
		if (unix_from_civil(&c) != t) {
			CHECK_EQ(unix_from_civil(&c), t);
			break;
		}
	}
	/* unix_from_civil from fields set by hand. */
	c = (struct civil_time){ .year = 2026,
				 .month = 11,
				 .day = 21,
				 .hour = 23,
				 .minute = 49,
				 .second = 34 };
	CHECK_EQ(unix_from_civil(&c), 1795304974ull);
	c = (struct civil_time){ .year = 1970, .month = 1, .day = 1 };
	CHECK_EQ(unix_from_civil(&c), 0);
	c = (struct civil_time){ .year = 2000, .month = 2, .day = 29 };
	CHECK_EQ(unix_from_civil(&c), 951782400ull);
}

int main(void)
{
	test_ports_match_fadt();
	test_pm_timer();
	test_pm1_cnt();
	test_reset_port();
	test_pm1_evt();
	test_sizes_and_range();
	test_cmos();
	test_civil();
	return test_summary();
}
