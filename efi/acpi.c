// SPDX-License-Identifier: MIT
/*
 * The RSDP is published in the EFI configuration table (UEFI 2.10 section
 * 4.6, "EFI Configuration Table & Properties Table"), under
 * EFI_ACPI_20_TABLE_GUID for ACPI 2.0 and later and ACPI_TABLE_GUID for
 * ACPI 1.0 (section 4.6.1.1). The 2.0 entry has the XSDT, so it wins.
 */
#include <string.h>
#include "uefi.h"
#include "acpi.h"
#include "console.h"

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static UINT64 config_table_lookup(const EFI_GUID *guid)
{
	const EFI_CONFIGURATION_TABLE *t = efi_systab->ConfigurationTable;

	for (UINTN i = 0; i < efi_systab->NumberOfTableEntries; i++) {
		if (!memcmp(&t[i].VendorGuid, guid, sizeof(*guid)))
			return (UINT64)(UINTN)t[i].VendorTable;
	}
	return 0;
}

UINT64 acpi_find_rsdp(void)
{
	UINT64 rsdp = config_table_lookup(&acpi20_guid);

	if (rsdp) {
		con_info("ACPI 2.0+ RSDP at 0x%llx", (unsigned long long)rsdp);
		return rsdp;
	}
	rsdp = config_table_lookup(&acpi10_guid);
	if (rsdp) {
		con_info("ACPI 1.0 RSDP at 0x%llx", (unsigned long long)rsdp);
		return rsdp;
	}
	con_info("no ACPI tables from firmware");
	return 0;
}
