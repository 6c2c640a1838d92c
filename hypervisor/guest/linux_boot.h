/* SPDX-License-Identifier: MIT */
/*
 * How a stock Linux kernel is placed in a VM's RAM and entered through the
 * 64-bit boot protocol (Linux Documentation/x86/boot.rst, "64-bit Boot
 * Protocol"; the zero page is Documentation/x86/zero-page.rst).
 *
 * The guest-physical map that this module plans:
 *   0x00000-0x05FFF  free (real-mode IVT/BDA area, left zero)
 *   0x06000          GDT: null, null, __BOOT_CS 0x10, __BOOT_DS 0x18
 *   0x07000          zero page (struct boot_params)
 *   0x09000          PML4; PDPT at 0xA000; four PDs at 0xB000-0xEFFF:
 *                    identity map of 0..4 GiB with 2 MiB pages
 *   0x20000          kernel command line (at most LB_CMDLINE_MAX bytes)
 *   0x9FC00-0x9FFFF  reserved (where a PC's EBDA would be)
 *   0xE0000-0xFFFFF  reserved: the guest's ACPI tables (guest_acpi.c)
 *   0x100000-        RAM: the kernel at its pref_address, the initrd at the
 *                    top of low RAM
 *   LB_LOW_RAM_LIMIT-4 GiB   MMIO hole (never RAM)
 *   4 GiB-           RAM beyond LB_LOW_RAM_LIMIT, if any
 *
 * Entry (boot.rst): 64-bit mode, paging on with the tables above (CR3 =
 * LB_PML4_GPA), GDTR = { LB_GDT_GPA, LB_GDT_LIMIT }, CS = LB_BOOT_CS,
 * DS = ES = SS = LB_BOOT_DS, interrupts off, RSI = zero_page_gpa,
 * RIP = entry_gpa.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 */
#ifndef CORRAL_LINUX_BOOT_H
#define CORRAL_LINUX_BOOT_H
#include <stddef.h>
#include <stdint.h>

#include <guest/bzimage.h>

#define LB_GDT_GPA 0x6000 /* null, null, __BOOT_CS, __BOOT_DS */
#define LB_ZERO_PAGE_GPA 0x7000
#define LB_PML4_GPA 0x9000 /* PML4, PDPT at 0xA000, 4 PDs at 0xB000-0xEFFF */
#define LB_PDPT_GPA 0xA000
#define LB_PD_GPA 0xB000
#define LB_NR_PDS 4 /* one per GiB: 0..4 GiB */
#define LB_CMDLINE_GPA 0x20000
#define LB_CMDLINE_MAX 0x10000 /* bytes for the command line and its NUL */
/* [0xE0000, 0x100000) is reserved in the e820 map: corral's "firmware".
 * The DMI scan reads 0xF0000-0xFFFFF with string instructions, so that
 * part stays plain (zeroed) RAM; nothing there is emulated. */
#define LB_FIRMWARE_GPA 0xE0000
#define LB_FIRMWARE_SIZE 0x20000
#define LB_ACPI_GPA 0xE0000 /* guest ACPI tables: [0xE0000, 0xE8000) */
#define LB_ACPI_SIZE 0x8000
/* Secondary vCPUs start in 64-bit mode (ACPI 6.4 §5.2.12.19) with this GDT
 * and identity map (PML4, PDPT and 4 PDs, as for the boot CPU), which stay
 * valid because the range is reserved; docs/smp-guests.md. */
#define LB_AP_GDT_GPA 0xE8000
#define LB_AP_PML4_GPA 0xE9000 /* to 0xEEFFF */
#define LB_AP_BOOT_END 0xEF000
/* The MP wakeup mailbox: a hole in the RAM map that corral emulates. It
 * sits in the VGA hole (no e820 entry; the guest has no VGA), which is the
 * one legacy range Linux's early scans skip: the iBFT scan compares every
 * 16 bytes of [0x80000, 0x100000) except it, with instructions that MMIO
 * emulation need not know. */
#define LB_MP_MAILBOX_GPA 0xBF000
#define LB_MP_MAILBOX_SIZE 0x1000

#define LB_BOOT_CS 0x10
#define LB_BOOT_DS 0x18
#define LB_GDT_ENTRIES 4
#define LB_GDT_LIMIT (LB_GDT_ENTRIES * 8 - 1)
/* Flat 4 GiB descriptors (Intel SDM Vol. 3A §3.4.5): 64-bit code, execute/
 * read, accessed (L=1, D=0, G=1); data read/write, accessed (D/B=1, G=1). */
