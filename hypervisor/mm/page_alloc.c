// SPDX-License-Identifier: MIT
/*
 * Physical memory for corral comes only from what UEFI calls conventional or
 * boot-services memory (free after ExitBootServices, UEFI 2.10 7.2). Loader
 * code/data (our image, the boot_info, the files), runtime services, ACPI and
 * reserved ranges are never handed out. The first MiB is kept for the AP
 * trampoline and the firmware's legacy areas.
 */
#include <mm/page_alloc.h>
#include <mm/efi_mmap.h>
#include <mm/range_alloc.h>
#include <host/spinlock.h>
#include <string.h>
#include <host/log.h>

#define LOW_MEMORY_END 0x100000ull

static struct range_alloc free_ranges;
static struct spinlock alloc_lock;
static uint64_t phys_top;

static const struct boot_info *map_info;

static bool boot_services_type(uint32_t type)
{
	return type == EFI_BOOT_SERVICES_CODE || type == EFI_BOOT_SERVICES_DATA;
}

static void add_ranges(const struct boot_info *bi, bool boot_services)
{
	uint64_t n = bi->mmap_size / bi->mmap_desc_size;

	for (uint64_t i = 0; i < n; i++) {
		const struct efi_memory_descriptor *d =
			(const void *)(bi->mmap_phys + i * bi->mmap_desc_size);
		uint64_t end = d->phys_start + d->nr_pages * EFI_PAGE_SIZE;

		if (end > phys_top)
			phys_top = end;
		if (boot_services ? !boot_services_type(d->type) :
				    d->type != EFI_CONVENTIONAL_MEMORY)
			continue;
		if (range_add(&free_ranges, d->phys_start, end))
			pr_warn("memory map has too many ranges; ignoring 0x%llx-0x%llx",
				(unsigned long long)d->phys_start,
				(unsigned long long)end);
	}
	/* Belt and braces: the loader's allocations are LoaderData anyway. */
	range_remove(&free_ranges, 0, LOW_MEMORY_END);
	range_remove(&free_ranges, bi->hv_phys_base,
		     bi->hv_phys_base + bi->hv_phys_size);
}

/* Conventional memory only: the firmware's page tables, GDT and IDT live
 * in boot-services memory and stay in use until corral loads its own. */
void page_alloc_init(const struct boot_info *bi)
{
	map_info = bi;
	range_alloc_init(&free_ranges);
	add_ranges(bi, false);
}

void page_alloc_add_boot_services(void)
{
	add_ranges(map_info, true);
	pr_info("memory: %llu MiB free for corral and its VMs",
		(unsigned long long)(range_total(&free_ranges) >> 20));
}

void *page_alloc(uint64_t size, uint64_t align, uint64_t limit)
{
	uint64_t p;

	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	spin_lock(&alloc_lock);
	p = range_alloc(&free_ranges, size, align, limit);
	spin_unlock(&alloc_lock);
	if (!p)
		return NULL;
	memset((void *)p, 0, size);
	return (void *)p;
}

void *page_alloc_zeroed_page(void)
{
	return page_alloc(PAGE_SIZE, PAGE_SIZE, SZ_4G);
}

void page_free(void *p, uint64_t size)
{
	size = (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	spin_lock(&alloc_lock);
	if (range_add(&free_ranges, (uint64_t)p, (uint64_t)p + size))
		pr_warn("free-range table full: leaking %llu KiB",
			(unsigned long long)(size >> 10));
	spin_unlock(&alloc_lock);
}

uint64_t page_alloc_free_bytes(void)
{
	return range_total(&free_ranges);
}

uint64_t page_alloc_phys_top(void)
{
	return phys_top;
}

/* UEFI 2.10 7.2: EfiMemoryMappedIO (11) and EfiMemoryMappedIOPortSpace
 * (12) are device space, and EfiReservedMemoryType (0) is whatever the
 * firmware keeps out of the OS's hands, MMIO included on many machines;
 * every other type is memory. */
#define EFI_MMIO 11
#define EFI_MMIO_PORT_SPACE 12

size_t page_alloc_memory_ranges(struct phys_range *out, size_t max)
{
	uint64_t n = map_info->mmap_size / map_info->mmap_desc_size;
	size_t nr = 0;

	for (uint64_t i = 0; i < n; i++) {
		const struct efi_memory_descriptor *d =
			(const void *)(map_info->mmap_phys +
				       i * map_info->mmap_desc_size);

		if (d->type == EFI_RESERVED || d->type == EFI_MMIO ||
		    d->type == EFI_MMIO_PORT_SPACE)
			continue;
		if (nr < max)
			out[nr] = (struct phys_range){
				d->phys_start,
				d->phys_start + d->nr_pages * EFI_PAGE_SIZE,
				"RAM or firmware memory (UEFI memory map)"
			};
		nr++;
	}
	return nr;
}
