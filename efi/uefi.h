/* SPDX-License-Identifier: MIT */
/*
 * The firmware handles the whole loader uses, set once by efi_main().
 * GNU-EFI's <efi.h> gives the UEFI types; GNU_EFI_USE_MS_ABI (set by
 * cmake/gnu-efi.cmake) makes every firmware call an ms_abi call.
 */
#ifndef CORRAL_EFI_UEFI_H
#define CORRAL_EFI_UEFI_H

#include <efi.h>

/* Physical addresses at or below this fit in 32 bits. */
#define ADDR_MAX_BELOW_4G 0xFFFFFFFFull

#define KIB(x) ((UINT64)(x) << 10)
#define MIB(x) ((UINT64)(x) << 20)
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((UINT64)(a)-1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern EFI_HANDLE efi_image;
extern EFI_SYSTEM_TABLE *efi_systab;
extern EFI_BOOT_SERVICES *efi_bs;

void uefi_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

#endif /* CORRAL_EFI_UEFI_H */
