// SPDX-License-Identifier: MIT
/*
 * Loading a stock Linux kernel into a VM's RAM for the 64-bit boot protocol
 * (Linux Documentation/x86/boot.rst, "64-bit Boot Protocol"): plan the
 * layout, build the command line, and write the kernel, initrd, zero page
 * (Documentation/x86/zero-page.rst), GDT and identity page tables.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <format.h>
#include <guest/bzimage.h>
#include <guest/linux_boot.h>

#define MIB (1024ull * 1024)
#define PAGE_SIZE 0x1000ull
#define ENTRY_64_OFFSET \
	0x200 /* boot.rst: 64-bit entry = load address + 0x200 */

/* struct boot_params offsets (zero-page.rst and the setup header table). */
#define ZP_SIZE 0x1000
#define ZP_ACPI_RSDP_ADDR 0x070	   /* u64 */
#define ZP_EXT_RAMDISK_IMAGE 0x0C0 /* u32: ramdisk_image bits 63:32 */
#define ZP_EXT_RAMDISK_SIZE 0x0C4  /* u32 */
#define ZP_EXT_CMD_LINE_PTR 0x0C8  /* u32 */
#define ZP_E820_ENTRIES 0x1E8	   /* u8 */
#define ZP_HDR 0x1F1		   /* the setup header, copied from the image */
#define ZP_E820_TABLE 0x2D0	   /* 128 x struct e820_entry (20 bytes) */
#define ZP_E820_TABLE_MAX 128
#define LOADER_TYPE_UNDEFINED \
	0xFF /* boot.rst, type_of_loader: no assigned id */

/* Page-table entry bits (Intel SDM Vol. 3A §4.5, Tables 4-15 to 4-18). */
#define PTE_P (1ull << 0)
#define PTE_RW (1ull << 1)
#define PTE_PS (1ull << 7) /* in a PD entry: maps a 2 MiB page */
#define PT_ENTRIES 512
#define PAGE_2M (2 * MIB)
#define PAGE_1G (1024 * MIB)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EINVAL;
}

/* ---- Planning ---- */

static void plan_fixed(struct linux_layout *l, uint64_t ram_size)
{
	l->ram_size = ram_size;
	l->low_ram_end = min_u64(ram_size, LB_LOW_RAM_LIMIT);
	l->high_ram_size = ram_size - l->low_ram_end;
	l->zero_page_gpa = LB_ZERO_PAGE_GPA;
	l->cmdline_gpa = LB_CMDLINE_GPA;
	l->pml4_gpa = LB_PML4_GPA;
	l->gdt_gpa = LB_GDT_GPA;
}

static int plan_cmdline(const struct bzimage_info *bz, size_t len,
			struct linux_layout *l, const char **why)
{
	if (len <= bz->cmdline_size && len < LB_CMDLINE_MAX)
		return 0;
	snprintf(
		l->msg, sizeof(l->msg),
		"command line too long: %zu bytes, the kernel accepts at most %llu",
		len,
		(unsigned long long)min_u64(bz->cmdline_size,
					    LB_CMDLINE_MAX - 1));
	return fail(why, l->msg);
}

/* The message for RAM that ends before `need`; names the size to ask for. */
static int too_small(struct linux_layout *l, const char *what, uint64_t need,
		     const char **why)
{
	l->ram_needed = need;
	snprintf(
		l->msg, sizeof(l->msg),
		"memory-mib too small: %s need %llu MiB of RAM, the VM has %llu",
		what, (unsigned long long)(align_up(need, MIB) / MIB),
		(unsigned long long)(l->ram_size / MIB));
	return fail(why, l->msg);
}

/*
 * A relocatable kernel may load at any kernel_alignment boundary, but Linux
 * decompresses itself at pref_address (its LOAD_PHYSICAL_ADDR) whenever the
 * load address is lower, so pref_address is the only useful choice when it
 * is usable at all (boot.rst, pref_address and init_size).
 */
static int plan_kernel(const struct bzimage_info *bz, struct linux_layout *l,
		       const char **why)
{
	uint64_t gpa = bz->pref_address;
	uint64_t footprint = max_u64(bz->init_size, bz->kernel_size);
	bool misaligned = bz->relocatable && (gpa & (bz->kernel_alignment - 1));

	if (gpa < LB_HIGH_MEM_GPA || misaligned) {
		if (!bz->relocatable)
			return fail(
				why,
				"kernel is not relocatable and its pref_address is below 1 MiB");
		gpa = align_up(LB_HIGH_MEM_GPA, bz->kernel_alignment);
	}
	l->kernel_gpa = gpa;
	l->kernel_size = bz->kernel_size;
	l->entry_gpa = gpa + ENTRY_64_OFFSET;
	if (gpa >= l->low_ram_end || footprint > l->low_ram_end - gpa)
		return too_small(l, "the kernel's load address and init_size",
				 gpa + align_up(footprint, PAGE_SIZE), why);
	l->kernel_end = align_up(gpa + footprint, PAGE_SIZE);
	l->ram_needed = l->kernel_end;
	return 0;
}

