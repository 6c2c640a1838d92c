// SPDX-License-Identifier: MIT
/*
 * Host tests for guest memory layout and the Linux boot structures
 * (hypervisor/linux_boot.c).
 *
 * Zero-page and setup-header offsets are written out literally from Linux
 * Documentation/x86/zero-page.rst and boot.rst, and the GDT and page-table
 * checks decode the bits per the Intel SDM, so a wrong constant in the
 * module fails here. Guest RAM is an exact-size heap block (ASan).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include <guest/bzimage.h>
#include <guest/linux_boot.h>
#include "test.h"

#define MiB (1024ull * 1024)
#define GiB (1024 * MiB)

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

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

#define SETUP_SECTS 3
#define KERNEL_BYTES 0x4000

/* A synthetic 2.15 bzImage (as in test_bzimage.c) with the given sizes. */
static uint8_t *make_image(uint32_t init_size, uint64_t pref, size_t *size)
{
	size_t setup = (SETUP_SECTS + 1) * 512, i;
	uint8_t *img;

	*size = setup + KERNEL_BYTES;
	img = calloc(1, *size);
	img[0x1f1] = SETUP_SECTS;
	put32(img + 0x1f4, KERNEL_BYTES / 16);
	put16(img + 0x1fa,
	      0xfffd); /* vid_mode "ask": must come through as is */
	put16(img + 0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x6a;
	memcpy(img + 0x202, "HdrS", 4);
	put16(img + 0x206, 0x020f);
	img[0x211] = 0x01;
	put32(img + 0x22c, 0x7fffffff);
	put32(img + 0x230, 0x200000);
	img[0x234] = 1;
	put16(img + 0x236, 0x0003);
	put32(img + 0x238, 2047);
	put32(img + 0x23c,
	      0x12345678); /* hardware_subarch: must be reset to 0 */
	put64(img + 0x258, pref);
	put32(img + 0x260, init_size);
	/* Straddles the header's end at 0x26c: only 0x26a-0x26b may be copied. */
	put32(img + 0x26a, 0xdeadbeef);
	for (i = setup; i < *size; i++)
		img[i] = (uint8_t)(i * 13 + 1);
	return img;
}

static struct bzimage_info parse(const uint8_t *img, size_t size)
{
	struct bzimage_info bz;
	const char *why = NULL;

	if (bzimage_parse(img, size, &bz, &why)) {
		fprintf(stderr, "synthetic image refused: %s\n", why);
		exit(2);
	}
	return bz;
}

static void check_e820(const struct linux_layout *l, uint32_t i, uint64_t addr,
		       uint64_t size, uint32_t type)
{
	CHECK(i < l->nr_e820);
	if (i >= l->nr_e820)
		return;
	CHECK_EQ(l->e820[i].addr, addr);
	CHECK_EQ(l->e820[i].size, size);
	CHECK_EQ(l->e820[i].type, type);
}

/* ---- Layout ---- */

static void test_layout_256(void)
{
	struct linux_layout l;
	const char *why = "unset";
	size_t size;
	uint8_t *img = make_image(32 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);
	uint64_t initrd = 5 * MiB + 123;

	CHECK_EQ(linux_layout_plan(&bz, 256 * MiB, initrd, 100, &l, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(l.ram_size, 256 * MiB);
	CHECK_EQ(l.kernel_gpa, 16 * MiB); /* pref_address */
	CHECK_EQ(l.kernel_size, KERNEL_BYTES);
	CHECK_EQ(l.entry_gpa, 16 * MiB + 0x200);
	CHECK_EQ(l.kernel_end, 48 * MiB);
	/* As high as it goes, page-aligned, inside RAM. */
	CHECK_EQ(l.initrd_gpa, (256 * MiB - initrd) & ~0xfffull);
	CHECK_EQ(l.initrd_size, initrd);
	CHECK(l.initrd_gpa + l.initrd_size <= 256 * MiB);
	CHECK(l.initrd_gpa >= l.kernel_end);
	CHECK_EQ(l.zero_page_gpa, 0x7000);
	CHECK_EQ(l.cmdline_gpa, 0x20000);
	CHECK_EQ(l.pml4_gpa, 0x9000);
	CHECK_EQ(l.gdt_gpa, 0x6000);
	CHECK_EQ(l.low_ram_end, 256 * MiB);
	CHECK_EQ(l.high_ram_size, 0);

	/* PC-like e820: low RAM, EBDA, the ACPI area, RAM from 1 MiB. */
	CHECK_EQ(l.nr_e820, 4);
	check_e820(&l, 0, 0, 0x9fc00, 1);
	check_e820(&l, 1, 0x9fc00, 0x400, 2);
	check_e820(&l, 2, 0xe0000, 0x20000, 2);
	check_e820(&l, 3, 0x100000, 255 * MiB, 1);
	free(img);
}

static void test_layout_64(void)
{
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(16 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);

	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 8 * MiB, 10, &l, &why), 0);
	CHECK_EQ(l.kernel_gpa, 16 * MiB);
	CHECK_EQ(l.initrd_gpa, 56 * MiB);
	CHECK_EQ(l.ram_needed, 40 * MiB);
	check_e820(&l, 3, 0x100000, 63 * MiB, 1);

	/* No initrd: zeros. */
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), 0);
	CHECK_EQ(l.initrd_gpa, 0);
	CHECK_EQ(l.initrd_size, 0);
	free(img);
}

