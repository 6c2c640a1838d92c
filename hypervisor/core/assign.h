/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_ASSIGN_H
#define CORRAL_ASSIGN_H
#include <stdbool.h>
#include <stdint.h>

#define PCI_CONF1_ADDR_PORT 0xcf8 /* PCI 3.0 3.2.2.3.2 */
#define PCI_CONF1_DATA_PORT 0xcfc

struct vm;
struct guest_acpi_params;

/* Claims, resets and maps the config's pci-devices into the VM (before its
 * second-stage tables are built). 0, or a negative errno after the error
 * was reported naming the device. */
int assign_devices(struct vm *vm);
/* After the backend built its tables: DMA domain, context entries, I/O
 * ports. 0, or a negative errno after the error was reported. */
int assign_finish(struct vm *vm);
/* Guest configuration mechanism #1 (0xcf8/0xcfc); true if handled. */
bool assign_conf1(struct vm *vm, uint16_t port, uint8_t size, bool in,
		  uint32_t *val);
/* Fills the PCI part of the guest's ACPI tables (root bridge, windows, MCFG). */
void assign_acpi_params(struct vm *vm, struct guest_acpi_params *ap);
/* Resets the devices and releases them (VM stop). */
void assign_release(struct vm *vm);

#endif
