// SPDX-License-Identifier: MIT
/*
 * Relocating a static PIE. Linked at address 0, its only fix-ups are
 * R_X86_64_RELATIVE: "B + A", the load base plus the addend (System V AMD64
 * ABI 1.0, section 4.4.1, Table 4.10). They are found through PT_DYNAMIC's
 * DT_RELA, DT_RELASZ and DT_RELAENT (gABI, "Dynamic Section").
 */
#include "elf_load.h"
#include "console.h"

struct rela_table {
	UINT64 addr; /* image offset of the table */
	UINT64 size; /* bytes */
	UINT64 entsize;
};

/* Reads the table location from the dynamic section (in the file). */
static EFI_STATUS rela_find(const struct elf_image *img,
			    const struct elf64_phdr *dyn, struct rela_table *t)
{
	const struct elf64_dyn *d = (const void *)(img->file + dyn->p_offset);
	UINT64 n = dyn->p_filesz / sizeof(*d);

	for (UINT64 i = 0; i < n && d[i].d_tag != ELF_DT_NULL; i++) {
		switch (d[i].d_tag) {
		case ELF_DT_RELA:
			t->addr = d[i].d_val;
			break;
		case ELF_DT_RELASZ:
			t->size = d[i].d_val;
			break;
		case ELF_DT_RELAENT:
			t->entsize = d[i].d_val;
			break;
		case ELF_DT_REL:
			con_error(
				"%s has DT_REL relocations; only DT_RELA is supported",
				img->path);
			return EFI_UNSUPPORTED;
		case ELF_DT_RELR:
			con_error(
				"%s has packed DT_RELR relocations; link it without -z pack-relative-relocs",
				img->path);
			return EFI_UNSUPPORTED;
		}
	}
	return EFI_SUCCESS;
}

static EFI_STATUS rela_check(const struct elf_image *img,
			     const struct rela_table *t)
{
	if (t->size == 0)
		return EFI_SUCCESS;
	if (t->entsize != sizeof(struct elf64_rela) ||
	    t->size % sizeof(struct elf64_rela) || t->addr > img->span ||
	    t->size > img->span - t->addr) {
		con_error(
			"%s: bad relocation table (DT_RELA 0x%llx, DT_RELASZ 0x%llx, DT_RELAENT %llu)",
			img->path, (unsigned long long)t->addr,
			(unsigned long long)t->size,
			(unsigned long long)t->entsize);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS rela_apply_one(const struct elf_image *img,
				 const struct elf64_rela *r)
{
	UINT32 type = ELF64_R_TYPE(r->r_info);
	UINT64 base = (UINT64)(UINTN)img->base;

	if (type == ELF_R_X86_64_NONE)
		return EFI_SUCCESS;
	if (type != ELF_R_X86_64_RELATIVE) {
		con_error(
			"%s: unsupported relocation type %u at offset 0x%llx (only R_X86_64_RELATIVE = %u is)",
			img->path, type, (unsigned long long)r->r_offset,
			ELF_R_X86_64_RELATIVE);
		return EFI_UNSUPPORTED;
	}
	if (r->r_offset > img->span - sizeof(UINT64)) {
		con_error(
			"%s: relocation at offset 0x%llx is outside the image",
			img->path, (unsigned long long)r->r_offset);
		return EFI_LOAD_ERROR;
	}
	*(UINT64 *)(img->base + r->r_offset) = base + (UINT64)r->r_addend;
	return EFI_SUCCESS;
}

EFI_STATUS elf_relocate(const struct elf_image *img)
{
	struct rela_table t = { 0 };
	const struct elf64_rela *r;
	EFI_STATUS status;

	for (UINTN i = 0; i < img->eh->e_phnum; i++) {
		if (img->ph[i].p_type != ELF_PT_DYNAMIC)
			continue;
		status = rela_find(img, &img->ph[i], &t);
		if (EFI_ERROR(status))
			return status;
	}
	status = rela_check(img, &t);
	if (EFI_ERROR(status))
		return status;
	r = (const struct elf64_rela *)(img->base + t.addr);
	for (UINT64 i = 0; i < t.size / sizeof(*r); i++) {
		status = rela_apply_one(img, &r[i]);
		if (EFI_ERROR(status))
			return status;
	}
	return EFI_SUCCESS;
}