static void test_too_small(void)
{
	struct linux_layout l;
	const char *why = NULL;
	size_t size;
	/* Debian 6.1's numbers: 16 MiB pref_address, init_size 0x3f98000. */
	uint8_t *img = make_image(0x3f98000, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);

	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), -EINVAL);
	CHECK(why && strstr(why, "memory-mib too small"));
	CHECK(why && strstr(why, "need 80 MiB"));
	CHECK(why == l.msg);
	CHECK_EQ(l.ram_needed, 16 * MiB + 0x3f98000);

	/* The kernel fits in 96 MiB but a 20 MiB initrd does not. */
	CHECK_EQ(linux_layout_plan(&bz, 96 * MiB, 20 * MiB, 10, &l, &why),
		 -EINVAL);
	CHECK(why && strstr(why, "kernel and the initrd need 100 MiB"));
	CHECK_EQ(linux_layout_plan(&bz, 100 * MiB, 20 * MiB, 10, &l, &why), 0);

	/* Less than 1 MiB of RAM. */
	CHECK_EQ(linux_layout_plan(&bz, 512 * 1024, 0, 10, &l, &why), -EINVAL);
	CHECK(why && strstr(why, "memory-mib too small"));
	free(img);
}

static void test_initrd_addr_max(void)
{
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(32 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);
	uint64_t initrd = 7 * MiB + 5;

	/* boot.rst's own example: the highest safe byte is 0x37FFFFFF. */
	bz.initrd_addr_max = 0x37ffffff;
	CHECK_EQ(linux_layout_plan(&bz, 2 * GiB, initrd, 10, &l, &why), 0);
	CHECK_EQ(l.initrd_gpa, (0x38000000 - initrd) & ~0xfffull);
	CHECK(l.initrd_gpa + initrd - 1 <= 0x37ffffff);

	/* Below the kernel's end there is no room, however much RAM. */
	bz.initrd_addr_max = 50 * MiB - 1;
	CHECK_EQ(linux_layout_plan(&bz, 2 * GiB, initrd, 10, &l, &why),
		 -EINVAL);
	CHECK(why && strstr(why, "initrd too large"));
	free(img);
}

static void test_kernel_placement(void)
{
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(16 * MiB, 0, &size);
	struct bzimage_info bz = parse(img, size);

	/* No usable pref_address: the first 2 MiB boundary above 1 MiB. */
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), 0);
	CHECK_EQ(l.kernel_gpa, 2 * MiB);
	CHECK_EQ(l.entry_gpa, 2 * MiB + 0x200);
	bz.pref_address = 17 * MiB; /* misaligned for 2 MiB */
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), 0);
	CHECK_EQ(l.kernel_gpa, 2 * MiB);
	/* Not relocatable: only pref_address will do. */
	bz.relocatable = false;
	bz.pref_address = 0;
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), -EINVAL);
	CHECK(why && strstr(why, "not relocatable"));
	bz.pref_address = 3 * MiB;
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 10, &l, &why), 0);
	CHECK_EQ(l.kernel_gpa, 3 * MiB);
	free(img);
}

/* RAM beyond 3 GiB moves to 4 GiB, around the MMIO hole. */
static void test_mmio_hole(void)
{
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(32 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);

	CHECK_EQ(linux_layout_plan(&bz, 4 * GiB, 10 * MiB, 10, &l, &why), 0);
	CHECK_EQ(l.low_ram_end, 3 * GiB);
	CHECK_EQ(l.high_ram_size, 1 * GiB);
	CHECK_EQ(l.nr_e820, 5);
	check_e820(&l, 3, 0x100000, 3 * GiB - 0x100000, 1);
	check_e820(&l, 4, 4 * GiB, 1 * GiB, 1);
	/* The initrd stays below the hole (and the 4 GiB identity map). */
	CHECK(l.initrd_gpa + l.initrd_size <= 3 * GiB);
	free(img);
}

