// SPDX-License-Identifier: MIT
/*
 * A VM from its config: RAM, the guest-physical map, the platform devices,
 * ACPI tables, and a stock Linux kernel placed by the 64-bit boot protocol.
 */
#include <assign.h>
#include <boot.h>
#include <iommu.h>
#include <bzimage.h>
#include <format.h>
#include <guest_acpi.h>
#include <linux_boot.h>
#include <log.h>
#include <percpu.h>
#include <page_alloc.h>
#include <string.h>
#include <timekeeping.h>
#include <pcpu.h>
#include <vcpu.h>
#include <vcpu_irq.h>
#include <vm.h>
#include <x86.h>

#define GUEST_STACK_GPA 0x8ff0 /* below the boot page tables; Linux sets its own */

struct vm *vm_first_created;

static void console_emit(void *ctx, const char *line, size_t n)
{
	struct vm *vm = ctx;
	char prefix[40];

	snprintf(prefix, sizeof(prefix), "[%s] ", vm->name);
	log_raw_line(prefix, line, n);
}

static void ioapic_deliver(void *ctx, const struct vioapic_msg *m)
{
	struct vm *vm = ctx;

	/* Fixed and lowest priority; SMI, NMI, INIT and ExtINT entries are
	 * not something Linux programs. */
	if (m->delivery_mode == LAPIC_DELIVERY_FIXED ||
	    m->delivery_mode == LAPIC_DELIVERY_LOWEST)
		vm_deliver_msg(vm, (uint8_t)m->dest, m->logical, m->vector, m->level,
			       m->delivery_mode == LAPIC_DELIVERY_LOWEST);
}

void vm_update_uart_irq(struct vm *vm)
{
	vioapic_set_pin(&vm->ioapic, VUART_IRQ, vuart_irq_level(&vm->uart));
}

const char *vm_stop_reason_name(enum vm_stop_reason r)
{
	switch (r) {
	case VM_STOP_POWEROFF: return "powered off";
	case VM_STOP_REBOOT: return "rebooted";
	case VM_STOP_CRASH: return "crashed";
	case VM_STOP_ERROR: return "stopped by an error";
	default: return "stopped";
	}
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
	vm_stop(vm, VM_STOP_POWEROFF, vm->nr_vcpus > 1 ?
		"every vCPU halted with interrupts disabled" :
		"halted with interrupts disabled");
}

void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, uint64_t len)
{
	const struct gpa_region *r = gpa_map_lookup(&vm->map, gpa);

	if (!r || len > r->size || gpa - r->gpa > r->size - len)
		return NULL;
	return (void *)(r->hpa + (gpa - r->gpa));
}

static void vm_error(const struct vm_config *cfg, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vm %s (%s): %s; this VM does not start", cfg->name, cfg->node, msg);
}

static const struct boot_module *need_module(const struct vm_config *cfg,
					     const char *path, const char *prop)
{
	const struct boot_module *m = boot_module_find(path);

	if (!m)
		vm_error(cfg, "property \"%s\": file %s was not loaded", prop, path);
	return m;
}

static bool map_ram(struct vm *vm, const struct linux_layout *l, uint64_t hpa)
{
	const char *why;

	if (vm->nr_vcpus > 1) {
		/* The MP wakeup mailbox is a hole: corral emulates it. */
		uint64_t after = LB_MP_MAILBOX_GPA + LB_MP_MAILBOX_SIZE;

		why = gpa_map_add(&vm->map, 0, hpa, LB_MP_MAILBOX_GPA, GPA_RWX,
				  GPA_MEM_WB);
		if (!why)
			why = gpa_map_add(&vm->map, after, hpa + after,
					  l->low_ram_end - after, GPA_RWX, GPA_MEM_WB);
	} else {
		why = gpa_map_add(&vm->map, 0, hpa, l->low_ram_end, GPA_RWX,
				  GPA_MEM_WB);
	}

	if (!why && l->high_ram_size)
		why = gpa_map_add(&vm->map, LB_HIGH_RAM_GPA, hpa + l->low_ram_end,
				  l->high_ram_size, GPA_RWX, GPA_MEM_WB);
	if (why)
		vm_error(vm->cfg, "guest-physical map: %s", why);
	return !why;
}

