// SPDX-License-Identifier: MIT
/* A VM's PCI bus 0 (core/vm_pci.h). */
#include <core/vm.h>
#include <core/vm_pci.h>
#include <errno.h>
#include <guest/guest_acpi.h>
#include <host/log.h>
#include <host/pci.h>
#include <mm/page_alloc.h>
#include <vdev/vpci.h>

#define CONF1_ENABLE 0x80000000u
#define GUEST_ECAM_FALLBACK 0xe0000000ull
#define GUEST_ECAM_SIZE 0x100000ull /* bus 0 only */

void vm_pci_reset(struct vm *vm)
{
	vm->nr_pci_fns = 0;
	vm->conf1_addr = 0;
}

static const struct vm_pci_fn *fn_at(const struct vm *vm, uint8_t devfn)
{
	for (uint32_t i = 0; i < vm->nr_pci_fns; i++)
		if (vm->pci_fns[i].devfn == devfn)
			return &vm->pci_fns[i];
	return NULL;
}

int vm_pci_add(struct vm *vm, const struct vm_pci_fn *fn)
{
	if (!fn->devfn || fn_at(vm, fn->devfn))
		return -EEXIST;
	if (vm->nr_pci_fns == VM_MAX_PCI_FNS)
		return -ENOSPC;
	vm->pci_fns[vm->nr_pci_fns++] = *fn;
	return 0;
}

/* The host bridge at devfn 0, a function, or nothing (all ones). */
static uint32_t cfg_read(struct vm *vm, uint8_t devfn, uint16_t off,
			 uint8_t size)
{
	const struct vm_pci_fn *f = fn_at(vm, devfn);

	if (devfn == 0)
		return vpci_host_bridge_read(off, size);
	return f ? f->read(f->ctx, off, size) : 0xffffffffu;
}

static void cfg_write(struct vm *vm, uint8_t devfn, uint16_t off, uint8_t size,
		      uint32_t val)
{
	const struct vm_pci_fn *f = fn_at(vm, devfn);

	if (f)
		f->write(f->ctx, off, size, val);
}

bool vm_pci_conf1(struct vm *vm, uint16_t port, uint8_t size, bool in,
		  uint32_t *val)
{
	uint32_t a = vm->conf1_addr;
	uint16_t off = (a & 0xfc) | (port - PCI_CONF1_DATA_PORT);

	if (port == PCI_CONF1_ADDR_PORT && size == 4) {
		if (in)
			*val = vm->conf1_addr;
		else
			vm->conf1_addr = *val;
		return true;
	}
	if (port < PCI_CONF1_DATA_PORT || port >= PCI_CONF1_DATA_PORT + 4)
		return false;
	/* A VM without functions has no PCI at all: every read finds
	 * nothing (PCI 3.0 6.1). Only bus 0 exists otherwise. */
	if (!vm->nr_pci_fns || !(a & CONF1_ENABLE) || ((a >> 16) & 0xff)) {
		if (in)
			*val = 0xffffffff;
		return true;
	}
	if (in)
		*val = cfg_read(vm, (a >> 8) & 0xff, off, size);
	else
		cfg_write(vm, (a >> 8) & 0xff, off, size, *val);
	return true;
}

static uint64_t ecam_base_for_guests(void)
{
	/* The host's own ECAM window is never a BAR, so it cannot collide
	 * with the 1:1-mapped BARs of assigned functions. */
	return pci_uses_ecam() ? pci_ecam_base() : GUEST_ECAM_FALLBACK;
}

static uint64_t ecam_read(void *ctx, uint64_t off, uint8_t size)
{
	if (off >> 20)
		return ~0ull; /* only bus 0 exists */
	return cfg_read(ctx, (off >> 12) & 0xff, off & 0xfff, size);
}

static void ecam_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	if (!(off >> 20))
		cfg_write(ctx, (off >> 12) & 0xff, off & 0xfff, size,
			  (uint32_t)val);
}

int vm_pci_finish(struct vm *vm)
{
	struct mmio_region ecam = { ecam_base_for_guests(), GUEST_ECAM_SIZE,
				    ecam_read, ecam_write, vm };

	if (vm->nr_pci_fns && vm_add_mmio(vm, &ecam)) {
		pr_err("vm %s: too many emulated regions", vm->name);
		return -ENOSPC;
	}
	return 0;
}

void vm_pci_acpi_params(struct vm *vm, struct guest_acpi_params *ap)
{
	if (!vm->nr_pci_fns)
		return;
	ap->pci = true;
	ap->ecam_base = ecam_base_for_guests();
	ap->bus_end = 0;
}

void vm_pci_acpi_window(struct guest_acpi_params *ap, uint64_t base,
			uint64_t size)
{
	uint64_t end = base + size - 1;
	uint64_t *lo = base >= SZ_4G ? &ap->mmio64_base : &ap->mmio32_base;
	uint64_t *hi = base >= SZ_4G ? &ap->mmio64_end : &ap->mmio32_end;

	if (!size)
		return;
	if (*hi <= *lo) { /* no window yet */
		*lo = base;
		*hi = end;
		return;
	}
	if (base < *lo)
		*lo = base;
	if (end > *hi)
		*hi = end;
}