/* ---- Command line ---- */

static void test_cmdline(void)
{
	char buf[64];
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(32 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);

	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), "console=ttyS0",
				     "net-dd", 2047),
		 (int)strlen("corral.vm=net-dd console=ttyS0"));
	CHECK(!strcmp(buf, "corral.vm=net-dd console=ttyS0"));
	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), "", "a", 2047), 11);
	CHECK(!strcmp(buf, "corral.vm=a"));
	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), NULL, "a", 2047), 11);
	CHECK(!strcmp(buf, "corral.vm=a"));

	/* Exactly cmdline_size characters fit; one more does not. */
	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), "xyz", "vm", 16), 16);
	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), "xyz", "vm", 15),
		 -E2BIG);
	CHECK(!strcmp(buf, ""));
	/* ... and the buffer needs room for the NUL. */
	CHECK_EQ(linux_build_cmdline(buf, 17, "xyz", "vm", 2047), 16);
	CHECK_EQ(linux_build_cmdline(buf, 16, "xyz", "vm", 2047), -E2BIG);
	CHECK(!strcmp(buf, ""));
	CHECK_EQ(linux_build_cmdline(buf, sizeof(buf), "x", NULL, 2047),
		 -EINVAL);

	/* The planner refuses a line longer than the kernel's cmdline_size. */
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 2047, &l, &why), 0);
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 2048, &l, &why), -EINVAL);
	CHECK(why && strstr(why, "command line too long"));
	free(img);
}

/* ---- Writing guest memory ---- */

#define LOAD_RAM (64 * MiB)
#define RSDP_GPA 0xe0000

static void check_zero_page(const uint8_t *zp, const uint8_t *img,
			    const struct linux_layout *l)
{
	uint32_t i;
	bool zero = true;

	/* zero-page.rst: screen_info at 0x000/0x40 stays all zero (no VGA). */
	for (i = 0; i < 0x40; i++)
		zero &= zp[i] == 0;
	CHECK(zero);
	CHECK_EQ(get64(zp + 0x070), RSDP_GPA); /* acpi_rsdp_addr */
	CHECK_EQ(get32(zp + 0x0c0),
		 l->initrd_gpa >> 32); /* ext_ramdisk_image */
	CHECK_EQ(get32(zp + 0x0c4),
		 l->initrd_size >> 32); /* ext_ramdisk_size */
	CHECK_EQ(get32(zp + 0x0c8), 0); /* ext_cmd_line_ptr */
	CHECK_EQ(zp[0x1e8], 4);		/* e820_entries */
	CHECK_EQ(zp[0x1ef], 0);		/* sentinel */

	/* The setup header: copied, then the loader's fields (boot.rst). */
	CHECK_EQ(zp[0x1f1], SETUP_SECTS);
	CHECK_EQ(get16(zp + 0x1fa), 0xfffd); /* vid_mode as in the image */
	CHECK_EQ(get16(zp + 0x1fe), 0xaa55);
	CHECK(!memcmp(zp + 0x202, "HdrS", 4));
	CHECK_EQ(get16(zp + 0x206), 0x020f);
	CHECK_EQ(zp[0x210], 0xff);		    /* type_of_loader */
	CHECK_EQ(zp[0x211], 0x01);		    /* loadflags */
	CHECK_EQ(get32(zp + 0x214), l->kernel_gpa); /* code32_start */
	CHECK_EQ(get32(zp + 0x218),
		 (uint32_t)l->initrd_gpa); /* ramdisk_image */
	CHECK_EQ(get32(zp + 0x21c),
		 (uint32_t)l->initrd_size);    /* ramdisk_size */
	CHECK_EQ(get32(zp + 0x228), 0x20000);  /* cmd_line_ptr */
	CHECK_EQ(get32(zp + 0x230), 0x200000); /* kernel_alignment */
	CHECK_EQ(get32(zp + 0x238), 2047);     /* cmdline_size */
	CHECK_EQ(get32(zp + 0x23c), 0);	       /* hardware_subarch: x86/PC */
	CHECK_EQ(get64(zp + 0x250), 0);	       /* setup_data */
	CHECK_EQ(get32(zp + 0x260), 16 * MiB); /* init_size */
	CHECK(!memcmp(zp + 0x26a, img + 0x26a, 2)); /* last header bytes */
	for (i = 0x26c; i < 0x2d0; i++) /* nothing past the header */
		zero &= zp[i] == 0;
	CHECK(zero);

	/* e820_table at 0x2D0, 20 bytes an entry. */
	for (i = 0; i < 4; i++) {
		CHECK_EQ(get64(zp + 0x2d0 + 20 * i), l->e820[i].addr);
		CHECK_EQ(get64(zp + 0x2d0 + 20 * i + 8), l->e820[i].size);
		CHECK_EQ(get32(zp + 0x2d0 + 20 * i + 16), l->e820[i].type);
	}
	CHECK_EQ(get64(zp + 0x2d0 + 20 * 3), 0x100000);
	CHECK_EQ(get32(zp + 0x2d0 + 20 * 4 + 16), 0); /* no fifth entry */
}