/* test-dma-targets (docs/device-assignment.md): the hypervisor image and
 * another VM's RAM, whose host-physical addresses the guest is told so that
 * its test module can aim DMA at them; corral checksums both. */
static uint64_t dma_test_target[2];
static uint32_t dma_test_sum[2];

static uint32_t checksum_page(uint64_t hpa)
{
	const uint32_t *p = (const uint32_t *)hpa;
	uint32_t s = 0x12345678;

	for (int i = 0; i < 1024; i++)
		s = (s ^ p[i]) * 16777619u;
	return s;
}

static void dma_test_setup(struct vm *vm, char *bootargs, size_t n)
{
	extern struct vm *vm_first_created;
	size_t len = strlen(bootargs);

	dma_test_target[0] = boot_info->hv_phys_base;
	dma_test_target[1] = vm_first_created && vm_first_created != vm ?
		(uint64_t)vm_first_created->ram + 0x100000 : 0;
	/* Inside the attacker's own guest-physical RAM range the address is a
	 * legal DMA target for it: no test of the fence then. */
	for (int i = 0; i < 2; i++) {
		if (dma_test_target[i] && dma_test_target[i] < vm->ram_size) {
			pr_warn("dma-test: target 0x%llx lies inside vm %s's own RAM range; left out",
				(unsigned long long)dma_test_target[i], vm->name);
			dma_test_target[i] = 0;
		}
	}
	snprintf(bootargs + len, n - len, " corral.dma_attack=0x%llx,0x%llx",
		 (unsigned long long)dma_test_target[0],
		 (unsigned long long)dma_test_target[1]);
}

void vm_dma_test_report(struct vm *vm, bool at_start)
{
	static const char *const what[2] = { "hypervisor image", "another VM's RAM" };

	if (!vm->cfg->test_dma_targets)
		return;
	for (int i = 0; i < 2; i++) {
		uint32_t sum;

		if (!dma_test_target[i])
			continue;
		sum = checksum_page(dma_test_target[i]);
		if (at_start) {
			dma_test_sum[i] = sum;
			pr_info("dma-test: target %s at 0x%llx: checksum 0x%08x", what[i],
				(unsigned long long)dma_test_target[i], sum);
		} else {
			pr_info("dma-test: target %s at 0x%llx: checksum 0x%08x, %s", what[i],
				(unsigned long long)dma_test_target[i], sum,
				sum == dma_test_sum[i] ? "unchanged" : "CHANGED");
		}
	}
}

static bool build_acpi(struct vm *vm, uint64_t *rsdp)
{
	struct guest_acpi_params ap = {
		.base_gpa = LB_ACPI_GPA, .nr_vcpus = vm->nr_vcpus,
		.ioapic_id = (uint8_t)vm->nr_vcpus, /* after the LAPIC ids */
		.mp_wakeup_mailbox = vm->nr_vcpus > 1 ? LB_MP_MAILBOX_GPA : 0,
	};

	vm_pci_acpi_params(vm, &ap);
	if (!guest_acpi_build(vm->ram + LB_ACPI_GPA, LB_ACPI_SIZE, &ap, rsdp)) {
		vm_error(vm->cfg, "cannot build the ACPI tables");
		return false;
	}
	return true;
}

