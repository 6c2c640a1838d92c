// SPDX-License-Identifier: MIT
/*
 * A VM's life: created from its config (RAM, vCPUs, then a build of its
 * map, devices and kernel), started, stopped by the first reason, reported,
 * and restarted or retired by its policy.
 */
#include <core/backend.h>
#include <core/assign.h>
#include <core/dma_test.h>
#include <host/boot.h>
#include <core/iommu.h>
#include <guest/bzimage.h>
#include <format.h>
#include <guest/guest_acpi.h>
#include <guest/linux_boot.h>
#include <host/log.h>
#include <host/percpu.h>
#include <mm/page_alloc.h>
#include <string.h>
#include <host/timekeeping.h>
#include <core/pcpu_loop.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <core/client_dev.h>
#include <core/vm_channel.h>
#include <core/vm_devices.h>
#include <core/vm_load.h>
#include <arch/x86.h>

struct vm *vm_first_created;
static struct vm *vm_table[CONFIG_MAX_VMS];

struct vm *vm_by_index(uint32_t index)
{
	return index < CONFIG_MAX_VMS ?
		       __atomic_load_n(&vm_table[index], __ATOMIC_ACQUIRE) :
		       NULL;
}

const char *vm_stop_reason_name(enum vm_stop_reason r)
{
	switch (r) {
	case VM_STOP_POWEROFF:
		return "powered off";
	case VM_STOP_REBOOT:
		return "rebooted";
	case VM_STOP_CRASH:
		return "crashed";
	case VM_STOP_ERROR:
		return "stopped by an error";
	case VM_STOP_MACHINE_CHECK:
		return "stopped by a machine check";
	default:
		return "stopped";
	}
}

void vm_poison(struct vm *vm, uint64_t pa)
{
	uint64_t page = pa & ~(PAGE_SIZE - 1);
	uint32_t i;

	spin_lock(&vm->stop_lock);
	for (i = 0; i < vm->nr_poisoned && vm->poisoned[i] < page; i++)
		;
	if ((i == vm->nr_poisoned || vm->poisoned[i] != page) &&
	    vm->nr_poisoned < VM_MAX_POISONED) {
		for (uint32_t j = vm->nr_poisoned; j > i; j--)
			vm->poisoned[j] = vm->poisoned[j - 1];
		vm->poisoned[i] = page;
		vm->nr_poisoned++;
	}
	spin_unlock(&vm->stop_lock);
}

/* Calls fn on each run of the VM's RAM between its poisoned pages:
 * touching one of those would raise another machine check. */
static void for_each_clean_run(struct vm *vm, void (*fn)(void *p, uint64_t n))
{
	uint64_t at = (uint64_t)vm->ram, end = at + vm->ram_size;

	for (uint32_t i = 0; i < vm->nr_poisoned; i++) {
		if (vm->poisoned[i] > at)
			fn((void *)at, vm->poisoned[i] - at);
		at = vm->poisoned[i] + PAGE_SIZE;
	}
	if (end > at)
		fn((void *)at, end - at);
}

static void scrub(void *p, uint64_t n)
{
	memset(p, 0, n);
}

bool vm_log_budget(struct vm *vm)
{
	if (vm->log_lines < VM_LOG_BUDGET) {
		vm->log_lines++;
		return true;
	}
	if (vm->log_lines++ == VM_LOG_BUDGET)
		pr_info("vm %s: further unemulated port and MSR accesses are not logged",
			vm->name);
	return false;
}

void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
{
	va_list ap;

	spin_lock(&vm->stop_lock);
	if (vm->state == VM_STOPPED) {
		spin_unlock(&vm->stop_lock); /* the first reason stands */
		return;
	}
	va_start(ap, fmt);
	vsnprintf(vm->stop_detail, sizeof(vm->stop_detail), fmt, ap);
	va_end(ap);
	vm->stop_reason = why;
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_SEQ_CST);
	spin_unlock(&vm->stop_lock);
	/* Its vCPUs elsewhere leave the guest and acknowledge (pcpu.c). */
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(vm->vcpus[i]);
}

