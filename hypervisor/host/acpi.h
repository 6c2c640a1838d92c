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

/* Finds the host CPUs in the MADT (ACPI 6.5, 5.2.12): 0, or -ENOENT if the
 * firmware gave no usable RSDP/XSDT/MADT. */
int acpi_find_cpus(uint64_t rsdp_phys, struct acpi_cpus *out);
/* A table listed in the XSDT (or RSDT) with a valid checksum, or NULL.
 * The table starts with the standard 36-byte header; its length is at +4. */
const void *acpi_find_table(uint64_t rsdp_phys, const char *sig);

#define ACPI_HEADER_SIZE 36
static inline uint32_t acpi_table_length(const void *t)
{
	return *(const uint32_t *)((const uint8_t *)t + 4);
}

#endif
