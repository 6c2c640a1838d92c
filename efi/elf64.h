/* SPDX-License-Identifier: MIT */
/*
 * The ELF-64 structures and constants the loader reads, as defined by the
 * System V ABI (gABI "ELF-64 Object File Format" 1.5) and its AMD64
 * supplement (section 4.4, relocation types).
 */
#ifndef CORRAL_EFI_ELF64_H
#define CORRAL_EFI_ELF64_H

#include <stdint.h>

#define ELF_IDENT_SIZE 16
#define ELF_MAG0 0x7F
#define ELF_MAG1 'E'
#define ELF_MAG2 'L'
#define ELF_MAG3 'F'
#define ELF_IDX_CLASS 4
#define ELF_IDX_DATA 5
#define ELF_IDX_VERSION 6
#define ELF_CLASS64 2
#define ELF_DATA_LSB 1 /* little endian */
#define ELF_VERSION_CURRENT 1

#define ELF_TYPE_DYN 3 /* shared object; a static PIE is one */
#define ELF_MACHINE_X86_64 62

#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2

#define ELF_DT_NULL 0
#define ELF_DT_RELA 7
#define ELF_DT_RELASZ 8
#define ELF_DT_RELAENT 9
#define ELF_DT_REL 17
#define ELF_DT_RELR 36

#define ELF_R_X86_64_NONE 0
#define ELF_R_X86_64_RELATIVE 8
#define ELF64_R_TYPE(info) ((uint32_t)(info))

struct elf64_ehdr {
	uint8_t e_ident[ELF_IDENT_SIZE];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_dyn {
	int64_t d_tag;
	uint64_t d_val; /* d_un: d_val or d_ptr, both 64-bit */
};

struct elf64_rela {
	uint64_t r_offset;
	uint64_t r_info;
	int64_t r_addend;
};

#endif /* CORRAL_EFI_ELF64_H */