/* Intel SDM Vol. 3A §3.4.5: segment descriptor fields. */
static void check_gdt(const uint8_t *gdt)
{
	uint64_t cs = get64(gdt + 0x10), ds = get64(gdt + 0x18);

	CHECK_EQ(get64(gdt + 0), 0);
	CHECK_EQ(get64(gdt + 8), 0);
	/* Flat: base 0, limit 0xFFFFF in 4 KiB units. */
	CHECK_EQ(cs & 0xffff, 0xffff);
	CHECK_EQ((cs >> 48) & 0xf, 0xf);
	CHECK_EQ((cs >> 16) & 0xffffff, 0);
	CHECK_EQ(cs >> 56, 0);
	CHECK_EQ((cs >> 40) & 0xf, 0xb); /* code, execute/read, accessed */
	CHECK((cs >> 44) & 1);		 /* S: code/data */
	CHECK((cs >> 47) & 1);		 /* P */
	CHECK_EQ((cs >> 45) & 3, 0);	 /* DPL 0 */
	CHECK((cs >> 53) & 1);		 /* L: 64-bit */
	CHECK(!((cs >> 54) & 1));	 /* D must be 0 with L */
	CHECK((cs >> 55) & 1);		 /* G */

	CHECK_EQ(ds & 0xffff, 0xffff);
	CHECK_EQ((ds >> 48) & 0xf, 0xf);
	CHECK_EQ((ds >> 16) & 0xffffff, 0);
	CHECK_EQ((ds >> 40) & 0xf, 0x3); /* data, read/write, accessed */
	CHECK((ds >> 44) & 1);
	CHECK((ds >> 47) & 1);
	CHECK((ds >> 54) & 1); /* B: 32-bit */
	CHECK((ds >> 55) & 1);
	CHECK_EQ(LB_GDT_LIMIT, 31);
}

/* Intel SDM Vol. 3A §4.5: PML4E, PDPTE, 2 MiB PDE. */
static void check_page_tables(const uint8_t *ram)
{
	uint32_t i, j, bad = 0;

	CHECK_EQ(get64(ram + 0x9000), 0xa000 | 3); /* P, RW */
	for (i = 1; i < 512; i++)
		bad += get64(ram + 0x9000 + 8 * i) != 0;
	for (i = 0; i < 512; i++) {
		uint64_t want = i < 4 ? (0xb000 + 0x1000 * i) | 3 : 0;

		bad += get64(ram + 0xa000 + 8 * i) != want;
	}
	for (i = 0; i < 4; i++)
		for (j = 0; j < 512; j++)
			bad += get64(ram + 0xb000 + 0x1000 * i + 8 * j) !=
			       ((i * GiB + j * 2 * MiB) | 0x83); /* P, RW, PS */
	CHECK_EQ(bad, 0);
	CHECK_EQ(get64(ram + 0xb000), 0x83);
	CHECK_EQ(get64(ram + 0xb008), 0x200083);
	CHECK_EQ(get64(ram + 0xe000 + 8 * 511), 0xffe00083);
}

