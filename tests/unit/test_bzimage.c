// SPDX-License-Identifier: MIT
/*
 * Host tests for bzImage header parsing (hypervisor/bzimage.c).
 *
 * Synthetic images are built here with the offsets written out literally
 * from Linux Documentation/x86/boot.rst, so a wrong constant in the module
 * fails the test. Each image lives in an exact-size heap block, so ASan
 * catches any read past the end. The real guest kernel is parsed too when
 * scripts/setup has fetched it (else that part is skipped).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/bzimage.h>
#include "test.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

#define KERNEL_BYTES 0x3000 /* protected-mode part of the synthetic image */
#define SETUP_SECTS 7
#define SIG_BYTES 0x123 /* a signature appended after syssize, as Debian's */

/* A 2.15 bzImage like Debian's, with `sects` setup sectors and `tail`
 * extra bytes after the kernel. The caller frees it. */
static uint8_t *make_image(uint8_t sects, size_t tail, size_t *size)
{
	size_t setup = ((sects ? sects : 4) + 1) * 512;
	uint8_t *img;
	size_t i;

	*size = setup + KERNEL_BYTES + tail;
	img = calloc(1, *size);
	img[0x1f1] = sects;
	put32(img + 0x1f4, KERNEL_BYTES / 16); /* syssize */
	put16(img + 0x1fa, 0xffff);	       /* vid_mode: "normal" */
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a; /* header ends at 0x26c */
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020f);
	img[0x211] = 0x01;		/* LOADED_HIGH */
	put32(img + 0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(img + 0x230, 0x200000);	/* kernel_alignment */
	img[0x234] = 1;			/* relocatable_kernel */
	img[0x235] = 21;		/* min_alignment */
	put16(img + 0x236,
	      0x0003); /* XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G */
	put32(img + 0x238, 2047);      /* cmdline_size */
	put64(img + 0x258, 0x1000000); /* pref_address */
	put32(img + 0x260, 0x2000000); /* init_size */
	for (i = setup; i < *size; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	return img;
}

/* Parses a private exact-size copy of image[0..size). */
static int parse_copy(const uint8_t *image, size_t size,
		      struct bzimage_info *bz, const char **why)
{
	uint8_t *copy = malloc(size ? size : 1);
	int r;

	memcpy(copy, image, size);
	r = bzimage_parse(copy, size, bz, why);
	free(copy);
	return r;
}

static void test_valid(void)
{
	struct bzimage_info bz;
	const char *why = "unset";
	size_t size;
	uint8_t *img = make_image(SETUP_SECTS, SIG_BYTES, &size);

	CHECK_EQ(bzimage_parse(img, size, &bz, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(bz.protocol, 0x020f);
	CHECK_EQ(bz.setup_size, (SETUP_SECTS + 1) * 512);
	CHECK_EQ(bz.kernel_offset, (SETUP_SECTS + 1) * 512);
	CHECK_EQ(bz.kernel_size, KERNEL_BYTES + SIG_BYTES);
	CHECK_EQ(bz.init_size, 0x2000000);
	CHECK_EQ(bz.kernel_alignment, 0x200000);
	CHECK(bz.relocatable);
	CHECK_EQ(bz.pref_address, 0x1000000);
	CHECK_EQ(bz.xloadflags, 3);
	CHECK_EQ(bz.cmdline_size, 2047);
	CHECK_EQ(bz.initrd_addr_max, 0x7fffffff);
	CHECK_EQ(bz.setup_header_len, 0x202 + 0x6a - 0x1f1);
	CHECK_EQ(bz.vid_mode, 0xffff);
	free(img);

	/* setup_sects == 0 means 4 (boot.rst, note (1)). */
	img = make_image(0, 0, &size);
	CHECK_EQ(bzimage_parse(img, size, &bz, &why), 0);
	CHECK_EQ(bz.setup_size, 5 * 512);
	CHECK_EQ(bz.kernel_size, KERNEL_BYTES);
	free(img);
}

/* Every proper prefix of the image is refused as truncated. */
static void test_truncated(void)
{
	struct bzimage_info bz;
	const char *why;
	size_t size, len;
	int accepted = 0, misnamed = 0;
	uint8_t *img = make_image(SETUP_SECTS, 0, &size);

	for (len = 0; len < size; len++) {
		why = NULL;
		if (parse_copy(img, len, &bz, &why) == 0) {
			accepted++;
			continue;
		}
		if (!why || strncmp(why, "truncated", 9)) {
			misnamed++;
			fprintf(stderr, "len %zu: %s\n", len,
				why ? why : "(null)");
		}
	}
	CHECK_EQ(accepted, 0);
	CHECK_EQ(misnamed, 0);
	CHECK_EQ(parse_copy(img, size, &bz, &why), 0);
	free(img);
}

/* Applies `mutate` to a fresh image and expects a failure naming `expect`. */
static void expect_fail(void (*mutate)(uint8_t *img), const char *expect)
{
	struct bzimage_info bz;
	const char *why = NULL;
	size_t size;
	uint8_t *img = make_image(SETUP_SECTS, 0, &size);

	mutate(img);
	CHECK_EQ(parse_copy(img, size, &bz, &why), -ENOEXEC);
	if (!why || !strstr(why, expect))
		fprintf(stderr, "expected \"%s\", got \"%s\"\n", expect,
			why ? why : "(null)");
	CHECK(why && strstr(why, expect));
	free(img);
}

static void no_boot_flag(uint8_t *img)
{
	put16(img + 0x1fe, 0x55aa);
}

static void no_hdrs(uint8_t *img)
{
	memcpy(img + 0x202, "HdrZ", 4);
}

static void protocol_211(uint8_t *img)
{
	put16(img + 0x206, 0x020b);
}

static void protocol_205(uint8_t *img)
{
	put16(img + 0x206, 0x0205);
}

static void not_64bit(uint8_t *img)
{
	put16(img + 0x236, 0x0002);
}

static void zimage(uint8_t *img)
{
	img[0x211] = 0;
}

static void no_jump(uint8_t *img)
{
	img[0x200] = 0x90;
}

static void header_short(uint8_t *img)
{
	img[0x201] = 0x40;
}

static void header_long(uint8_t *img)
{
	img[0x201] = 0xa0;
}

static void bad_align(uint8_t *img)
{
	put32(img + 0x230, 0x300000);
}

static void no_init_size(uint8_t *img)
{
	put32(img + 0x260, 0);
}

static void syssize_big(uint8_t *img)
{
	put32(img + 0x1f4, KERNEL_BYTES / 16 + 1);
}

static void setup_huge(uint8_t *img)
{
	img[0x1f1] = 0xff;
}

static void test_bad_headers(void)
{
	expect_fail(no_boot_flag, "0xAA55");
	expect_fail(no_hdrs, "no HdrS magic");
	expect_fail(protocol_211, "protocol 2.11 too old");
	expect_fail(protocol_205, "protocol 2.05 too old");
	expect_fail(not_64bit, "XLF_KERNEL_64");
	expect_fail(zimage, "LOADED_HIGH");
	expect_fail(no_jump, "jump");
	expect_fail(header_short, "too short");
	expect_fail(header_long, "too long");
	expect_fail(bad_align, "power of two");
	expect_fail(no_init_size, "init_size");
	expect_fail(syssize_big, "truncated");
	expect_fail(setup_huge, "truncated");
}

/* Random corruption of the header area: any answer, but no overrun. */
static void test_corrupt_header(void)
{
	struct bzimage_info bz;
	const char *why;
	size_t size, i;
	int v;
	uint8_t *img = make_image(SETUP_SECTS, 0, &size);
	uint8_t *copy = malloc(size);

	for (i = 0x1f0; i < 0x290; i++) {
		for (v = 0; v < 256; v += 17) {
			memcpy(copy, img, size);
			copy[i] = (uint8_t)v;
			if (bzimage_parse(copy, size, &bz, &why) == 0)
				CHECK(bz.kernel_offset + bz.kernel_size ==
				      size);
			else
				CHECK(why != NULL);
		}
	}
	free(copy);
	free(img);
}

/* ---- The real guest kernel, when scripts/setup has fetched it ---- */

/* VMLINUZ="..." from current.env, or $CORRAL_VMLINUZ. */
static bool find_vmlinuz(char *path, size_t cap)
{
	const char *env = getenv("CORRAL_VMLINUZ");
	char line[1024];
	FILE *f;

	if (env && *env) {
		snprintf(path, cap, "%s", env);
		return true;
	}
	f = fopen(CORRAL_KERNEL_ENV, "r");
	if (!f)
		return false;
	path[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, "VMLINUZ=", 8))
			continue;
		v = line + 8;
		v[strcspn(v, "\r\n")] = '\0';
		if (*v == '"') {
			v++;
			v[strcspn(v, "\"")] = '\0';
		}
		snprintf(path, cap, "%s", v);
	}
	fclose(f);
	return path[0] != '\0';
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)len);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)len;
	return buf;
}

