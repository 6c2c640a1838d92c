/* SPDX-License-Identifier: MIT */
/* The guest files a config names: "kernel" and "initrd" of each /vms/<vm>. */
#ifndef CORRAL_EFI_CONFIG_FILES_H
#define CORRAL_EFI_CONFIG_FILES_H

#include <corral/boot_info.h>
#include "uefi.h"
#include "config.h"

/*
 * Loads every distinct string value of the properties in
 * CONFIG_FILE_PROPS of every subnode of /vms into bi->modules[], with the
 * path as the config spells it. Errors name the file, node and property.
 */
EFI_STATUS config_files_load(EFI_FILE_HANDLE root, const struct config *cfg,
			     struct boot_info *bi);

#endif /* CORRAL_EFI_CONFIG_FILES_H */
