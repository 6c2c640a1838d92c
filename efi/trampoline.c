// SPDX-License-Identifier: MIT
/*
 * Low memory must be claimed before ExitBootServices(): afterwards the
 * loader can no longer ask, and the hypervisor has no allocator for the
 * firmware's view of memory below 1 MiB. AllocateMaxAddress returns pages
 * whose last byte is at or below the given address (UEFI 2.10 section
 * 7.2.1), so TRAMPOLINE_LIMIT - 1 keeps the whole page below the limit.
 * (Intel SDM vol. 3A 9.4.4.1 and 10.6.1: the SIPI vector gives the page.)
 */
#include "uefi.h"
#include "trampoline.h"
#include "pages.h"
#include "console.h"

EFI_STATUS trampoline_reserve(UINT64 *phys)
{
	EFI_PHYSICAL_ADDRESS page = TRAMPOLINE_LIMIT - 1;
	EFI_STATUS status;

	status = pages_alloc(AllocateMaxAddress, TRAMPOLINE_SIZE,
			     "the AP start-up trampoline (below 0x9F000)",
			     &page);
	if (EFI_ERROR(status))
		return status;
	*phys = page;
	con_info("AP trampoline page at 0x%llx", (unsigned long long)page);
	return EFI_SUCCESS;
}
