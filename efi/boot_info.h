/* SPDX-License-Identifier: MIT */
/* Creating the hand-off record (include/corral/boot_info.h). */
#ifndef CORRAL_EFI_BOOT_INFO_H
#define CORRAL_EFI_BOOT_INFO_H

#include <corral/boot_info.h>
#include "uefi.h"
#include "config.h"

/*
 * Allocates a zeroed struct boot_info in EfiLoaderData and fills the
 * header (magic, versions, size) and efi_system_table_phys.
 */
EFI_STATUS boot_info_alloc(struct boot_info **out);

/* Records the config blob (which stays loaded) and its path. */
void boot_info_set_config(struct boot_info *bi, const struct config *cfg);

#endif /* CORRAL_EFI_BOOT_INFO_H */
