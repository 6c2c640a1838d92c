// SPDX-License-Identifier: MIT
/*
 * AllocatePages()/FreePages() (UEFI 2.10 section 7.2.1/7.2.2) with a record
 * of what is held, so error paths can undo everything at once.
 */
#include <corral/boot_info.h>
#include "uefi.h"
#include "pages.h"
#include "console.h"

/*
 * Every module, the config, the hypervisor file and image, boot_info, the
 * trampoline and the memory map buffer, with room to spare.
 */
#define PAGES_RECORDS_MAX (BOOT_INFO_MAX_MODULES + 16)

struct pages_record {
	EFI_PHYSICAL_ADDRESS addr;
	UINTN pages;
};

static struct pages_record records[PAGES_RECORDS_MAX];
static UINTN nr_records;

static UINTN bytes_to_pages(UINT64 bytes)
{
	UINTN pages = EFI_SIZE_TO_PAGES(bytes);

	return pages ? pages : 1;
}

EFI_STATUS pages_alloc(EFI_ALLOCATE_TYPE type, UINT64 bytes, const char *what,
		       EFI_PHYSICAL_ADDRESS *addr)
{
	UINTN pages = bytes_to_pages(bytes);
	EFI_PHYSICAL_ADDRESS a = (type == AllocateAnyPages) ? 0 : *addr;
	EFI_STATUS status;

	if (nr_records == PAGES_RECORDS_MAX) {
		con_error("internal: more than %u page allocations (for %s)",
			  (unsigned int)PAGES_RECORDS_MAX, what);
		return EFI_OUT_OF_RESOURCES;
	}
	status = uefi_call_wrapper(efi_bs->AllocatePages, 4, type,
				   EfiLoaderData, pages, &a);
	if (EFI_ERROR(status)) {
		con_error("too little memory: cannot allocate %llu KiB for %s",
			  (unsigned long long)pages * (EFI_PAGE_SIZE / KIB(1)),
			  what);
		return status;
	}
	records[nr_records].addr = a;
	records[nr_records].pages = pages;
	nr_records++;
	*addr = a;
	return EFI_SUCCESS;
}

void pages_free(EFI_PHYSICAL_ADDRESS addr)
{
	for (UINTN i = 0; i < nr_records; i++) {
		if (records[i].addr != addr)
			continue;
		uefi_call_wrapper(efi_bs->FreePages, 2, records[i].addr,
				  records[i].pages);
		records[i] = records[--nr_records];
		return;
	}
}

void pages_free_all(void)
{
	while (nr_records) {
		nr_records--;
		uefi_call_wrapper(efi_bs->FreePages, 2,
				  records[nr_records].addr,
				  records[nr_records].pages);
	}
}