static bool load_linux(struct vm *vm, const struct boot_module *kernel,
		       const struct boot_module *initrd)
{
	const struct vm_config *cfg = vm->cfg;
	static char cmdline[CONFIG_BOOTARGS_MAX + 128];
	static char bootargs[CONFIG_BOOTARGS_MAX + 64];
	struct bzimage_info bz;
	struct linux_layout l;
	uint64_t rsdp;
	const char *why;

	if (bzimage_parse((void *)kernel->phys, kernel->size, &bz, &why)) {
		vm_error(cfg, "property \"kernel\": %s: %s", cfg->kernel, why);
		return false;
	}
	snprintf(bootargs, sizeof(bootargs), "%s", cfg->bootargs);
	if (vm->restarts) {
		size_t len = strlen(bootargs);

		/* The guest may want to know (tests stage their work on it). */
		snprintf(bootargs + len, sizeof(bootargs) - len, " corral.restart=%u",
			 vm->restarts);
	}
	if (cfg->test_dma_targets)
		dma_test_setup(vm, bootargs, sizeof(bootargs));
	if (linux_build_cmdline(cmdline, sizeof(cmdline), bootargs, cfg->name,
				bz.cmdline_size) < 0) {
		vm_error(cfg, "property \"bootargs\": too long for this kernel (%u bytes)",
			 bz.cmdline_size);
		return false;
	}
	if (linux_layout_plan(&bz, vm->ram_size, initrd ? initrd->size : 0,
			      strlen(cmdline), &l, &why)) {
		vm_error(cfg, "property \"memory-mib\": %s", why);
		return false;
	}
	if (!map_ram(vm, &l, (uint64_t)vm->ram) || !assign_devices(vm) ||
	    !build_acpi(vm, &rsdp))
		return false;
	linux_load(vm->ram, &l, &bz, (void *)kernel->phys,
		   initrd ? (void *)initrd->phys : NULL, cmdline, rsdp);
	linux_write_ap_boot(vm->ram);
	vm->boot = (struct vcpu_boot_state){
		.rip = l.entry_gpa,
		.rsp = GUEST_STACK_GPA,
		.rsi = l.zero_page_gpa,
		.rflags = X86_RFLAGS_FIXED,
		.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG,
		.cr3 = l.pml4_gpa,
		.cr4 = X86_CR4_PAE,
		.efer = X86_EFER_LME | X86_EFER_LMA,
		.gdt_base = l.gdt_gpa,
		.gdt_limit = LB_GDT_LIMIT,
		.cs = LB_BOOT_CS,
		.ds = LB_BOOT_DS,
	};
	/* ACPI 6.4 §5.2.12.19: a woken processor is in 64-bit mode with
	 * identity-mapped paging; rip is the vector the OS gives. */
	vm->ap_boot = vm->boot;
	vm->ap_boot.rsp = 0;
	vm->ap_boot.rsi = 0;
	vm->ap_boot.cr3 = LB_AP_PML4_GPA;
	vm->ap_boot.gdt_base = LB_AP_GDT_GPA;
	pr_info("vm %s: kernel %s (boot protocol %u.%02u) at 0x%llx, initrd %llu KiB at 0x%llx, %llu MiB RAM at 0x%llx",
		cfg->name, cfg->kernel, bz.protocol >> 8, bz.protocol & 0xff,
		(unsigned long long)l.kernel_gpa,
		(unsigned long long)(l.initrd_size >> 10),
		(unsigned long long)l.initrd_gpa,
		(unsigned long long)(vm->ram_size >> 20),
		(unsigned long long)vm->ram);
	return true;
}

static uint64_t ioapic_mmio_read(void *ctx, uint64_t off, uint8_t size)
{
	return vioapic_read(ctx, off & ~3ull);
}

static void ioapic_mmio_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	vioapic_write(ctx, off & ~3ull, (uint32_t)val);
}

static uint64_t mailbox_mmio_read(void *ctx, uint64_t off, uint8_t size)
{
	struct vm *vm = ctx;

	return mp_mailbox_read(&vm->mailbox, off, size);
}

/* The guest asks for a secondary vCPU (under vm->lock, so one at a time). */
static void wake_ap(struct vm *vm, const struct mp_wakeup_request *req)
{
	struct vcpu *v = req->apic_id < vm->nr_vcpus ? vm->vcpus[req->apic_id] : NULL;

	/* A guest may ask again and again: the log budget bounds the lines. */
	if (!v || v->id == 0) {
		if (vm_log_budget(vm))
			pr_warn("vm %s: MP wakeup of APIC id %u: no such secondary vCPU",
				vm->name, req->apic_id);
		return;
	}
	if (v->power != VCPU_OFF && !v->parked) {
		if (vm_log_budget(vm))
			pr_warn("vm %s: MP wakeup of vCPU %u, which is running: ignored",
				vm->name, v->id);
		return;
	}
	v->start = vm->ap_boot;
	v->start.rip = req->vector;
	__atomic_store_n(&v->power, VCPU_START, __ATOMIC_SEQ_CST);
	vcpu_kick(v);
}

