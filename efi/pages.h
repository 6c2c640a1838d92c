/* SPDX-License-Identifier: MIT */
/*
 * Page allocations for everything the hypervisor inherits. Each is
 * EfiLoaderData, so after ExitBootServices() the memory map shows it as
 * LoaderData; the loader remembers each one so that an error can give it
 * all back before returning to the firmware.
 */
#ifndef CORRAL_EFI_PAGES_H
#define CORRAL_EFI_PAGES_H

#include "uefi.h"

/*
 * Allocates `bytes` (rounded up to whole pages, at least one) of
 * EfiLoaderData. `type` is AllocateAnyPages or AllocateMaxAddress (then
 * *addr is the highest allowed address on entry). On failure prints
 * "too little memory: cannot allocate <N> KiB for <what>".
 */
EFI_STATUS pages_alloc(EFI_ALLOCATE_TYPE type, UINT64 bytes, const char *what,
		       EFI_PHYSICAL_ADDRESS *addr);

/* Gives back one allocation made by pages_alloc(). */
void pages_free(EFI_PHYSICAL_ADDRESS addr);

/* Gives back every allocation still held (the error path). */
void pages_free_all(void);

#endif /* CORRAL_EFI_PAGES_H */
