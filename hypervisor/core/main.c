// SPDX-License-Identifier: MIT
/*
 * The hypervisor's C entry: from the loader's boot_info to running VMs, and
 * power-off once every VM has stopped. See docs/boot-flow.md.
 */
#include <host/spec_barriers.h>
#include <host/mce.h>
#include <host/acpi.h>
#include <host/boot.h>
#include <guest/config.h>
#include <libfdt.h>
#include <host/log.h>
#include <arch/msr.h>
#include <string.h>
#include <mm/page_alloc.h>
#include <mm/paging.h>
#include <core/backend.h>
#include <core/pcpu_loop.h>
#include <host/pci.h>
#include <core/iommu.h>
#include <host/host_ioapic.h>
#include <host/percpu.h>
#include <host/power.h>
#include <host/serial.h>
#include <host/smp.h>
#include <host/timekeeping.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <arch/x86.h>

#ifndef CORRAL_VERSION
#define CORRAL_VERSION "0.0.0"
#endif

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define XAPIC_LVT_TIMER 0xfee00320ull
#define LVT_MASKED (1u << 16)

static const char banner[] = "corral " CORRAL_VERSION ": hypervisor starting";
static struct system_config config;
static struct vm *vms[CONFIG_MAX_VMS];
static uint32_t nr_vms;

static void check_boot_info(const struct boot_info *bi)
{
	if (bi->magic != BOOT_INFO_MAGIC)
		panic("boot_info at %p has a bad magic: not started by corral.efi?",
		      bi);
	if (bi->version_major != BOOT_INFO_VERSION_MAJOR)
		panic("boot_info version %u.%u, this hypervisor speaks %u.x: rebuild corral.efi and corral.elf together",
		      bi->version_major, bi->version_minor,
		      BOOT_INFO_VERSION_MAJOR);
}

/* The firmware may leave the 8259s and the LAPIC timer running; corral
 * takes no host interrupts, so they are masked rather than serviced. */
static void quiesce_host_interrupts(void)
{
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
	if (!(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_EXTD))
		*(volatile uint32_t *)XAPIC_LVT_TIMER |= LVT_MASKED;
}

static void report_config(void *ctx, enum config_severity sev, const char *node,
			  const char *prop, const char *msg)
{
	if (prop)
		log_msg(sev == CONFIG_ERROR ? LOG_ERROR : LOG_WARN,
			"config %s: %s property \"%s\": %s",
			boot_info->config_path, node, prop, msg);
	else
		log_msg(sev == CONFIG_ERROR ? LOG_ERROR : LOG_WARN,
			"config %s: %s: %s", boot_info->config_path, node, msg);
}

static void load_config(void)
{
	int valid = config_parse((const void *)boot_info->config_dtb_phys,
				 boot_info->config_dtb_size, &config,
				 report_config, NULL);

	if (valid < 0)
		pr_err("config %s is unusable: no VM starts",
		       boot_info->config_path);
	else
		pr_info("config %s: %u VM(s), %d valid", boot_info->config_path,
			config.nr_vms, valid);
}

/* `cpus = <a b ...>` puts vCPU i on pCPU cpus[i % n]; VMs without it
 * have their vCPUs spread round-robin, so a VM's vCPUs land on different
 * pCPUs. */
static int place(struct vm *vm, uint32_t *next)
{
	const struct vm_config *cfg = vm->cfg;

	for (uint32_t i = 0; i < cfg->nr_cpus; i++) {
		if (cfg->cpus[i] >= nr_cpus) {
			pr_err("vm %s (%s): property \"cpus\": CPU %u does not exist (%u found); this VM does not start",
			       vm->name, cfg->node, cfg->cpus[i], nr_cpus);
			return -EINVAL;
		}
	}
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i]->pcpu = cfg->nr_cpus ?
					     cfg->cpus[i % cfg->nr_cpus] :
					     (*next)++ % nr_cpus;
	if (pcpu_add_vm(vm)) {
		pr_err("vm %s: too many vCPUs on one pCPU; this VM does not start",
		       vm->name);
		return -EINVAL;
	}
	return 0;
}

static void create_vms(void)
{
	uint32_t next = 0;

	for (uint32_t i = 0; i < config.nr_vms; i++) {
		struct vm *vm;

		if (!config.vms[i].valid)
			continue;
		vm = vm_create(i, &config.vms[i]);
		if (vm && !place(vm, &next))
			vms[nr_vms++] = vm;
	}
	pcpu_set_vm_list(vms, nr_vms);
	for (uint32_t i = 0; i < nr_vms; i++)
		vm_start(vms[i]);
}

static void wait_for_all_vms(void)
{
	for (uint32_t i = 0; i < nr_vms; i++)
		while (!__atomic_load_n(&vms[i]->finished, __ATOMIC_ACQUIRE))
			cpu_relax();
}

/* What each CPU does once it runs corral's code, before any VM. */
static void setup_cpu(struct percpu *pc)
{
	mce_cpu_init();
	backend_enable_cpu(pc);
}

void hv_main(const struct boot_info *bi)
{
	struct percpu *bsp;

	serial_init();
	log_raw_line("", banner, sizeof(banner) - 1);
	check_boot_info(bi);
	boot_info = bi;
	page_alloc_init(bi);
	paging_init();
	bsp = percpu_alloc(0, cpuid(1).ebx >> 24);
	cpu_init(bsp);
	page_alloc_add_boot_services();
	quiesce_host_interrupts();
	timekeeping_init();
	backend_probe_and_select();
	spec_barriers_init();
	smp_init(bsp, setup_cpu);
	pci_init(bi->acpi_rsdp_phys);
	host_ioapic_init(bi->acpi_rsdp_phys);
	iommu_init(bi->acpi_rsdp_phys);
	load_config();
	create_vms();
	smp_release_aps(pcpu_loop);
	pcpu_loop(0);
	wait_for_all_vms();
	pr_info("all VMs stopped, powering off");
	machine_power_off();
}
