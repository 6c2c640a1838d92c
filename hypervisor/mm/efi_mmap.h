/* SPDX-License-Identifier: MIT */
/* The UEFI memory descriptor as the loader hands it over (UEFI 2.10, 7.2 GetMemoryMap). */
#ifndef CORRAL_EFI_MMAP_H
#define CORRAL_EFI_MMAP_H
#include <stdint.h>

struct efi_memory_descriptor {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t nr_pages;
	uint64_t attribute;
};

enum efi_memory_type {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL_MEMORY = 7,
};

#define EFI_PAGE_SIZE 4096ull

#endif
