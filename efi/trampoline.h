/* SPDX-License-Identifier: MIT */
/* The page the hypervisor will start application processors from. */
#ifndef CORRAL_EFI_TRAMPOLINE_H
#define CORRAL_EFI_TRAMPOLINE_H

#include "uefi.h"

/*
 * A STARTUP IPI starts a CPU in real mode at vector * 4 KiB, so the page
 * must lie below 1 MiB. Ending it below 0x9F000 also keeps it clear of the
 * extended BIOS data area that PC firmware puts just below 0xA0000.
 */
#define TRAMPOLINE_LIMIT 0x9F000ull
#define TRAMPOLINE_SIZE KIB(4)

/* Reserves the page as EfiLoaderData; failure is an error. */
EFI_STATUS trampoline_reserve(UINT64 *phys);

#endif /* CORRAL_EFI_TRAMPOLINE_H */