#define LB_GDT_CODE64 0x00AF9B000000FFFFull
#define LB_GDT_DATA 0x00CF93000000FFFFull
/* The same segments in VMCS access-rights format (SDM Vol. 3C §24.4.1). */
#define LB_BOOT_CS_AR 0xA09B
#define LB_BOOT_DS_AR 0xC093

#define LB_EBDA_GPA 0x9FC00    /* reserved to the end of conventional memory */
#define LB_LOW_MEM_END 0xA0000 /* the legacy VGA/ROM hole starts here */
#define LB_HIGH_MEM_GPA 0x100000 /* 1 MiB: the kernel never loads below */
/* RAM above this is placed at 4 GiB instead, leaving [3 GiB, 4 GiB) for
 * ECAM, PCI BARs, the IOAPIC and the LAPIC. */
#define LB_LOW_RAM_LIMIT 0xC0000000ull
#define LB_HIGH_RAM_GPA 0x100000000ull
#define LB_INITRD_ALIGN 0x1000

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

#define E820_RAM 1
#define E820_RESERVED 2
#define LB_E820_MAX 8

struct linux_layout {
	uint64_t ram_size;
	uint64_t low_ram_end;	/* min(ram_size, LB_LOW_RAM_LIMIT), at GPA 0 */
	uint64_t high_ram_size; /* the rest, at LB_HIGH_RAM_GPA */
	uint64_t kernel_gpa;	/* protected-mode kernel load address */
	uint64_t kernel_size;	/* bytes copied from the image */
	uint64_t kernel_end;	/* end of the init_size range, page-aligned */
	uint64_t entry_gpa;	/* kernel_gpa + 0x200: the 64-bit entry */
	uint64_t initrd_gpa, initrd_size; /* 0,0 if none */
	uint64_t ram_needed; /* least ram_size with which this plan fits */
	uint64_t zero_page_gpa, cmdline_gpa, pml4_gpa, gdt_gpa;
	uint32_t nr_e820;
	struct e820_entry e820[LB_E820_MAX];
	char msg[160]; /* holds *why when planning fails */
};

/*
 * Plans where everything goes for a VM of ram_size bytes. Returns 0, or
 * -EINVAL
 * with *why ("memory-mib too small: kernel and initrd need 97 MiB ...")
 * pointing into out->msg or to a constant.
 *
 * The kernel loads at its pref_address. A relocatable kernel whose
 * pref_address is unusable (below 1 MiB or misaligned) loads at the first
 * kernel_alignment boundary above 1 MiB instead. It is never moved lower to
 * squeeze into a small VM: Linux's decompressor runs at pref_address
 * (LOAD_PHYSICAL_ADDR) or above whatever the load address.
 */
int linux_layout_plan(const struct bzimage_info *bz, uint64_t ram_size,
		      uint64_t initrd_size, size_t cmdline_len,
		      struct linux_layout *out, const char **why);

/*
 * Builds the command line "corral.vm=<name> <bootargs>" (loader options go
 * first, as boot.rst's "Special Command Line Options" recommends, so that
 * a "--" or "init=" in bootargs cannot swallow them). bootargs may be NULL
 * or "". Returns the length (without NUL), or -E2BIG if it would exceed
 * cmdline_size or does not fit out[out_size] (-EINVAL without a name); out
 * is "" then.
 */
int linux_build_cmdline(char *out, size_t out_size, const char *bootargs,
			const char *vm_name, uint32_t cmdline_size);

/*
 * Writes everything into guest RAM: `ram` is the host pointer of GPA 0 and
 * holds at least l->low_ram_end bytes (nothing is written above it). Copies
 * the protected-mode kernel and the initrd (`initrd` may be NULL when
 * l->initrd_size is 0), the command line, the zero page, the GDT and the
 * identity page tables. rsdp_gpa goes to boot_params.acpi_rsdp_addr.
 */
/* Writes the GDT and identity map secondary vCPUs start with. */
void linux_write_ap_boot(uint8_t *ram);
void linux_load(uint8_t *ram, const struct linux_layout *l,
		const struct bzimage_info *bz, const void *image,
		const void *initrd, const char *cmdline, uint64_t rsdp_gpa);

/*
 * The zero-page part of linux_load(), for callers that place boot_params
 * themselves: fills the 4 KiB at `zp` (struct boot_params, zero-page.rst)
 * from the image's setup header and the plan.
 */
void linux_build_zero_page(uint8_t *zp, const struct linux_layout *l,
			   const struct bzimage_info *bz, const void *image,
			   uint64_t rsdp_gpa);

#endif /* CORRAL_LINUX_BOOT_H */
