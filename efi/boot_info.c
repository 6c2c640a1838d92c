// SPDX-License-Identifier: MIT
/*
 * The boot_info header. The struct lives in its own EfiLoaderData pages so
 * that it survives ExitBootServices() and the hypervisor can tell it apart
 * in the memory map. Versioning rules: docs/boot_info.md.
 */
#include <string.h>
#include "uefi.h"
#include "boot_info.h"
#include "pages.h"

EFI_STATUS boot_info_alloc(struct boot_info **out)
{
	EFI_PHYSICAL_ADDRESS addr;
	struct boot_info *bi;
	EFI_STATUS status;

	status = pages_alloc(AllocateAnyPages, sizeof(*bi), "boot_info", &addr);
	if (EFI_ERROR(status))
		return status;
	bi = (struct boot_info *)(UINTN)addr;
	memset(bi, 0, sizeof(*bi));
	bi->magic = BOOT_INFO_MAGIC;
	bi->version_major = BOOT_INFO_VERSION_MAJOR;
	bi->version_minor = BOOT_INFO_VERSION_MINOR;
	bi->size = sizeof(*bi);
	/* Identity-mapped while boot services run (UEFI 2.10 section 2.3.4). */
	bi->efi_system_table_phys = (UINT64)(UINTN)efi_systab;
	*out = bi;
	return EFI_SUCCESS;
}

void boot_info_set_config(struct boot_info *bi, const struct config *cfg)
{
	bi->config_dtb_phys = cfg->file.phys;
	bi->config_dtb_size = cfg->file.size;
	memcpy(bi->config_path, cfg->path, sizeof(bi->config_path));
}
