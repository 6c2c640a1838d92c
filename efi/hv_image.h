/* SPDX-License-Identifier: MIT */
/* The hypervisor image, \corral\corral.elf, loaded and relocated. */
#ifndef CORRAL_EFI_HV_IMAGE_H
#define CORRAL_EFI_HV_IMAGE_H

#include <corral/boot_info.h>
#include "uefi.h"

#define HV_IMAGE_PATH "\\corral\\corral.elf"

/*
 * The image base is 2 MiB aligned (so the hypervisor can map itself with
 * large pages) and below 4 GiB (so 32-bit code such as the AP trampoline
 * can reach it).
 */
#define HV_IMAGE_ALIGN MIB(2)
#define HV_IMAGE_MAX_ADDR ADDR_MAX_BELOW_4G

/*
 * Reads, checks, places and relocates the image; sets bi->hv_phys_base and
 * bi->hv_phys_size and returns the physical entry point in *entry. The
 * file's own copy is freed again.
 */
EFI_STATUS hv_image_load(EFI_FILE_HANDLE root, struct boot_info *bi,
			 UINT64 *entry);

#endif /* CORRAL_EFI_HV_IMAGE_H */