static void mailbox_mmio_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	struct vm *vm = ctx;
	struct mp_wakeup_request req;

	if (!mp_mailbox_write(&vm->mailbox, off, size, val, &req))
		return;
	wake_ap(vm, &req);
	mp_mailbox_ack(&vm->mailbox);
}

static void init_devices(struct vm *vm)
{
	struct mmio_region ioapic = { VIOAPIC_BASE, VIOAPIC_SIZE, ioapic_mmio_read,
				      ioapic_mmio_write, &vm->ioapic };
	struct mmio_region mailbox = { LB_MP_MAILBOX_GPA, LB_MP_MAILBOX_SIZE,
				       mailbox_mmio_read, mailbox_mmio_write, vm };

	spin_lock(&vm->lock); /* console input may arrive from CPU 0 meanwhile */
	vuart_init(&vm->uart, console_emit, vm);
	spin_unlock(&vm->lock);
	vioapic_init(&vm->ioapic, (uint8_t)vm->nr_vcpus, ioapic_deliver, vm);
	vm_add_mmio(vm, &ioapic);
	mp_mailbox_init(&vm->mailbox);
	if (vm->nr_vcpus > 1)
		vm_add_mmio(vm, &mailbox);
	vpm_init(&vm->pm, tsc_hz, rdtsc(), wall_now());
}

/* Everything a (re)start needs, in order: the map, the platform devices, the
 * assigned devices and Linux (load_linux), the second-stage tables and the
 * DMA domain. A restart runs it again on the same RAM, after a scrub. */
static bool vm_build(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const struct boot_module *kernel = boot_module_find(cfg->kernel);
	const struct boot_module *initrd = cfg->initrd[0] ?
		boot_module_find(cfg->initrd) : NULL;
	char why[128];

	gpa_map_init(&vm->map);
	vm->nr_mmio = 0;
	vm->nr_devices = 0;
	vm->conf1_addr = 0;
	init_devices(vm);
	why[0] = '\0';
	if (!load_linux(vm, kernel, initrd) ||
	    backend()->vm_init(vm, why, sizeof(why)) || !assign_finish(vm)) {
		if (why[0])
			vm_error(cfg, "%s", why);
		assign_release(vm);
		return false;
	}
	return true;
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

static bool alloc_vcpus(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = page_alloc(sizeof(*v), PAGE_SIZE, ALLOC_ANYWHERE);

		if (!v)
			return false;
		memset(v, 0, sizeof(*v));
		v->vm = vm;
		v->id = i;
		vlapic_init(&v->lapic, i, i == 0);
		vm->vcpus[i] = v;
	}
	return true;
}

/* Two VMs may restart at once on different pCPUs; a build uses shared
 * scratch (load_linux's command-line buffers, the DMA-test targets, the
 * assigned-device pool), so builds take turns. */
static bool vm_build_locked(struct vm *vm)
{
	static struct spinlock build_lock;
	bool ok;

	spin_lock(&build_lock);
	ok = vm_build(vm);
	spin_unlock(&build_lock);
	return ok;
}

struct vm *vm_create(uint32_t id, const struct vm_config *cfg)
{
	struct vm *vm;

