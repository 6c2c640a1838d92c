/* SPDX-License-Identifier: MIT */
/* Loading a stock Linux kernel into a VM (core/vm_load.c). */
#ifndef CORRAL_CORE_VM_LOAD_H
#define CORRAL_CORE_VM_LOAD_H

struct vm;
struct boot_module;

/* Maps the VM's RAM, assigns its devices, builds its ACPI tables and places
 * Linux (kernel, initrd, command line) in its RAM, with the register state
 * its vCPUs start from: 0, or a negative errno after the error was logged
 * naming the VM. */
int vm_load_linux(struct vm *vm, const struct boot_module *kernel,
		  const struct boot_module *initrd);

#endif
