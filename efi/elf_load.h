/* SPDX-License-Identifier: MIT */
/*
 * Loading a static-PIE ELF64 x86-64 image (the hypervisor, linked at 0)
 * at any base: header checks, segment copy, R_X86_64_RELATIVE fix-ups.
 */
#ifndef CORRAL_EFI_ELF_LOAD_H
#define CORRAL_EFI_ELF_LOAD_H

#include <stdbool.h>
#include "uefi.h"
#include "elf64.h"

/* Refuse images whose loaded span exceeds this: surely not a hypervisor. */
#define ELF_SPAN_MAX MIB(1024)

struct elf_image {
	const char *path; /* for messages */
	const UINT8 *file;
	UINT64 file_size;
	const struct elf64_ehdr *eh; /* set by elf_check() */
	const struct elf64_phdr *ph; /* set by elf_check() */
	UINT64 span; /* highest PT_LOAD end, 4 KiB aligned; set by elf_check() */
	UINT8 *base; /* where to load; set by the caller */
};

/* Validates the headers and program headers; computes img->span. */
EFI_STATUS elf_check(struct elf_image *img);

/* Copies the PT_LOAD file bytes to img->base and zeroes the rest of the span. */
void elf_copy(const struct elf_image *img);

/* Applies the PT_DYNAMIC RELA relocations to the copy at img->base. */
EFI_STATUS elf_relocate(const struct elf_image *img);

#endif /* CORRAL_EFI_ELF_LOAD_H */
