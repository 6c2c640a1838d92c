// SPDX-License-Identifier: MIT
/*
 * Host CPUs. They are found in the MADT; without ACPI tables (OVMF under
 * Bochs) corral runs on the boot CPU alone and says so. Each AP is started
 * with INIT-SIPI-SIPI (SDM Vol. 3A 8.4.4.1), enters 64-bit mode on its own
 * stack, and runs the caller's per-CPU setup before it reports in.
 */
#include <errno.h>
#include <host/acpi.h>
#include <host/boot.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <arch/msr.h>
#include <mm/page_alloc.h>
#include <mm/paging.h>
#include <host/percpu.h>
#include <host/smp.h>
#include <string.h>
#include <host/timekeeping.h>
#include <arch/x86.h>

#define XAPIC_BASE 0xfee00000ull
#define XAPIC_ICR_LO 0x300
#define XAPIC_ICR_HI 0x310
#define X2APIC_ICR 0x830
#define ICR_INIT 0x00004500u	/* INIT, level assert */
#define ICR_STARTUP 0x00004600u /* start-up IPI; vector = page number */
#define ICR_BUSY (1u << 12)
#define AP_START_TIMEOUT_MS 200

extern const char ap_tramp_start[], ap_tramp_end[];
extern const char ap_tramp_gdtr[], ap_tramp_far32[], ap_tramp_far64[];
extern const char ap_tramp_cr3[], ap_tramp_stack[], ap_tramp_percpu[];
extern const char ap_tramp_entry[];
extern const char ap_tramp_gdt_sym[], ap_tramp_pm32_sym[], ap_tramp_lm64_sym[];

static void (*volatile ap_work)(uint32_t cpu);

static void delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_hz / 1000000 * us;

	while (rdtsc() < end)
		cpu_relax();
}

static bool x2apic_mode(void)
{
	return rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD;
}

static void send_ipi(uint32_t apic_id, uint32_t icr)
{
	volatile uint32_t *lo = (void *)(XAPIC_BASE + XAPIC_ICR_LO);
	volatile uint32_t *hi = (void *)(XAPIC_BASE + XAPIC_ICR_HI);

	if (x2apic_mode()) {
		wrmsr(X2APIC_ICR, ((uint64_t)apic_id << 32) | icr);
		return;
	}
	*hi = apic_id << 24;
	*lo = icr;
	for (int i = 0; i < 100000 && (*lo & ICR_BUSY); i++)
		cpu_relax();
}

/* What each CPU does, once in 64-bit mode on its own stack, before it
 * reports in: the caller's (the core turns its virtualization backend on). */
static void (*cpu_setup)(struct percpu *pc);

__attribute__((noreturn)) void ap_entry(struct percpu *pc)
{
	cpu_init(pc);
	cpu_setup(pc);
	__atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
	while (!ap_work)
		cpu_relax();
	ap_work(pc->cpu_id);
	halt_forever();
}

static void patch32(uint8_t *t, const char *slot, uint64_t val)
{
	*(uint32_t *)(t + (slot - ap_tramp_start)) = (uint32_t)val;
}

static void patch64(uint8_t *t, const char *slot, uint64_t val)
{
	*(uint64_t *)(t + (slot - ap_tramp_start)) = val;
}

static void prepare_trampoline(uint8_t *t)
{
	uint64_t base = (uint64_t)t;

	memcpy(t, ap_tramp_start, ap_tramp_end - ap_tramp_start);
	patch32(t, ap_tramp_gdtr + 2,
		base + (ap_tramp_gdt_sym - ap_tramp_start));
	patch32(t, ap_tramp_far32, base + (ap_tramp_pm32_sym - ap_tramp_start));
	patch32(t, ap_tramp_far64, base + (ap_tramp_lm64_sym - ap_tramp_start));
	patch64(t, ap_tramp_cr3, paging_root());
	patch64(t, ap_tramp_entry, (uint64_t)ap_entry);
}

static int start_ap(uint8_t *t, uint32_t cpu, uint32_t apic_id)
{
	struct percpu *pc = percpu_alloc(cpu, apic_id);
	uint64_t deadline;

	patch64(t, ap_tramp_stack, pc->stack_top);
	patch64(t, ap_tramp_percpu, (uint64_t)pc);
	send_ipi(apic_id, ICR_INIT);
	delay_us(10000);
	for (int i = 0; i < 2 && !pc->online; i++) {
		send_ipi(apic_id, ICR_STARTUP | ((uint64_t)t >> 12));
		delay_us(200);
	}
	deadline = rdtsc() + tsc_hz / 1000 * AP_START_TIMEOUT_MS;
	while (!__atomic_load_n(&pc->online, __ATOMIC_ACQUIRE) &&
	       rdtsc() < deadline)
		cpu_relax();
	return pc->online ? 0 : -ETIMEDOUT;
}

void smp_init(struct percpu *bsp, void (*setup)(struct percpu *pc))
{
	struct acpi_cpus found;
	uint8_t *t = (uint8_t *)boot_info->trampoline_phys;

	cpu_setup = setup;
	setup(bsp);
	nr_cpus = 1;
	if (acpi_find_cpus(boot_info->acpi_rsdp_phys, &found)) {
		pr_info("cpus: 1 (no ACPI MADT from the firmware: running on the boot CPU alone)");
		return;
	}
	pr_info("cpus: %u found via the ACPI MADT", found.nr);
	if (!t || (uint64_t)t >= 0x100000 || ((uint64_t)t & 0xfff)) {
		pr_warn("no usable AP trampoline page: running on the boot CPU alone");
		return;
	}
	prepare_trampoline(t);
	for (uint32_t i = 0; i < found.nr && nr_cpus < MAX_CPUS; i++) {
		if (found.apic_id[i] == bsp->apic_id)
			continue;
		if (!start_ap(t, nr_cpus, found.apic_id[i]))
			nr_cpus++;
		else
			pr_err("cpu with APIC id %u did not start; continuing without it",
			       found.apic_id[i]);
	}
}

void smp_release_aps(void (*fn)(uint32_t cpu))
{
	ap_work = fn;
}