static void test_load(void)
{
	struct linux_layout l;
	const char *why;
	char cmdline[128];
	size_t size, initrd_size = 3 * MiB + 77, i;
	uint8_t *img = make_image(16 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);
	uint8_t *ram = calloc(1, LOAD_RAM), *initrd = malloc(initrd_size);
	int len;

	for (i = 0; i < initrd_size; i++)
		initrd[i] = (uint8_t)(i ^ (i >> 8));
	len = linux_build_cmdline(cmdline, sizeof(cmdline), "console=ttyS0",
				  "vm0", bz.cmdline_size);
	CHECK(len > 0);
	CHECK_EQ(linux_layout_plan(&bz, LOAD_RAM, initrd_size, (size_t)len, &l,
				   &why),
		 0);
	memset(ram, 0xcc, LOAD_RAM); /* dirty, as after a VM restart */
	linux_load(ram, &l, &bz, img, initrd, cmdline, RSDP_GPA);

	CHECK(!memcmp(ram + 16 * MiB, img + bz.setup_size, KERNEL_BYTES));
	CHECK(!memcmp(ram + l.initrd_gpa, initrd, initrd_size));
	CHECK(!strcmp((char *)ram + 0x20000, "corral.vm=vm0 console=ttyS0"));
	check_zero_page(ram + 0x7000, img, &l);
	check_gdt(ram + 0x6000);
	check_page_tables(ram);

	free(initrd);
	free(ram);
	free(img);
}

/* 64-bit pointers are split into the ext_* fields (zero-page.rst). */
static void test_ext_fields(void)
{
	struct linux_layout l;
	const char *why;
	size_t size;
	uint8_t *img = make_image(16 * MiB, 16 * MiB, &size);
	struct bzimage_info bz = parse(img, size);
	uint8_t *zp = malloc(4096);

	CHECK_EQ(linux_layout_plan(&bz, LOAD_RAM, 0, 10, &l, &why), 0);
	l.initrd_gpa = 0x123456000ull;
	l.initrd_size = 0x200001000ull;
	l.cmdline_gpa = 0x300020000ull;
	memset(zp, 0xcc, 4096);
	linux_build_zero_page(zp, &l, &bz, img, 0x1122334455667788ull);
	CHECK_EQ(get32(zp + 0x218), 0x23456000); /* ramdisk_image */
	CHECK_EQ(get32(zp + 0x0c0), 1);		 /* ext_ramdisk_image */
	CHECK_EQ(get32(zp + 0x21c), 0x1000);	 /* ramdisk_size */
	CHECK_EQ(get32(zp + 0x0c4), 2);		 /* ext_ramdisk_size */
	CHECK_EQ(get32(zp + 0x228), 0x20000);	 /* cmd_line_ptr */
	CHECK_EQ(get32(zp + 0x0c8), 3);		 /* ext_cmd_line_ptr */
	CHECK_EQ(get64(zp + 0x070), 0x1122334455667788ull); /* acpi_rsdp_addr */
	free(zp);
	free(img);
}

/* ---- The real guest kernel, when scripts/setup has fetched it ---- */

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
		char *v = line + 8;

		if (strncmp(line, "VMLINUZ=", 8))
			continue;
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

static void test_real_kernel(void)
{
	struct bzimage_info bz;
	struct linux_layout l;
	const char *why = NULL;
	char path[1024];
	uint8_t *img, *ram;
	FILE *f;
	long size;

	if (!find_vmlinuz(path, sizeof(path)) || !(f = fopen(path, "rb"))) {
		printf("SKIP real kernel: none found (%s, CORRAL_VMLINUZ)\n",
		       CORRAL_KERNEL_ENV);
		return;
	}
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	img = malloc((size_t)size);
	CHECK(fread(img, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	CHECK_EQ(bzimage_parse(img, (size_t)size, &bz, &why), 0);

	/* Debian 6.1 needs ~80 MiB before any initrd: 64 MiB must fail. */
	CHECK_EQ(linux_layout_plan(&bz, 64 * MiB, 0, 100, &l, &why), -EINVAL);
	printf("64 MiB: %s\n", why ? why : "(fits)");
	CHECK_EQ(linux_layout_plan(&bz, 256 * MiB, 20 * MiB, 100, &l, &why), 0);
	CHECK_EQ(l.kernel_gpa, bz.pref_address);
	ram = calloc(1, 256 * MiB);
	linux_load(ram, &l, &bz, img, NULL, "console=ttyS0", 0xe0000);
	CHECK(!memcmp(ram + l.kernel_gpa, img + bz.kernel_offset,
		      bz.kernel_size));
	CHECK(!memcmp(ram + 0x7000 + 0x1f1, img + 0x1f1, 0x210 - 0x1f1));
	CHECK(!memcmp(ram + 0x7000 + 0x202, "HdrS", 4));
	free(ram);
	free(img);
}

int main(void)
{
	test_layout_256();
	test_layout_64();
	test_too_small();
	test_initrd_addr_max();
	test_kernel_placement();
	test_mmio_hole();
	test_cmdline();
	test_load();
	test_ext_fields();
	test_real_kernel();
	return test_summary();
}
