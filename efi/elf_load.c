// SPDX-License-Identifier: MIT
/*
 * ELF header and program header checks, then the segment copy. Every
 * offset and size from the file is checked against the file size before it
 * is used, so a damaged image gives a message, not a wild copy.
 * (System V gABI, "ELF Header" and "Program Header".)
 */
#include <string.h>
#include "elf_load.h"
#include "console.h"

#define ELF_SPAN_ALIGN KIB(4)

/* [off, off + len) lies inside a buffer of `size` bytes. */
static bool in_bounds(UINT64 off, UINT64 len, UINT64 size)
{
	return off <= size && len <= size - off;
}

static EFI_STATUS elf_check_ident(const struct elf_image *img)
{
	const UINT8 *id = img->eh->e_ident;

	if (id[0] != ELF_MAG0 || id[1] != ELF_MAG1 || id[2] != ELF_MAG2 ||
	    id[3] != ELF_MAG3) {
		con_error("%s is not an ELF file", img->path);
		return EFI_LOAD_ERROR;
	}
	if (id[ELF_IDX_CLASS] != ELF_CLASS64 ||
	    id[ELF_IDX_DATA] != ELF_DATA_LSB ||
	    id[ELF_IDX_VERSION] != ELF_VERSION_CURRENT) {
		con_error("%s is not a little-endian ELF64 file", img->path);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS elf_check_ehdr(const struct elf_image *img)
{
	const struct elf64_ehdr *eh = img->eh;

	if (eh->e_type != ELF_TYPE_DYN) {
		con_error(
			"%s is not a static PIE (e_type %u, expected ET_DYN = %u)",
			img->path, eh->e_type, ELF_TYPE_DYN);
		return EFI_LOAD_ERROR;
	}
	if (eh->e_machine != ELF_MACHINE_X86_64) {
		con_error(
			"%s is not an x86-64 image (e_machine %u, expected %u)",
			img->path, eh->e_machine, ELF_MACHINE_X86_64);
		return EFI_LOAD_ERROR;
	}
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 ||
	    !in_bounds(eh->e_phoff, (UINT64)eh->e_phnum * eh->e_phentsize,
		       img->file_size)) {
		con_error(
			"%s: bad program header table (offset 0x%llx, %u entries of %u bytes, file %llu bytes)",
			img->path, (unsigned long long)eh->e_phoff, eh->e_phnum,
			eh->e_phentsize, (unsigned long long)img->file_size);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* The file part of a segment lies in the file; the memory part fits. */
static EFI_STATUS elf_check_phdr(const struct elf_image *img, UINTN i)
{
	const struct elf64_phdr *ph = &img->ph[i];

	if (!in_bounds(ph->p_offset, ph->p_filesz, img->file_size)) {
		con_error(
			"%s: program header %u points outside the file (offset 0x%llx, size 0x%llx)",
			img->path, (unsigned int)i,
			(unsigned long long)ph->p_offset,
			(unsigned long long)ph->p_filesz);
		return EFI_LOAD_ERROR;
	}
	if (ph->p_type != ELF_PT_LOAD)
		return EFI_SUCCESS;
	if (ph->p_filesz > ph->p_memsz ||
	    !in_bounds(ph->p_vaddr, ph->p_memsz, ELF_SPAN_MAX)) {
		con_error(
			"%s: PT_LOAD %u is bad or beyond %llu MiB (vaddr 0x%llx, filesz 0x%llx, memsz 0x%llx)",
			img->path, (unsigned int)i,
			(unsigned long long)(ELF_SPAN_MAX / MIB(1)),
			(unsigned long long)ph->p_vaddr,
			(unsigned long long)ph->p_filesz,
			(unsigned long long)ph->p_memsz);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS elf_check_phdrs(struct elf_image *img)
{
	UINT64 end = 0;
	EFI_STATUS status;

	for (UINTN i = 0; i < img->eh->e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		status = elf_check_phdr(img, i);
		if (EFI_ERROR(status))
			return status;
		if (ph->p_type == ELF_PT_LOAD &&
		    ph->p_vaddr + ph->p_memsz > end)
			end = ph->p_vaddr + ph->p_memsz;
	}
	img->span = ALIGN_UP(end, ELF_SPAN_ALIGN);
	if (img->span == 0) {
		con_error("%s has no PT_LOAD segment with contents", img->path);
		return EFI_LOAD_ERROR;
	}
	if (img->eh->e_entry >= end) {
		con_error(
			"%s: entry point 0x%llx is outside the image (0x%llx bytes)",
			img->path, (unsigned long long)img->eh->e_entry,
			(unsigned long long)end);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

EFI_STATUS elf_check(struct elf_image *img)
{
	EFI_STATUS status;

	if (img->file_size < sizeof(struct elf64_ehdr)) {
		con_error("%s is not an ELF file: only %llu bytes long",
			  img->path, (unsigned long long)img->file_size);
		return EFI_LOAD_ERROR;
	}
	img->eh = (const struct elf64_ehdr *)img->file;
	status = elf_check_ident(img);
	if (EFI_ERROR(status))
		return status;
	status = elf_check_ehdr(img);
	if (EFI_ERROR(status))
		return status;
	img->ph = (const struct elf64_phdr *)(img->file + img->eh->e_phoff);
	return elf_check_phdrs(img);
}

void elf_copy(const struct elf_image *img)
{
	memset(img->base, 0, img->span);
	for (UINTN i = 0; i < img->eh->e_phnum; i++) {
		const struct elf64_phdr *ph = &img->ph[i];

		if (ph->p_type == ELF_PT_LOAD)
			memcpy(img->base + ph->p_vaddr,
			       img->file + ph->p_offset, ph->p_filesz);
	}
}