static void test_real_kernel(void)
{
	struct bzimage_info bz;
	const char *why = NULL;
	char path[1024];
	uint8_t *img;
	size_t size;

	if (!find_vmlinuz(path, sizeof(path)) ||
	    !(img = read_file(path, &size))) {
		printf("SKIP real kernel: none found (%s, CORRAL_VMLINUZ)\n",
		       CORRAL_KERNEL_ENV);
		return;
	}
	CHECK_EQ(bzimage_parse(img, size, &bz, &why), 0);
	if (why)
		fprintf(stderr, "%s: %s\n", path, why);
	printf("%s: protocol %x, setup %u, kernel %llu, init_size %#x, "
	       "pref %#llx, align %#x, cmdline_size %u, xlf %#x\n",
	       path, bz.protocol, bz.setup_size,
	       (unsigned long long)bz.kernel_size, bz.init_size,
	       (unsigned long long)bz.pref_address, bz.kernel_alignment,
	       bz.cmdline_size, bz.xloadflags);
	CHECK(bz.protocol >= 0x020c);
	CHECK(bz.xloadflags & 1);
	CHECK(bz.relocatable);
	CHECK_EQ(bz.setup_size, ((img[0x1f1] ?: 4) + 1) * 512);
	CHECK_EQ(bz.setup_header_len, 0x202 + img[0x201] - 0x1f1);
	CHECK(bz.init_size > bz.kernel_size);
	CHECK(bz.pref_address >= 0x100000);
	CHECK(bz.cmdline_size >= 255);
	free(img);
}

int main(void)
{
	test_valid();
	test_truncated();
	test_bad_headers();
	test_corrupt_header();
	test_real_kernel();
	return test_summary();
}