	if (cfg->vcpus > VM_MAX_VCPUS) {
		vm_error(cfg, "property \"vcpus\": %u vCPUs requested, corral runs at most %u per VM",
			 cfg->vcpus, VM_MAX_VCPUS);
		return NULL;
	}
	if (cfg->vcpus > 1 && !backend()->unpaged_guest()) {
		vm_error(cfg, "property \"vcpus\": secondary vCPUs start through 32-bit mode without paging, which this CPU's %s lacks (VT-x: unrestricted guest)",
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
	if (!alloc_vcpus(vm)) {
		vm_error(cfg, "out of memory for its vCPUs");
		vm_free(vm);
		return NULL;
	}
	vm->ram = page_alloc(vm->ram_size, SZ_2M, ALLOC_ANYWHERE);
	if (!vm->ram) {
		vm_error(cfg, "property \"memory-mib\": cannot allocate %u MiB (%llu MiB free)",
			 cfg->memory_mib,
			 (unsigned long long)(page_alloc_free_bytes() >> 20));
		vm_free(vm);
		return NULL;
	}
	if (!vm_build_locked(vm)) {
		vm_free(vm);
		return NULL;
	}
	if (!vm_first_created)
		vm_first_created = vm;
	vm->state = VM_CREATED;
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
	}
	vm_dma_test_report(vm, true);
	/* Running before the epoch moves on: no pCPU may take the stop of
	 * the last run for one of this run (pcpu.c). */
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&vm->epoch, 1, __ATOMIC_SEQ_CST);
	if (vm->nr_vcpus > 1)
		pr_info("vm %s: starting, %u vCPUs, vCPU 0 on cpu %u%s", vm->name,
			vm->nr_vcpus, bsp->pcpu, vm->restarts ? " (restarted)" : "");
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

/* The vCPU stopped: report, release the devices, and either rebuild the VM
 * from the pristine kernel and initrd on scrubbed memory, or retire it.
 * Returns true if it runs again. */
/* One line of what made the VM's vCPUs exit in this run, so that a user
 * (and scripts/bench-exits) can see where the exits go. */
static void report_exits(struct vm *vm)
{
	static const char *const names[NR_EXIT_REASONS] = {
		[EXIT_NONE] = "interrupt", [EXIT_CPUID] = "cpuid",
		[EXIT_RDMSR] = "rdmsr", [EXIT_WRMSR] = "wrmsr", [EXIT_IO] = "io",
		[EXIT_HLT] = "hlt", [EXIT_NPF] = "npf", [EXIT_HYPERCALL] = "hypercall",
		[EXIT_SHUTDOWN] = "shutdown", [EXIT_FAILED] = "failed",
	};
	char line[256];
	size_t len = 0;

	for (int r = 0; r < NR_EXIT_REASONS; r++) {
		uint64_t n = 0;

		for (uint32_t i = 0; i < vm->nr_vcpus; i++)
			n += vm->vcpus[i]->exits_by_reason[r];
		if (n && len < sizeof(line))
			len += snprintf(line + len, sizeof(line) - len, "%s%s %llu",
					len ? ", " : "", names[r], (unsigned long long)n);
	}
	pr_info("vm %s: exits by reason: %s", vm->name, len ? line : "none");
}

bool vm_stopped(struct vm *vm)
{
	uint64_t exits = 0;
	bool again;

	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		for (int r = 0; r < NR_EXIT_REASONS; r++)
			exits += vm->vcpus[i]->exits_by_reason[r];
	vuart_flush(&vm->uart);
	assign_release(vm);
	iommu_poll_faults();
	vm_dma_test_report(vm, false);
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
	memset(vm->ram, 0, vm->ram_size);
	if (again) {
		vm->restarts++;
		uint64_t free = page_alloc_free_bytes();

		pr_info("vm %s: restarting (restart %u, policy %s; %llu KiB free)",
			vm->name, vm->restarts, config_restart_name(vm->cfg->restart),
			(unsigned long long)(free >> 10));
		/* Each run takes the same memory and gives it all back. */
		if (vm->restarts > 1 && free < vm->free_at_restart)
			pr_warn("vm %s: its last run kept %llu KiB after it stopped (a leak)",
				vm->name,
				(unsigned long long)((vm->free_at_restart - free) >> 10));
		vm->free_at_restart = free;
		if (vm_build_locked(vm)) {
			vm_start(vm);
			return true;
		}
		pr_err("vm %s: the restart failed; it stays stopped", vm->name);
	}
	page_free(vm->ram, vm->ram_size);
	__atomic_store_n(&vm->finished, true, __ATOMIC_RELEASE);
	return false;
}
