// SPDX-License-Identifier: MIT
/*
 * corral runs on its own page tables: physical memory identity mapped, so a
 * physical address is a pointer. 1 GiB pages where the CPU has them
 * (CPUID.80000001H:EDX[26]), else 2 MiB pages (SDM Vol. 3A 4.5).
 */
#include <mm/paging.h>
#include <mm/page_alloc.h>
#include <arch/x86.h>
#include <host/log.h>

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EDX_PAGE1GB (1u << 26)
#define MIN_IDENTITY_MAP \
	(64ull << 30) /* covers the 32-bit MMIO hole and more */
#define PML4_SPAN (512ull << 30)
#define MAX_PHYS_BITS 46

static uint64_t *pml4;

static uint64_t *new_table(void)
{
	uint64_t *t = page_alloc_zeroed_page();

	if (!t)
		panic("out of memory building the hypervisor page tables");
	return t;
}

static void map_1g(uint64_t *pdpt, uint64_t base)
{
	for (int i = 0; i < 512; i++)
		pdpt[i] = (base + (uint64_t)i * SZ_1G) | PTE_P | PTE_W | PTE_PS;
}

static void map_2m(uint64_t *pdpt, uint64_t base)
{
	for (int i = 0; i < 512; i++) {
		uint64_t *pd = new_table();

		for (int j = 0; j < 512; j++)
			pd[j] = (base + (uint64_t)i * SZ_1G +
				 (uint64_t)j * SZ_2M) |
				PTE_P | PTE_W | PTE_PS;
		pdpt[i] = (uint64_t)pd | PTE_P | PTE_W;
	}
}

/* Everything the CPU can address (CPUID 80000008h:EAX[7:0]), so that
 * 64-bit BARs far above RAM are reachable too; capped at 64 TiB. */
static uint64_t physical_span(void)
{
	unsigned bits = cpuid(0x80000000u).eax >= 0x80000008u ?
				cpuid(0x80000008u).eax & 0xff :
				36;

	if (bits > MAX_PHYS_BITS)
		bits = MAX_PHYS_BITS;
	return 1ull << bits;
}

void paging_init(void)
{
	uint64_t top = page_alloc_phys_top();
	bool gb = cpuid(CPUID_EXT_FEATURES).edx & CPUID_EDX_PAGE1GB;

	if (top < MIN_IDENTITY_MAP)
		top = MIN_IDENTITY_MAP;
	if (gb && top < physical_span())
		top = physical_span();
	pml4 = new_table();
	for (uint64_t base = 0; base < top; base += PML4_SPAN) {
		uint64_t *pdpt = new_table();

		if (gb)
			map_1g(pdpt, base);
		else
			map_2m(pdpt, base);
		pml4[base / PML4_SPAN] = (uint64_t)pdpt | PTE_P | PTE_W;
		if (!gb)
			break; /* 2 MiB mode maps the first 512 GiB at most */
	}
	write_cr3((uint64_t)pml4);
	pr_info("paging: identity map of %llu GiB with %s pages",
		(unsigned long long)(gb ? (top + PML4_SPAN - 1) / PML4_SPAN *
						     512 :
					  512),
		gb ? "1 GiB" : "2 MiB (the first 512 GiB)");
}

uint64_t paging_root(void)
{
	return (uint64_t)pml4;
}
