// SPDX-License-Identifier: MIT
/*
 * corral needs the TSC rate: the guests' LAPIC timers, PM timer and kvmclock
 * are all derived from the TSC. It is measured against PIT channel 2 with the
 * speaker gate (the method Linux calls pit_calibrate_tsc), which every PC,
 * Bochs and QEMU have; CPUID leaf 0x15 (crystal ratio) is the fallback.
 */
#include <civil_time.h>
#include <host/timekeeping.h>
#include <host/log.h>
#include <arch/x86.h>

#define PIT_HZ 1193182ull
#define PIT_CH2 0x42
#define PIT_MODE 0x43
#define PIT_GATE 0x61
#define PIT_GATE_ENABLE 0x01
#define PIT_SPEAKER 0x02
#define PIT_OUT2 0x20
#define PIT_CH2_MODE0_LOHI 0xb0
#define CALIBRATE_MS 50
#define MAX_POLLS 100000000ull
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

uint64_t tsc_hz, boot_tsc, boot_wall;

static uint64_t calibrate_pit(void)
{
	uint32_t latch = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t t0, t1, polls = 0;

	outb(PIT_GATE, (inb(PIT_GATE) & ~PIT_SPEAKER) | PIT_GATE_ENABLE);
	outb(PIT_MODE, PIT_CH2_MODE0_LOHI);
	outb(PIT_CH2, latch & 0xff);
	outb(PIT_CH2, latch >> 8);
	t0 = rdtsc();
	while (!(inb(PIT_GATE) & PIT_OUT2))
		if (++polls > MAX_POLLS)
			return 0;
	t1 = rdtsc();
	if (polls < 10)
		return 0; /* OUT2 was already high: no working PIT */
	return (t1 - t0) * 1000 / CALIBRATE_MS;
}

static uint64_t calibrate_cpuid(void)
{
	struct cpuid_regs r;

	if (cpuid(0).eax < 0x15)
		return 0;
	r = cpuid(0x15);
	if (!r.eax || !r.ebx || !r.ecx)
		return 0;
	return (uint64_t)r.ecx * r.ebx / r.eax;
}

static unsigned from_bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 0xf);
}

static uint8_t cmos(uint8_t reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static uint64_t read_host_rtc(void)
{
	struct civil_time c;
	bool binary;
	unsigned hour;

	for (int i = 0; i < 1000000 && (cmos(0x0a) & 0x80); i++)
		cpu_relax(); /* wait out an update in progress */
	binary = cmos(0x0b) & 0x04;
	c.second = from_bcd(cmos(0x00), binary);
	c.minute = from_bcd(cmos(0x02), binary);
	hour = cmos(0x04);
	c.hour = from_bcd(hour & 0x7f, binary);
	c.day = from_bcd(cmos(0x07), binary);
	c.month = from_bcd(cmos(0x08), binary);
	c.year = 2000 + from_bcd(cmos(0x09), binary);
	if (c.month < 1 || c.month > 12 || c.day < 1 || c.day > 31 ||
	    c.hour > 23 || c.minute > 59 || c.second > 59)
		return 0;
	return unix_from_civil(&c);
}

void timekeeping_init(void)
{
	const char *how = "PIT channel 2";

	tsc_hz = calibrate_pit();
	if (!tsc_hz) {
		tsc_hz = calibrate_cpuid();
		how = "CPUID leaf 0x15";
	}
	if (!tsc_hz)
		panic("cannot determine the TSC frequency: no PIT and no CPUID leaf 0x15");
	boot_tsc = rdtsc();
	boot_wall = read_host_rtc();
	pr_info("tsc: %llu.%03llu MHz (measured with %s)",
		(unsigned long long)(tsc_hz / 1000000),
		(unsigned long long)(tsc_hz / 1000 % 1000), how);
}

uint64_t wall_now(void)
{
	return boot_wall + (rdtsc() - boot_tsc) / tsc_hz;
}
