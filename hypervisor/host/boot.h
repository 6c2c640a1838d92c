/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_BOOT_H
#define CORRAL_BOOT_H
#include <corral/boot_info.h>

extern const struct boot_info *boot_info;

/* The file the loader read for `path` (as the config spells it), or NULL. */
const struct boot_module *boot_module_find(const char *path);

#endif
