/* SPDX-License-Identifier: MIT */
/* Where the firmware's ACPI tables start. */
#ifndef CORRAL_EFI_ACPI_H
#define CORRAL_EFI_ACPI_H

#include "uefi.h"

/*
 * The RSDP address from the EFI configuration table: the ACPI 2.0+ entry
 * if there is one, else the ACPI 1.0 entry, else 0 (OVMF under Bochs has
 * none) with the message "no ACPI tables from firmware".
 */
UINT64 acpi_find_rsdp(void);

#endif /* CORRAL_EFI_ACPI_H */