void vm_vcpu_parked(struct vcpu *v)
{
	struct vm *vm = v->vm;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *w = vm->vcpus[i];

		if (!w->parked && w->power != VCPU_OFF)
			return;
	}
	vm_stop(vm, VM_STOP_POWEROFF,
		vm->nr_vcpus > 1 ?
			"every vCPU halted with interrupts disabled" :
			"halted with interrupts disabled");
}

void vm_error(const struct vm_config *cfg, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vm %s (%s): %s; this VM does not start", cfg->name, cfg->node,
	       msg);
}

static const struct boot_module *need_module(const struct vm_config *cfg,
					     const char *path, const char *prop)
{
	const struct boot_module *m = boot_module_find(path);

	if (!m)
		vm_error(cfg, "property \"%s\": file %s was not loaded", prop,
			 path);
	return m;
}

/* Everything a (re)start needs, in order: the map, the platform devices, the
 * assigned devices and Linux (load_linux), the second-stage tables and the
 * DMA domain. A restart runs it again on the same RAM, after a scrub. */
static int vm_build(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const struct boot_module *kernel = boot_module_find(cfg->kernel);
	const struct boot_module *initrd =
		cfg->initrd[0] ? boot_module_find(cfg->initrd) : NULL;
	char why[128];
	int err;

	vm_channel_rebuild_begin(vm);
	gpa_map_init(&vm->map);
	vm->nr_mmio = 0;
	vm->nr_devices = 0;
	vm_pci_reset(vm);
	/* assign_release gave every unit back; the quotas start full. */
	vm->irq_vectors = (struct quota){ .max = cfg->irq_vectors };
	vm->irq_remap = (struct quota){ .max = cfg->irq_remap_entries };
	vm->irq_quota_logged = false;
	vm_devices_init(vm);
	why[0] = '\0';
	err = vm_load_linux(vm, kernel, initrd);
	if (!err)
		err = backend()->vm_init(vm, why, sizeof(why));
	if (!err)
		err = assign_finish(vm);
	if (err) {
		if (why[0])
			vm_error(cfg, "%s", why);
		assign_release(vm);
	}
	vm_channel_rebuild_end(vm);
	return err;
}

static void vm_free(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i])
			page_free(vm->vcpus[i], sizeof(struct vcpu));
	if (vm->ram)
		page_free(vm->ram, vm->ram_size);
	page_free(vm, sizeof(*vm));
}

static int alloc_vcpus(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v =
			page_alloc(sizeof(*v), PAGE_SIZE, ALLOC_ANYWHERE);

		if (!v)
			return -ENOMEM;
		memset(v, 0, sizeof(*v));
		v->vm = vm;
		v->id = i;
		vlapic_init(&v->lapic, i, i == 0);
		vm->vcpus[i] = v;
	}
	return 0;
}

/* Two VMs may restart at once on different pCPUs; a build uses shared
 * scratch (load_linux's command-line buffers, the DMA-test targets, the
 * assigned-device pool), so builds take turns. */
static int vm_build_locked(struct vm *vm)
{
	static struct spinlock build_lock;
	int err;

	spin_lock(&build_lock);
	err = vm_build(vm);
	spin_unlock(&build_lock);
	return err;
}

struct vm *vm_create(uint32_t id, const struct vm_config *cfg)
{
	struct vm *vm;

