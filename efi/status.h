/* SPDX-License-Identifier: MIT */
/* EFI_STATUS codes as the names UEFI 2.10 Appendix D gives them. */
#ifndef CORRAL_EFI_STATUS_H
#define CORRAL_EFI_STATUS_H

#include "uefi.h"

/* "EFI_NOT_FOUND", ...; unknown codes give "unknown EFI status". */
const char *efi_status_str(EFI_STATUS status);

#endif /* CORRAL_EFI_STATUS_H */
