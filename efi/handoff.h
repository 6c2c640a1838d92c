/* SPDX-License-Identifier: MIT */
/* Leaving the firmware: memory map, ExitBootServices(), jump. */
#ifndef CORRAL_EFI_HANDOFF_H
#define CORRAL_EFI_HANDOFF_H

#include <corral/boot_info.h>
#include "uefi.h"

/*
 * Prints "handing off to the hypervisor at 0x<base>", takes the final
 * memory map into bi, exits boot services and calls
 * entry(bi) with interrupts off. Returns only if ExitBootServices() could
 * not be completed.
 */
EFI_STATUS handoff(struct boot_info *bi, UINT64 entry);

#endif /* CORRAL_EFI_HANDOFF_H */