	if (cfg->vcpus > VM_MAX_VCPUS) {
		vm_error(
			cfg,
			"property \"vcpus\": %u vCPUs requested, corral runs at most %u per VM",
			cfg->vcpus, VM_MAX_VCPUS);
		return NULL;
	}
	if (cfg->vcpus > 1 && !backend()->unpaged_guest()) {
		vm_error(
			cfg,
			"property \"vcpus\": secondary vCPUs start through 32-bit mode without paging, which this CPU's %s lacks (VT-x: unrestricted guest)",
			backend()->name);
		return NULL;
	}
	if (!need_module(cfg, cfg->kernel, "kernel") ||
	    (cfg->initrd[0] && !need_module(cfg, cfg->initrd, "initrd")))
		return NULL;
	vm = page_alloc(sizeof(*vm), PAGE_SIZE, ALLOC_ANYWHERE);
	if (!vm) {
		vm_error(cfg, "out of memory");
		return NULL;
	}
	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	vm->cfg = cfg;
	vm->name = cfg->name;
	vm->nr_vcpus = cfg->vcpus ? cfg->vcpus : 1;
	vm->ram_size = (uint64_t)cfg->memory_mib << 20;
	if (alloc_vcpus(vm)) {
		vm_error(cfg, "out of memory for its vCPUs");
		vm_free(vm);
		return NULL;
	}
	vm->ram = page_alloc(vm->ram_size, SZ_2M, ALLOC_ANYWHERE);
	if (!vm->ram) {
		vm_error(
			cfg,
			"property \"memory-mib\": cannot allocate %u MiB (%llu MiB free)",
			cfg->memory_mib,
			(unsigned long long)(page_alloc_free_bytes() >> 20));
		vm_free(vm);
		return NULL;
	}
	if (vm_build_locked(vm)) {
		vm_free(vm);
		return NULL;
	}
	if (!vm_first_created)
		vm_first_created = vm;
	vm->state = VM_CREATED;
	if (id < CONFIG_MAX_VMS)
		__atomic_store_n(&vm_table[id], vm, __ATOMIC_RELEASE);
	return vm;
}

void vm_start(struct vm *vm)
{
	struct vcpu *bsp = vm->vcpus[0];

	vm->start_tsc = rdtsc();
	vm->log_lines = 0;
	vm->nr_msr_logged = 0;
	vm->ipi_logged = 0;
	memset(vm->io_logged, 0, sizeof(vm->io_logged));
	vm->stop_reason = VM_STOP_NONE;
	vm->stop_detail[0] = '\0';
	vm->stop_acks = 0;
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i]->power = VCPU_OFF;
		vm->vcpus[i]->parked = false;
		memset(vm->vcpus[i]->exits_by_reason, 0,
		       sizeof(vm->vcpus[i]->exits_by_reason));
		vm->vcpus[i]->injected_irqs = 0;
	}
	dma_test_report(vm, true);
	/* Running before the epoch moves on: no pCPU may take the stop of
	 * the last run for one of this run (pcpu.c). */
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&vm->epoch, 1, __ATOMIC_SEQ_CST);
	if (vm->nr_vcpus > 1)
		pr_info("vm %s: starting, %u vCPUs, vCPU 0 on cpu %u%s",
			vm->name, vm->nr_vcpus, bsp->pcpu,
			vm->restarts ? " (restarted)" : "");
	else
		pr_info("vm %s: starting on cpu %u%s", vm->name, bsp->pcpu,
			vm->restarts ? " (restarted)" : "");
	bsp->start = vm->boot;
	__atomic_store_n(&bsp->power, VCPU_START, __ATOMIC_SEQ_CST);
	vcpu_kick(bsp);
}

static bool policy_restarts(const struct vm *vm)
{
	enum restart_policy p = vm->cfg->restart;

	switch (vm->stop_reason) {
	case VM_STOP_POWEROFF:
		return p == RESTART_ALWAYS;
	case VM_STOP_REBOOT:
	case VM_STOP_CRASH:
		return p == RESTART_ON_CRASH || p == RESTART_ALWAYS;
	case VM_STOP_MACHINE_CHECK:
		/* Not onto memory that holds a poisoned page. */
		return !vm->nr_poisoned &&
		       (p == RESTART_ON_CRASH || p == RESTART_ALWAYS);
	default:
		return false; /* corral could not go on: it would fail again */
	}
}

/* More than CRASH_LOOP_RESTARTS restarts within CRASH_LOOP_SECONDS: stop. */
#define CRASH_LOOP_RESTARTS 5
#define CRASH_LOOP_SECONDS 60

static bool crash_loop(struct vm *vm)
{
	uint64_t now = rdtsc();
	uint64_t oldest = vm->restart_tsc[vm->restarts % CRASH_LOOP_RESTARTS];

	vm->restart_tsc[vm->restarts % CRASH_LOOP_RESTARTS] = now;
	return vm->restarts >= CRASH_LOOP_RESTARTS &&
	       now - oldest < tsc_hz * CRASH_LOOP_SECONDS;
}