static int initrd_too_high(struct linux_layout *l, uint64_t ceiling,
			   const char **why)
{
	snprintf(
		l->msg, sizeof(l->msg),
		"initrd too large: it must fit between the kernel's end 0x%llx and 0x%llx (initrd_addr_max or the MMIO hole)",
		(unsigned long long)l->kernel_end, (unsigned long long)ceiling);
	return fail(why, l->msg);
}

/*
 * The initrd goes as high as it may (boot.rst, initrd_addr_max: "the address
 * of the highest safe byte"), so the kernel has the most room below it.
 */
static int plan_initrd(const struct bzimage_info *bz, uint64_t size,
		       struct linux_layout *l, const char **why)
{
	uint64_t ceiling =
		min_u64(l->low_ram_end, (uint64_t)bz->initrd_addr_max + 1);
	uint64_t need = l->kernel_end + align_up(size, LB_INITRD_ALIGN);

	if (!size)
		return 0;
	if (size > ceiling ||
	    align_down(ceiling - size, LB_INITRD_ALIGN) < l->kernel_end) {
		if (ceiling == l->ram_size)
			return too_small(l, "the kernel and the initrd", need,
					 why);
		return initrd_too_high(l, ceiling, why);
	}
	l->initrd_gpa = align_down(ceiling - size, LB_INITRD_ALIGN);
	l->initrd_size = size;
	l->ram_needed = need;
	return 0;
}

static void e820_add(struct linux_layout *l, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct e820_entry *e = &l->e820[l->nr_e820++];

	e->addr = addr;
	e->size = size;
	e->type = type;
}

/* A PC-like map, so that Linux's assumptions about low memory hold. */
static void plan_e820(struct linux_layout *l)
{
	e820_add(l, 0, LB_EBDA_GPA, E820_RAM);
	e820_add(l, LB_EBDA_GPA, LB_LOW_MEM_END - LB_EBDA_GPA, E820_RESERVED);
	e820_add(l, LB_FIRMWARE_GPA, LB_FIRMWARE_SIZE, E820_RESERVED);
	e820_add(l, LB_HIGH_MEM_GPA, l->low_ram_end - LB_HIGH_MEM_GPA,
		 E820_RAM);
	if (l->high_ram_size)
		e820_add(l, LB_HIGH_RAM_GPA, l->high_ram_size, E820_RAM);
}

int linux_layout_plan(const struct bzimage_info *bz, uint64_t ram_size,
		      uint64_t initrd_size, size_t cmdline_len,
		      struct linux_layout *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	plan_fixed(out, ram_size);
	if (ram_size <= LB_HIGH_MEM_GPA)
		return too_small(out, "the kernel's load address and init_size",
				 max_u64(bz->pref_address, LB_HIGH_MEM_GPA) +
					 bz->init_size,
				 why);
	if (plan_cmdline(bz, cmdline_len, out, why) ||
	    plan_kernel(bz, out, why) || plan_initrd(bz, initrd_size, out, why))
		return -EINVAL;
	plan_e820(out);
	if (why)
		*why = NULL;
	return 0;
}

/* ---- The command line ---- */

#define CMDLINE_VM_KEY "corral.vm="

int linux_build_cmdline(char *out, size_t out_size, const char *bootargs,
			const char *vm_name, uint32_t cmdline_size)
{
	size_t key = sizeof(CMDLINE_VM_KEY) - 1;
	size_t name, args, total;

	if (out_size)
		out[0] = '\0';
	if (!vm_name)
		return -EINVAL;
	name = strlen(vm_name);
	args = bootargs ? strlen(bootargs) : 0;
	total = key + name + (args ? 1 + args : 0);
	if (total > cmdline_size || total >= out_size || total > INT32_MAX)
		return -E2BIG;
	memcpy(out, CMDLINE_VM_KEY, key);
	memcpy(out + key, vm_name, name);
	if (args) {
		out[key + name] = ' ';
		memcpy(out + key + name + 1, bootargs, args);
	}
	out[total] = '\0';
	return (int)total;
}

/* ---- Writing guest memory ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* 64-bit pointers split over a setup-header field and an ext_* field. */
static void put_split(uint8_t *zp, unsigned int lo_off, unsigned int hi_off,
		      uint64_t v)
{
	put_le32(zp + lo_off, (uint32_t)v);
	put_le32(zp + hi_off, (uint32_t)(v >> 32));
}

/*
 * boot.rst, "64-bit Boot Protocol": zero the page, copy the setup header from
 * the image, then fill in what a boot loader must write. The all-zero
 * screen_info (offset 0) has no video mode, lines or columns, so Linux finds
 * no VGA text console and leaves the console to the UART.
 */
