/* SPDX-License-Identifier: MIT */
/*
 * DMA and interrupt isolation for assigned devices (implemented by iommu/,
 * Intel VT-d today). Every device is blocked until corral attaches it to a
 * VM's domain, whose tables map exactly that VM's RAM.
 */
#ifndef CORRAL_IOMMU_H
#define CORRAL_IOMMU_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <phys_range.h>

struct vm;

/* Finds the remapping units (ACPI DMAR) and turns DMA and interrupt
 * remapping on: 0, or -ENODEV when the platform has none (-EINVAL for a
 * DMAR table it rejects, -ENOMEM). The reason is logged. */
int iommu_init(uint64_t rsdp);
bool iommu_present(void);
bool iommu_irq_remapping(void);
/* Builds the VM's DMA domain from the RAM regions of vm->map: 0, or a
 * negative errno with `why` saying what failed. */
int iommu_domain_create(struct vm *vm, char *why, size_t n);
/* Puts `bdf` into the VM's DMA domain: 0, or a negative errno and `why`. */
int iommu_attach(struct vm *vm, uint16_t bdf, char *why, size_t n);
/* Takes `bdf` out of every domain (its DMA is blocked from then on): 0, or
 * -EIO/-ETIMEDOUT when the unit did not confirm the invalidation. */
int iommu_detach(uint16_t bdf);
/* Can `bdf` be assigned with full isolation: a unit covers it, with DMA
 * and interrupt remapping on? 0, or -ENODEV / -ENOTSUP with `why`. */
int iommu_device_check(uint16_t bdf, char *why, size_t n);
/* The remapping units' register pages, at most max; returns how many. */
size_t iommu_register_ranges(struct phys_range *out, size_t max);
/* Do the device's MSIs go through interrupt remapping? */
bool iommu_remaps_interrupts(uint16_t bdf);
/* An interrupt-remapping entry: interrupts from `bdf` at `index` reach host
 * vector `vector` on the CPU with APIC id `dest`. 0, -ENODEV without
 * interrupt remapping, or -ENOSPC when the table is full. */
int iommu_irte_alloc(uint16_t bdf, uint8_t vector, uint32_t dest,
		     uint16_t *index);
/* Rewrites entry `index`; like every IRTE change, returns only once every
 * unit's interrupt entry cache has let go of the old entry: 0, or -EIO. */
int iommu_irte_update(uint16_t index, uint16_t bdf, uint8_t vector,
		      uint32_t dest);
void iommu_irte_free(uint16_t index);
/* The MSI address/data a device must send to raise remapped entry `index`. */
void iommu_msi_message(uint16_t index, uint32_t *addr_lo, uint32_t *addr_hi,
		       uint32_t *data);
/* The vector of a compatibility-format MSI as a guest programs it; false if
 * (addr, data) is not one. */
bool msi_guest_vector(uint64_t addr, uint32_t data, uint8_t *vector);
/* Logs and counts recorded faults, rate-limited per device and per VM;
 * cheap when there are none. */
void iommu_poll_faults(void);
/* At a VM's stop: one line for the faults of its devices that the rate
 * limit kept out of the log. */
void iommu_fault_summary(struct vm *vm);

#endif
