/* SPDX-License-Identifier: MIT */
/*
 * boot_info: the hand-off from corral.efi to the hypervisor.
 *
 * The loader fills one struct boot_info in EfiLoaderData memory, calls
 * ExitBootServices and jumps to the hypervisor's ELF entry with the
 * physical address of this struct in RDI (SysV ABI), interrupts off,
 * on the firmware's identity-mapped page tables.
 *
 * Versioning: the hypervisor refuses a magic or major version it does not
 * know. New fields are only appended; `size` says how much the loader filled.
 * See docs/boot_info.md.
 */
#ifndef CORRAL_BOOT_INFO_H
#define CORRAL_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC 0x464e49544f4f4243ull /* "CBOOTINF" little endian */
#define BOOT_INFO_VERSION_MAJOR 1
#define BOOT_INFO_VERSION_MINOR 0

#define BOOT_INFO_MAX_MODULES 32
#define BOOT_MODULE_PATH_MAX 128

/* One file the loader read from the ESP, named as the config names it. */
struct boot_module {
	uint64_t phys; /* page-aligned physical address of the contents */
	uint64_t size; /* bytes */
	char path[BOOT_MODULE_PATH_MAX]; /* ASCII, e.g. "\\corral\\vmlinuz" */
};

struct boot_info {
	uint64_t magic; /* BOOT_INFO_MAGIC */
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t size; /* sizeof(struct boot_info) as the loader knew it */

	/* The hypervisor image as loaded (whole span, 2 MiB aligned base). */
	uint64_t hv_phys_base;
	uint64_t hv_phys_size;

	/* UEFI memory map as returned by the final GetMemoryMap(). */
	uint64_t mmap_phys;
	uint64_t mmap_size; /* bytes */
	uint64_t mmap_desc_size;
	uint32_t mmap_desc_version;
	uint32_t reserved0;

	uint64_t acpi_rsdp_phys; /* 0 if the firmware has no ACPI tables */
	uint64_t efi_system_table_phys; /* for runtime ResetSystem */

	/* One 4 KiB page below 1 MiB reserved for the AP start-up trampoline. */
	uint64_t trampoline_phys;

	/* The system configuration (flattened device tree). */
	uint64_t config_dtb_phys;
	uint64_t config_dtb_size;
	char config_path[BOOT_MODULE_PATH_MAX];

	uint32_t nr_modules;
	uint32_t reserved1;
	struct boot_module modules[BOOT_INFO_MAX_MODULES];
};

#endif /* CORRAL_BOOT_INFO_H */
