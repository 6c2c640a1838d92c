/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_ASSIGN_H
#define CORRAL_ASSIGN_H
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct guest_acpi_params;

/* Claims, resets and maps the config's pci-devices into the VM (before its
 * second-stage tables are built). 0, or a negative errno after the error
 * was reported naming the device. */
int assign_devices(struct vm *vm);
/* After the backend built its tables: DMA domain, context entries, I/O
 * ports. 0, or a negative errno after the error was reported. */
int assign_finish(struct vm *vm);
/* The assigned BARs' windows and INTx routing in the guest's ACPI tables
 * (vm_pci_acpi_params() gave the rest). */
void assign_acpi_params(struct vm *vm, struct guest_acpi_params *ap);
/* Resets the devices and releases them (VM stop). */
void assign_release(struct vm *vm);

#endif
