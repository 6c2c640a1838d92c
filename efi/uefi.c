// SPDX-License-Identifier: MIT
/* The firmware handles, kept where every loader file can reach them. */
#include "uefi.h"

EFI_HANDLE efi_image;
EFI_SYSTEM_TABLE *efi_systab;
EFI_BOOT_SERVICES *efi_bs;

void uefi_init(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	efi_image = image;
	efi_systab = systab;
	efi_bs = systab->BootServices;
}
