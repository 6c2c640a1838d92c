/* SPDX-License-Identifier: MIT */
/* A config path given on the loader's command line (LoadOptions). */
#ifndef CORRAL_EFI_CMDLINE_H
#define CORRAL_EFI_CMDLINE_H

#include <stdbool.h>
#include "uefi.h"

/*
 * Looks for the first whitespace-separated word in image->LoadOptions that
 * ends in ".dtb" (any case), e.g. "BOOTX64.EFI \corral\demo.dtb" from the
 * UEFI shell. Copies it to `out` as ASCII and sets *found. A matching word
 * that is not ASCII or does not fit in `cap` is an error.
 */
EFI_STATUS cmdline_config_path(const EFI_LOADED_IMAGE *image, char *out,
			       UINTN cap, bool *found);

#endif /* CORRAL_EFI_CMDLINE_H */
