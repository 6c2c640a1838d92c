/* SPDX-License-Identifier: MIT */
/*
 * A VM's PCI bus 0 (docs/virtual-pci.md): the read-only host bridge at
 * 00:00.0 and the functions corral puts behind it, assigned ones
 * (core/assign.c) and emulated ones (core/virtio_dev.c). Configuration
 * mechanism #1 (0xcf8/0xcfc) and ECAM both reach them. A VM without
 * functions has no PCI at all.
 */
#ifndef CORRAL_VM_PCI_H
#define CORRAL_VM_PCI_H
#include <stdbool.h>
#include <stdint.h>

#define PCI_CONF1_ADDR_PORT 0xcf8 /* PCI 3.0 3.2.2.3.2 */
#define PCI_CONF1_DATA_PORT 0xcfc
#define VM_MAX_PCI_FNS 16

struct vm;
struct guest_acpi_params;

/* One function's configuration space: `size` bytes at `off` (< 0x1000,
 * aligned to size). */
struct vm_pci_fn {
	uint8_t devfn;
	uint32_t (*read)(void *ctx, uint16_t off, uint8_t size);
	void (*write)(void *ctx, uint16_t off, uint8_t size, uint32_t val);
	void *ctx;
};

/* Before a (re)build: no functions. */
void vm_pci_reset(struct vm *vm);
/* 0, -EEXIST (devfn taken or 0) or -ENOSPC. */
int vm_pci_add(struct vm *vm, const struct vm_pci_fn *fn);
/* Once every function is added: the ECAM region, if there are any. */
int vm_pci_finish(struct vm *vm);
/* Configuration mechanism #1; true if handled. */
bool vm_pci_conf1(struct vm *vm, uint16_t port, uint8_t size, bool in,
		  uint32_t *val);
/* The PCI part of the guest's ACPI tables: MCFG and the root bridge, if
 * the VM has functions. Windows are added with vm_pci_acpi_window(). */
void vm_pci_acpi_params(struct vm *vm, struct guest_acpi_params *ap);
/* Makes the root bridge's memory windows (below and above 4 GiB) cover
 * [base, base + size). */
void vm_pci_acpi_window(struct guest_acpi_params *ap, uint64_t base,
			uint64_t size);

#endif
