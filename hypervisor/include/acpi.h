/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_ACPI_H
#define CORRAL_ACPI_H
#include <stdint.h>
#include <stdbool.h>

#define ACPI_MAX_CPUS 64

struct acpi_cpus {
	uint32_t nr;
	uint32_t apic_id[ACPI_MAX_CPUS];
	uint64_t lapic_base;
};

/* Finds the host CPUs in the MADT (ACPI 6.5, 5.2.12). false if the firmware
 * gave no usable RSDP/XSDT/MADT. */
bool acpi_find_cpus(uint64_t rsdp_phys, struct acpi_cpus *out);

#endif
