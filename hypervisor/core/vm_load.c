// SPDX-License-Identifier: MIT
/*
 * Loading a stock Linux kernel into a VM: its guest-physical RAM map, its
 * ACPI tables, and the kernel, initrd and command line placed by the 64-bit
 * boot protocol (Documentation/arch/x86/boot.rst), with the register state
 * vCPU 0 and the secondary vCPUs start from.
 */
#include <core/assign.h>
#include <core/dma_test.h>
#include <core/vm.h>
#include <core/vm_load.h>
#include <core/vm_pci.h>
#include <core/client_dev.h>
#include <core/vm_channel.h>
#include <guest/bzimage.h>
#include <guest/guest_acpi.h>
#include <guest/linux_boot.h>
#include <host/boot.h>
#include <host/log.h>
#include <arch/x86.h>
#include <format.h>
#include <string.h>

#define GUEST_STACK_GPA \
	0x8ff0 /* below the boot page tables; Linux sets its own */

static int map_ram(struct vm *vm, const struct linux_layout *l, uint64_t hpa)
{
	int err;

	if (vm->nr_vcpus > 1) {
		/* The MP wakeup mailbox is a hole: corral emulates it. */
		uint64_t after = LB_MP_MAILBOX_GPA + LB_MP_MAILBOX_SIZE;

		err = gpa_map_add(&vm->map, 0, hpa, LB_MP_MAILBOX_GPA, GPA_RWX,
				  GPA_MEM_WB);
		if (!err)
			err = gpa_map_add(&vm->map, after, hpa + after,
					  l->low_ram_end - after, GPA_RWX,
					  GPA_MEM_WB);
	} else {
		err = gpa_map_add(&vm->map, 0, hpa, l->low_ram_end, GPA_RWX,
				  GPA_MEM_WB);
	}

	if (!err && l->high_ram_size)
		err = gpa_map_add(&vm->map, LB_HIGH_RAM_GPA,
				  hpa + l->low_ram_end, l->high_ram_size,
				  GPA_RWX, GPA_MEM_WB);
	if (err)
		vm_error(vm->cfg, "guest-physical map: %s",
			 gpa_map_strerror(err));
	return err;
}

static int build_acpi(struct vm *vm, uint64_t *rsdp)
{
	struct guest_acpi_params ap = {
		.base_gpa = LB_ACPI_GPA,
		.nr_vcpus = vm->nr_vcpus,
		.ioapic_id = (uint8_t)vm->nr_vcpus, /* after the LAPIC ids */
		.mp_wakeup_mailbox = vm->nr_vcpus > 1 ? LB_MP_MAILBOX_GPA : 0,
	};

	vm_pci_acpi_params(vm, &ap);
	assign_acpi_params(vm, &ap);
	client_devs_acpi_params(vm, &ap);
	vm_channel_acpi_params(vm, &ap);
	if (!guest_acpi_build(vm->ram + LB_ACPI_GPA, LB_ACPI_SIZE, &ap, rsdp)) {
		vm_error(vm->cfg, "cannot build the ACPI tables");
		return -ENOSPC;
	}
	return 0;
}

int vm_load_linux(struct vm *vm, const struct boot_module *kernel,
		  const struct boot_module *initrd)
{
	const struct vm_config *cfg = vm->cfg;
	static char cmdline[CONFIG_BOOTARGS_MAX + 128];
	static char bootargs[CONFIG_BOOTARGS_MAX + 64];
	struct bzimage_info bz;
	struct linux_layout l;
	uint64_t rsdp;
	const char *why;
	int err;

	if (bzimage_parse((void *)kernel->phys, kernel->size, &bz, &why)) {
		vm_error(cfg, "property \"kernel\": %s: %s", cfg->kernel, why);
		return -EINVAL;
	}
	snprintf(bootargs, sizeof(bootargs), "%s", cfg->bootargs);
	if (vm->restarts) {
		size_t len = strlen(bootargs);

		/* The guest may want to know (tests stage their work on it). */
		snprintf(bootargs + len, sizeof(bootargs) - len,
			 " corral.restart=%u", vm->restarts);
	}
	if (cfg->test_dma_targets)
		dma_test_bootargs(vm, bootargs, sizeof(bootargs));
	if (linux_build_cmdline(cmdline, sizeof(cmdline), bootargs, cfg->name,
				bz.cmdline_size) < 0) {
		vm_error(
			cfg,
			"property \"bootargs\": too long for this kernel (%u bytes)",
			bz.cmdline_size);
		return -EINVAL;
	}
	if (linux_layout_plan(&bz, vm->ram_size, initrd ? initrd->size : 0,
			      strlen(cmdline), &l, &why)) {
		vm_error(cfg, "property \"memory-mib\": %s", why);
		return -EINVAL;
	}
	err = map_ram(vm, &l, (uint64_t)vm->ram);
	if (!err)
		err = assign_devices(vm);
	if (!err)
		err = client_devs_attach(vm);
	if (!err)
		err = vm_channel_attach(vm);
	if (!err)
		err = vm_pci_finish(vm);
	if (!err)
		err = build_acpi(vm, &rsdp);
	if (err)
		return err;
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
	return 0;
}
