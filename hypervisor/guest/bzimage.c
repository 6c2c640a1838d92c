// SPDX-License-Identifier: MIT
/*
 * bzImage header parsing (Linux Documentation/x86/boot.rst).
 *
 * corral enters the kernel through the 64-bit boot protocol ("64-bit Boot
 * Protocol" in boot.rst): it copies the protected-mode part of the file to
 * the load address and jumps to load address + 0x200. The real-mode setup
 * code is never run, so what matters here is that the header is genuine,
 * new enough to describe the 64-bit entry (protocol 2.12, xloadflags), and
 * that every size it gives stays inside the file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <format.h>
#include <guest/bzimage.h>

/* All fields are little endian (boot.rst, "Details of Header Fields"). */
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -ENOEXEC;
}

static const char *protocol_too_old(struct bzimage_info *out)
{
	/* boot.rst writes protocol 0x020f as "2.15". */
	snprintf(
		out->msg, sizeof(out->msg),
		"protocol %u.%02u too old: need 2.12 or later for the 64-bit entry",
		(out->protocol >> 8) % 10u, (out->protocol & 0xffu) % 100u);
	return out->msg;
}

/* Boot sector, HdrS magic and protocol version: is this a modern bzImage? */
static int check_signature(const uint8_t *img, size_t size,
			   struct bzimage_info *out, const char **why)
{
	if (size < BZ_OFF_BOOT_FLAG + 2)
		return fail(why,
			    "truncated: smaller than the 512-byte boot sector");
	if (le16(img + BZ_OFF_BOOT_FLAG) != BZ_BOOT_FLAG)
		return fail(
			why,
			"no boot flag 0xAA55 at 0x1FE: not a Linux kernel image");
	if (size < BZ_OFF_VERSION + 2)
		return fail(why,
			    "truncated: the file ends inside the setup header");
	if (le32(img + BZ_OFF_HEADER) != BZ_HDRS_MAGIC)
		return fail(
			why,
			"no HdrS magic at 0x202: not a bzImage (or boot protocol before 2.00)");
	out->protocol = le16(img + BZ_OFF_VERSION);
	if (out->protocol < BZ_MIN_PROTOCOL)
		return fail(why, protocol_too_old(out));
	return 0;
}

/* The jump at 0x200 skips the header, so its offset gives the header's end. */
static int check_header_len(const uint8_t *img, size_t size,
			    struct bzimage_info *out, const char **why)
{
	uint32_t end = 0x202u + img[BZ_OFF_JUMP + 1];

	if (img[BZ_OFF_JUMP] != BZ_JUMP_OPCODE)
		return fail(
			why,
			"no short jump at 0x200: setup header length unknown");
	if (end < BZ_MIN_HEADER_END)
		return fail(
			why,
			"setup header too short for its protocol (jump at 0x200 ends it before 0x268)");
	if (end > BZ_MAX_HEADER_END)
		return fail(
			why,
			"setup header too long: it would run past 0x290 in boot_params");
	if (size < end)
		return fail(why,
			    "truncated: the file ends inside the setup header");
	out->setup_header_len = end - BZ_OFF_SETUP_SECTS;
	return 0;
}

static void read_fields(const uint8_t *img, struct bzimage_info *out)
{
	out->vid_mode = le16(img + BZ_OFF_VID_MODE);
	out->loadflags = img[BZ_OFF_LOADFLAGS];
	out->initrd_addr_max = le32(img + BZ_OFF_INITRD_ADDR_MAX);
	out->kernel_alignment = le32(img + BZ_OFF_KERNEL_ALIGNMENT);
	out->relocatable = img[BZ_OFF_RELOCATABLE] != 0;
	out->xloadflags = le16(img + BZ_OFF_XLOADFLAGS);
	out->cmdline_size = le32(img + BZ_OFF_CMDLINE_SIZE);
	out->pref_address = le64(img + BZ_OFF_PREF_ADDRESS);
	out->init_size = le32(img + BZ_OFF_INIT_SIZE);
}

static int check_fields(const struct bzimage_info *bz, const char **why)
{
	if (!(bz->loadflags & BZ_LOADFLAGS_LOADED_HIGH))
		return fail(
			why,
			"not a bzImage: LOADED_HIGH clear in loadflags (zImage)");
	if (!(bz->xloadflags & BZ_XLF_KERNEL_64))
		return fail(
			why,
			"kernel is not 64-bit capable (XLF_KERNEL_64 clear)");
	if (bz->relocatable &&
	    (bz->kernel_alignment == 0 ||
	     (bz->kernel_alignment & (bz->kernel_alignment - 1))))
		return fail(why, "kernel_alignment is not a power of two");
	if (bz->init_size == 0)
		return fail(
			why,
			"init_size is 0: the kernel does not say how much memory it needs");
	if (bz->cmdline_size == 0)
		return fail(
			why,
			"cmdline_size is 0: the kernel accepts no command line");
	return 0;
}

/* The protected-mode kernel follows the setup sectors (boot.rst, "Loading
 * The Rest of The Kernel"); syssize says how long it is. Signed kernels carry
 * a signature after it, so the file may be longer, but never shorter. */
static int locate_kernel(const uint8_t *img, size_t size,
			 struct bzimage_info *out, const char **why)
{
	uint32_t sects = img[BZ_OFF_SETUP_SECTS];
	uint64_t syssize_bytes = (uint64_t)le32(img + BZ_OFF_SYSSIZE) * 16;

	if (!sects)
		sects = BZ_DEFAULT_SETUP_SECTS;
	out->setup_size = (sects + 1) * BZ_SECTOR_SIZE;
	out->kernel_offset = out->setup_size;
	if (size <= out->setup_size)
		return fail(
			why,
			"truncated: the file ends inside the setup code, before the kernel");
	out->kernel_size = size - out->setup_size;
	if (syssize_bytes > out->kernel_size)
		return fail(
			why,
			"truncated: the protected-mode kernel is shorter than syssize says");
	return 0;
}

int bzimage_parse(const void *image, size_t size, struct bzimage_info *out,
		  const char **why)
{
	const uint8_t *img = image;

	memset(out, 0, sizeof(*out));
	if (!image)
		return fail(why, "no image");
	if (check_signature(img, size, out, why) ||
	    check_header_len(img, size, out, why))
		return -ENOEXEC;
	read_fields(img, out);
	if (check_fields(out, why) || locate_kernel(img, size, out, why))
		return -ENOEXEC;
	if (why)
		*why = NULL;
	return 0;
}
