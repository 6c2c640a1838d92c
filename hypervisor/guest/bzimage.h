/* SPDX-License-Identifier: MIT */
/*
 * bzImage header parsing: the Linux/x86 boot protocol, as the kernel's
 * Documentation/x86/boot.rst ("The Real-Mode Kernel Header") describes it.
 * Offsets below are file offsets; the setup header starts at 0x1F1.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 * The image is untrusted input: nothing is read outside image[0..size).
 */
#ifndef CORRAL_BZIMAGE_H
#define CORRAL_BZIMAGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Setup header fields (boot.rst, "The Real-Mode Kernel Header"). */
#define BZ_OFF_SETUP_SECTS 0x1F1 /* u8, 0 means 4 */
#define BZ_OFF_SYSSIZE 0x1F4	 /* u32, protected-mode size in 16-byte units */
#define BZ_OFF_VID_MODE 0x1FA	 /* u16 */
#define BZ_OFF_BOOT_FLAG 0x1FE	 /* u16, 0xAA55 */
#define BZ_OFF_JUMP 0x200	 /* 0xEB, then the header's end - 0x202 */
#define BZ_OFF_HEADER 0x202	 /* "HdrS" */
#define BZ_OFF_VERSION 0x206	 /* u16 */
#define BZ_OFF_TYPE_OF_LOADER 0x210	   /* u8 */
#define BZ_OFF_LOADFLAGS 0x211		   /* u8 */
#define BZ_OFF_CODE32_START 0x214	   /* u32 */
#define BZ_OFF_RAMDISK_IMAGE 0x218	   /* u32 */
#define BZ_OFF_RAMDISK_SIZE 0x21C	   /* u32 */
#define BZ_OFF_CMD_LINE_PTR 0x228	   /* u32 */
#define BZ_OFF_INITRD_ADDR_MAX 0x22C	   /* u32 */
#define BZ_OFF_KERNEL_ALIGNMENT 0x230	   /* u32 */
#define BZ_OFF_RELOCATABLE 0x234	   /* u8 */
#define BZ_OFF_XLOADFLAGS 0x236		   /* u16 */
#define BZ_OFF_CMDLINE_SIZE 0x238	   /* u32 */
#define BZ_OFF_HARDWARE_SUBARCH 0x23C	   /* u32 */
#define BZ_OFF_HARDWARE_SUBARCH_DATA 0x240 /* u64 */
#define BZ_OFF_SETUP_DATA 0x250		   /* u64 */
#define BZ_OFF_PREF_ADDRESS 0x258	   /* u64 */
#define BZ_OFF_INIT_SIZE 0x260		   /* u32 */
#define BZ_OFF_HANDOVER_OFFSET 0x264 /* u32, last field of protocol 2.12 */

#define BZ_BOOT_FLAG 0xAA55
#define BZ_HDRS_MAGIC 0x53726448u /* "HdrS" little endian */
#define BZ_JUMP_OPCODE 0xEB	  /* short jmp over the header */
#define BZ_SECTOR_SIZE 512
#define BZ_DEFAULT_SETUP_SECTS 4 /* setup_sects == 0 means 4 */

/* 2.12 added xloadflags and the 64-bit entry flag we depend on. */
#define BZ_MIN_PROTOCOL 0x020C
/* A 2.12 header runs to the end of handover_offset. */
#define BZ_MIN_HEADER_END (BZ_OFF_HANDOVER_OFFSET + 4)
/* The header is copied into boot_params at 0x1F1; the next field there is
 * edd_mbr_sig_buffer at 0x290 (zero-page.rst), so it cannot extend past it. */
#define BZ_MAX_HEADER_END 0x290

#define BZ_LOADFLAGS_LOADED_HIGH (1u << 0)
#define BZ_XLF_KERNEL_64 (1u << 0) /* 64-bit entry at load address + 0x200 */
#define BZ_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)

struct bzimage_info {
	uint16_t protocol;	/* e.g. 0x020f */
	uint32_t setup_size;	/* ((setup_sects ?: 4) + 1) * 512 */
	uint64_t kernel_offset; /* = setup_size: where the kernel starts */
	uint64_t kernel_size;	/* file size - setup_size */
	uint32_t init_size; /* memory the kernel needs from its load address */
	uint32_t kernel_alignment;
	bool relocatable;
	uint64_t pref_address;
	uint16_t xloadflags;
	uint32_t cmdline_size; /* max cmdline length (without NUL) */
	uint32_t initrd_addr_max;
	uint32_t setup_header_len; /* 0x202 + byte[0x201] - 0x1f1 */
	uint16_t vid_mode;
	uint8_t loadflags;
	char msg[96]; /* holds *why when the reason carries a number */
};

/*
 * Checks the header of the bzImage in image[0..size) and fills *out.
 * Returns 0, or -ENOEXEC with *why saying what is wrong ("truncated: ...",
 * "no HdrS magic ...", "protocol 2.05 too old: need 2.12 ...", "kernel is
 * not 64-bit capable (XLF_KERNEL_64 clear)" ...). *why points to a string
 * constant or into out->msg, so it lives as long as *out. Fields read before
 * the failing check are filled in (out->protocol when it is the problem).
 */
int bzimage_parse(const void *image, size_t size, struct bzimage_info *out,
		  const char **why);

#endif /* CORRAL_BZIMAGE_H */