/* One line of what made the VM's vCPUs exit in this run, so that a user
 * (and scripts/bench-exits) can see where the exits go. */
static void report_exits(struct vm *vm)
{
	static const char *const names[NR_EXIT_REASONS] = {
		[EXIT_NONE] = "interrupt",
		[EXIT_CPUID] = "cpuid",
		[EXIT_RDMSR] = "rdmsr",
		[EXIT_WRMSR] = "wrmsr",
		[EXIT_IO] = "io",
		[EXIT_HLT] = "hlt",
		[EXIT_NPF] = "npf",
		[EXIT_HYPERCALL] = "hypercall",
		[EXIT_SHUTDOWN] = "shutdown",
		[EXIT_MACHINE_CHECK] = "machine-check",
		[EXIT_FAILED] = "failed",
	};
	char line[256];
	size_t len = 0;
	uint64_t injected = 0;

	for (int r = 0; r < NR_EXIT_REASONS; r++) {
		uint64_t n = 0;

		for (uint32_t i = 0; i < vm->nr_vcpus; i++)
			n += vm->vcpus[i]->exits_by_reason[r];
		if (n && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len,
					"%s%s %llu", len ? ", " : "", names[r],
					(unsigned long long)n);
	}
	pr_info("vm %s: exits by reason: %s", vm->name, len ? line : "none");
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		injected += vm->vcpus[i]->injected_irqs;
	pr_info("vm %s: injected interrupts: %llu", vm->name,
		(unsigned long long)injected);
}

bool vm_stopped(struct vm *vm)
{
	uint64_t exits = 0;
	bool again;

	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		for (int r = 0; r < NR_EXIT_REASONS; r++)
			exits += vm->vcpus[i]->exits_by_reason[r];
	vuart_flush(&vm->uart);
	/* No driver VM may reach this memory once it is scrubbed or reused. */
	client_devs_release(vm);
	iommu_poll_faults();
	iommu_fault_summary(vm);
	assign_release(vm);
	iommu_poll_faults();
	dma_test_report(vm, false);
	pr_info("vm %s: %s (%s) after %llu exits", vm->name,
		vm_stop_reason_name(vm->stop_reason), vm->stop_detail,
		(unsigned long long)exits);
	report_exits(vm);
	again = policy_restarts(vm);
	if (again && crash_loop(vm)) {
		pr_err("vm %s: %u restarts within %u s: giving up (crash loop)",
		       vm->name, CRASH_LOOP_RESTARTS, CRASH_LOOP_SECONDS);
		again = false;
	}
	/* Nothing of the old guest survives into the next one or the pool. */
	for_each_clean_run(vm, scrub);
	if (again) {
		vm->restarts++;
		uint64_t free = page_alloc_free_bytes();

		pr_info("vm %s: restarting (restart %u, policy %s; %llu KiB free)",
			vm->name, vm->restarts,
			config_restart_name(vm->cfg->restart),
			(unsigned long long)(free >> 10));
		/* Each run takes the same memory and gives it all back. */
		if (vm->restarts > 1 && free < vm->free_at_restart)
			pr_warn("vm %s: its last run kept %llu KiB after it stopped (a leak)",
				vm->name,
				(unsigned long long)((vm->free_at_restart -
						      free) >>
						     10));
		vm->free_at_restart = free;
		if (!vm_build_locked(vm)) {
			vm_start(vm);
			return true;
		}
		pr_err("vm %s: the restart failed; it stays stopped", vm->name);
	}
	for_each_clean_run(vm, page_free);
	for (uint32_t i = 0; i < vm->nr_poisoned; i++)
		pr_warn("vm %s: page 0x%llx had an uncorrected memory error: kept out of use",
			vm->name, (unsigned long long)vm->poisoned[i]);
	__atomic_store_n(&vm->finished, true, __ATOMIC_RELEASE);
	return false;
}
