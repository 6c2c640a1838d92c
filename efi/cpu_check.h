/* SPDX-License-Identifier: MIT */
/* Is there hardware virtualization the hypervisor can switch on? */
#ifndef CORRAL_EFI_CPU_CHECK_H
#define CORRAL_EFI_CPU_CHECK_H

#include "uefi.h"

/*
 * Prints which extension was found (VT-x or SVM), or an error when there is
 * none or the firmware has locked it off; then returns EFI_UNSUPPORTED.
 */
EFI_STATUS cpu_check(void);

#endif /* CORRAL_EFI_CPU_CHECK_H */
