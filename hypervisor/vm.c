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
#include <vcpu.h>
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

	/* One vCPU per VM for now: every destination is vCPU 0. */
	if (m->delivery_mode == 0 || m->delivery_mode == 1)
		vlapic_set_irq(&vm->vcpus[0]->lapic, m->vector, m->level);
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

	if (vm->state == VM_STOPPED)
		return;
	va_start(ap, fmt);
	vsnprintf(vm->stop_detail, sizeof(vm->stop_detail), fmt, ap);
	va_end(ap);
	vm->stop_reason = why;
	vm->state = VM_STOPPED;
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
	const char *why = gpa_map_add(&vm->map, 0, hpa, l->low_ram_end, GPA_RWX,
				      GPA_MEM_WB);

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
	struct guest_acpi_params ap = { .base_gpa = LB_ACPI_GPA, .nr_vcpus = 1,
					.ioapic_id = 1 };

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

static void init_devices(struct vm *vm)
{
	struct mmio_region ioapic = { VIOAPIC_BASE, VIOAPIC_SIZE, ioapic_mmio_read,
				      ioapic_mmio_write, &vm->ioapic };

	vuart_init(&vm->uart, console_emit, vm);
	vioapic_init(&vm->ioapic, 1, ioapic_deliver, vm);
	vm_add_mmio(vm, &ioapic);
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

struct vm *vm_create(uint32_t id, const struct vm_config *cfg)
{
	struct vm *vm;

	if (cfg->vcpus > VM_MAX_VCPUS) {
		vm_error(cfg, "property \"vcpus\": %u vCPUs requested, corral runs %u per VM so far",
			 cfg->vcpus, VM_MAX_VCPUS);
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
	vm->id = id;
	vm->cfg = cfg;
	vm->name = cfg->name;
	vm->nr_vcpus = 1;
	vm->ram_size = (uint64_t)cfg->memory_mib << 20;
	vm->ram = page_alloc(vm->ram_size, SZ_2M, ALLOC_ANYWHERE);
	if (!vm->ram) {
		vm_error(cfg, "property \"memory-mib\": cannot allocate %u MiB (%llu MiB free)",
			 cfg->memory_mib,
			 (unsigned long long)(page_alloc_free_bytes() >> 20));
		page_free(vm, sizeof(*vm));
		return NULL;
	}
	if (!vm_build(vm)) {
		page_free(vm->ram, vm->ram_size);
		page_free(vm, sizeof(*vm));
		return NULL;
	}
	vm->vcpus[0] = page_alloc(sizeof(struct vcpu), PAGE_SIZE, ALLOC_ANYWHERE);
	if (!vm->vcpus[0]) {
		vm_error(cfg, "out of memory for its vCPU");
		assign_release(vm);
		page_free(vm->ram, vm->ram_size);
		page_free(vm, sizeof(*vm));
		return NULL;
	}
	vm->vcpus[0]->vm = vm;
	vlapic_init(&vm->vcpus[0]->lapic, 0, true);
	if (!vm_first_created)
		vm_first_created = vm;
	vm->state = VM_CREATED;
	return vm;
}

/* Runs on the VM's pCPU (the VMCS/VMCB lives there): arms the vCPU for its
 * first instruction. */
bool vm_start(struct vm *vm)
{
	struct vcpu *v = vm->vcpus[0];
	char why[128];

	if (v->arch)
		backend()->vcpu_destroy(v);
	memset(v->gpr, 0, sizeof(v->gpr));
	if (this_cpu()->fpu_owner == &v->fpu)
		this_cpu()->fpu_owner = NULL; /* a fresh start, nothing to keep */
	fpu_area_init(&v->fpu);
	vlapic_init(&v->lapic, 0, true);
	v->kvmclock_gpa = 0;
	if (backend()->vcpu_init(v, &vm->boot, why, sizeof(why))) {
		vm_error(vm->cfg, "%s", why);
		vm_stop(vm, VM_STOP_ERROR, "%s", why);
		return false;
	}
	vm->start_tsc = rdtsc();
	v->exits = 0;
	vm->log_lines = 0;
	vm->nr_msr_logged = 0;
	memset(vm->io_logged, 0, sizeof(vm->io_logged));
	vm->stop_reason = VM_STOP_NONE;
	vm->stop_detail[0] = '\0';
	vm_dma_test_report(vm, true);
	vm->state = VM_RUNNING;
	pr_info("vm %s: starting on cpu %u%s", vm->name, vm->pcpu,
		vm->restarts ? " (restarted)" : "");
	return true;
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
bool vm_stopped(struct vm *vm)
{
	struct vcpu *v = vm->vcpus[0];
	bool again;

	vuart_flush(&vm->uart);
	assign_release(vm);
	iommu_poll_faults();
	vm_dma_test_report(vm, false);
	pr_info("vm %s: %s (%s) after %llu exits", vm->name,
		vm_stop_reason_name(vm->stop_reason), vm->stop_detail,
		(unsigned long long)v->exits);
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
		pr_info("vm %s: restarting (restart %u, policy %s)", vm->name,
			vm->restarts, config_restart_name(vm->cfg->restart));
		if (vm_build(vm) && vm_start(vm))
			return true;
		pr_err("vm %s: the restart failed; it stays stopped", vm->name);
	}
	page_free(vm->ram, vm->ram_size);
	__atomic_store_n(&vm->finished, true, __ATOMIC_RELEASE);
	return false;
}