void linux_build_zero_page(uint8_t *zp, const struct linux_layout *l,
			   const struct bzimage_info *bz, const void *image,
			   uint64_t rsdp_gpa)
{
	memset(zp, 0, ZP_SIZE);
	memcpy(zp + ZP_HDR, (const uint8_t *)image + ZP_HDR,
	       bz->setup_header_len);

	zp[BZ_OFF_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	/* The kernel was not loaded at the default address: tell the 32-bit
	 * path where it is, as boot.rst asks for relocated kernels. */
	put_le32(zp + BZ_OFF_CODE32_START, (uint32_t)l->kernel_gpa);
	put_split(zp, BZ_OFF_RAMDISK_IMAGE, ZP_EXT_RAMDISK_IMAGE,
		  l->initrd_gpa);
	put_split(zp, BZ_OFF_RAMDISK_SIZE, ZP_EXT_RAMDISK_SIZE, l->initrd_size);
	put_split(zp, BZ_OFF_CMD_LINE_PTR, ZP_EXT_CMD_LINE_PTR, l->cmdline_gpa);
	put_le32(zp + BZ_OFF_HARDWARE_SUBARCH, 0); /* the default x86/PC */
	put_le64(zp + BZ_OFF_HARDWARE_SUBARCH_DATA, 0);
	put_le64(zp + BZ_OFF_SETUP_DATA, 0); /* no setup_data list */
	put_le64(zp + ZP_ACPI_RSDP_ADDR, rsdp_gpa);

	zp[ZP_E820_ENTRIES] = (uint8_t)l->nr_e820;
	memcpy(zp + ZP_E820_TABLE, l->e820,
	       l->nr_e820 * sizeof(struct e820_entry));
}

static void write_gdt(uint8_t *gdt)
{
	memset(gdt, 0, LB_GDT_ENTRIES * 8);
	put_le64(gdt + LB_BOOT_CS, LB_GDT_CODE64);
	put_le64(gdt + LB_BOOT_DS, LB_GDT_DATA);
}

/*
 * PML4[0] -> PDPT; PDPT[0..3] -> four PDs; each PD maps one GiB with 2 MiB
 * pages. boot.rst asks for the kernel's init_size range, the zero page and
 * the command line to be identity mapped; all of them lie below 4 GiB.
 */
static void write_page_tables(uint8_t *ram, uint64_t pml4_gpa)
{
	uint64_t pdpt_gpa = pml4_gpa + PAGE_SIZE;
	uint64_t pd_gpa = pdpt_gpa + PAGE_SIZE;
	unsigned int i, j;

	memset(ram + pml4_gpa, 0, (2 + LB_NR_PDS) * PAGE_SIZE);
	put_le64(ram + pml4_gpa, pdpt_gpa | PTE_P | PTE_RW);
	for (i = 0; i < LB_NR_PDS; i++) {
		uint64_t pd = pd_gpa + i * PAGE_SIZE;

		put_le64(ram + pdpt_gpa + i * 8, pd | PTE_P | PTE_RW);
		for (j = 0; j < PT_ENTRIES; j++)
			put_le64(ram + pd + j * 8, (i * PAGE_1G + j * PAGE_2M) |
							   PTE_P | PTE_RW |
							   PTE_PS);
	}
}

_Static_assert(LB_AP_PML4_GPA + (2 + LB_NR_PDS) * PAGE_SIZE <= LB_AP_BOOT_END &&
		       LB_AP_GDT_GPA >= LB_ACPI_GPA + LB_ACPI_SIZE,
	       "the secondary vCPUs' boot tables overlap their neighbours");

void linux_write_ap_boot(uint8_t *ram)
{
	write_gdt(ram + LB_AP_GDT_GPA);
	write_page_tables(ram, LB_AP_PML4_GPA);
}

void linux_load(uint8_t *ram, const struct linux_layout *l,
		const struct bzimage_info *bz, const void *image,
		const void *initrd, const char *cmdline, uint64_t rsdp_gpa)
{
	const uint8_t *img = image;
	size_t len = cmdline ? strnlen(cmdline, LB_CMDLINE_MAX - 1) : 0;

	memcpy(ram + l->kernel_gpa, img + bz->kernel_offset, l->kernel_size);
	if (initrd && l->initrd_size)
		memcpy(ram + l->initrd_gpa, initrd, l->initrd_size);
	if (len)
		memcpy(ram + l->cmdline_gpa, cmdline, len);
	ram[l->cmdline_gpa + len] = '\0';
	linux_build_zero_page(ram + l->zero_page_gpa, l, bz, img, rsdp_gpa);
	write_gdt(ram + l->gdt_gpa);
	write_page_tables(ram, l->pml4_gpa);
}
