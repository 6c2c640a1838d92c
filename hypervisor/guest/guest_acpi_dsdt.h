/* SPDX-License-Identifier: MIT */
/* The guest's DSDT, in AML (guest/guest_acpi_dsdt.c); guest_acpi.c wraps it
 * in its table header. */
#ifndef CORRAL_GUEST_ACPI_DSDT_H
#define CORRAL_GUEST_ACPI_DSDT_H
#include <guest/guest_acpi.h>

/*
 * Writes the DSDT's AML (the definition block
 * body that follows the table header) into aml[0..cap). Returns the bytes
 * written, or 0 if cap is too small.
 */
size_t guest_acpi_dsdt_aml(uint8_t *aml, size_t cap,
			   const struct guest_acpi_params *p);

#endif
