/* SPDX-License-Identifier: MIT */
/* The system configuration: a flattened device tree on the loader's volume. */
#ifndef CORRAL_EFI_CONFIG_H
#define CORRAL_EFI_CONFIG_H

#include <corral/boot_info.h>
#include "uefi.h"
#include "file.h"

#define CONFIG_DEFAULT_PATH "\\corral\\system.dtb"
#define CONFIG_COMPATIBLE "corral,system-1"
#define CONFIG_VMS_NODE "/vms"

struct config {
	char path
		[BOOT_MODULE_PATH_MAX]; /* as given, for messages and boot_info */
	struct loaded_file file; /* stays loaded: the hypervisor parses it */
	const void *fdt;
	int vms_offset; /* of the /vms node */
};

/*
 * Reads the config named on the command line (see cmdline.h), else
 * CONFIG_DEFAULT_PATH, and checks that it is a corral system config:
 * a sound FDT header, no longer than the file, root compatible
 * CONFIG_COMPATIBLE, and a /vms node. Errors name the file.
 */
EFI_STATUS config_load(EFI_FILE_HANDLE root, const EFI_LOADED_IMAGE *image,
		       struct config *cfg);

#endif /* CORRAL_EFI_CONFIG_H */
