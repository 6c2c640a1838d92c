// SPDX-License-Identifier: MIT
#include <host/boot.h>
#include <string.h>

const struct boot_info *boot_info;

const struct boot_module *boot_module_find(const char *path)
{
	for (uint32_t i = 0;
	     i < boot_info->nr_modules && i < BOOT_INFO_MAX_MODULES; i++)
		if (!strncmp(boot_info->modules[i].path, path,
			     BOOT_MODULE_PATH_MAX))
			return &boot_info->modules[i];
	return NULL;
}
