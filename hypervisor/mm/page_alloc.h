/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_PAGE_ALLOC_H
#define CORRAL_PAGE_ALLOC_H
#include <stdint.h>
#include <stddef.h>
#include <phys_range.h>
#include <corral/boot_info.h>

#define PAGE_SIZE 4096ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull
#define SZ_4G 0x100000000ull
#define ALLOC_ANYWHERE (~0ull)

void page_alloc_init(const struct boot_info *bi);
/* Boot-services memory becomes free once corral runs on its own page
 * tables and descriptor tables (UEFI 2.10, 7.4 ExitBootServices). */
void page_alloc_add_boot_services(void);
/* Zeroed, physically contiguous memory (identity mapped: phys == virt).
 * NULL when nothing fits. `limit`: the block must end at or below it. */
void *page_alloc(uint64_t size, uint64_t align, uint64_t limit);
void *page_alloc_zeroed_page(void);
void page_free(void *p, uint64_t size);
uint64_t page_alloc_free_bytes(void);
/* Highest physical address the firmware map mentions (for the identity map). */
uint64_t page_alloc_phys_top(void);
/* Fills out[] with the memory the firmware's map describes (every type
 * but reserved, MMIO and MMIO port space), at most max ranges; returns how
 * many there are (more than max when they did not all fit). */
size_t page_alloc_memory_ranges(struct phys_range *out, size_t max);

#endif
