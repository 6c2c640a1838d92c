// SPDX-License-Identifier: MIT
/* Local APIC timer, one-shot mode, divide by 16 (SDM Vol. 3A 10.5.4). */
#include <host/host_lapic.h>
#include <host/log.h>
#include <arch/msr.h>
#include <host/timekeeping.h>
#include <arch/x86.h>

#define XAPIC_BASE 0xfee00000ull
#define REG_EOI 0x0b0
#define REG_SVR 0x0f0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3e0
#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define DIVIDE_BY_16 0x3
#define CALIBRATE_US 10000

static uint64_t lapic_hz;      /* timer ticks per second after the divider */
static uint64_t ticks_per_tsc; /* 32.32 fixed point */

static bool x2apic(void)
{
	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD;
}

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic())
		return (uint32_t)rdmsr(0x800 + (reg >> 4));
	return *(volatile uint32_t *)(XAPIC_BASE + reg);
}

static void lapic_write(uint32_t reg, uint32_t val)
{
	if (x2apic())
		wrmsr(0x800 + (reg >> 4), val);
	else
		*(volatile uint32_t *)(XAPIC_BASE + reg) = val;
}

void host_lapic_eoi(void)
{
	lapic_write(REG_EOI, 0);
}

#define REG_ICR_LO 0x300
#define REG_ICR_HI 0x310
#define ICR_BUSY (1u << 12)

void host_lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	if (x2apic()) {
		wrmsr(0x830, ((uint64_t)apic_id << 32) | vector);
		return;
	}
	lapic_write(REG_ICR_HI, apic_id << 24);
	lapic_write(REG_ICR_LO, vector);
	for (int i = 0; i < 100000 && (lapic_read(REG_ICR_LO) & ICR_BUSY); i++)
		cpu_relax();
}

void host_lapic_init(void)
{
	uint64_t t0;
	uint32_t left;

	lapic_write(REG_SVR, SVR_ENABLE | HOST_SPURIOUS_VECTOR);
	lapic_write(REG_TIMER_DIVIDE, DIVIDE_BY_16);
	lapic_write(REG_LVT_TIMER, LVT_MASKED | HOST_TIMER_VECTOR);
	if (lapic_hz)
		return; /* same bus clock on every CPU */
	lapic_write(REG_TIMER_INITIAL, 0xffffffff);
	t0 = rdtsc();
	while (rdtsc() - t0 < tsc_hz / 1000000 * CALIBRATE_US)
		cpu_relax();
	left = lapic_read(REG_TIMER_CURRENT);
	lapic_write(REG_TIMER_INITIAL, 0);
	lapic_hz = (uint64_t)(0xffffffffu - left) * (1000000 / CALIBRATE_US);
	ticks_per_tsc = (lapic_hz << 32) / tsc_hz;
	pr_info("host LAPIC timer: %llu kHz (after divide by 16)",
		(unsigned long long)(lapic_hz / 1000));
}

void host_lapic_arm(uint64_t deadline)
{
	uint64_t now = rdtsc(), ticks;

	if (!deadline) {
		lapic_write(REG_TIMER_INITIAL, 0);
		return;
	}
	ticks = deadline > now ?
			(uint64_t)(((unsigned __int128)(deadline - now) *
				    ticks_per_tsc) >>
				   32) :
			0;
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	lapic_write(REG_LVT_TIMER, HOST_TIMER_VECTOR); /* one-shot, unmasked */
	lapic_write(REG_TIMER_INITIAL, (uint32_t)ticks);
}
