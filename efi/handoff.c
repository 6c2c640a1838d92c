// SPDX-License-Identifier: MIT
/*
 * The last steps in the firmware's world (UEFI 2.10 section 7.4.6,
 * ExitBootServices(), and 7.2.3, GetMemoryMap()):
 *  - the map key must come from the very last GetMemoryMap(), so the buffer
 *    is allocated first (allocating changes the map) with some slack;
 *  - if ExitBootServices() says EFI_INVALID_PARAMETER the map changed (an
 *    event ran); the loader takes the map again and retries. After the
 *    first call the firmware may have shut part of itself down, and the
 *    spec allows only the memory allocation services besides
 *    ExitBootServices(); the loader calls nothing but GetMemoryMap() in
 *    between. Should every attempt fail, the error message is best effort.
 */
#include "uefi.h"
#include "handoff.h"
#include "pages.h"
#include "console.h"
#include "status.h"

/* Descriptors the map may grow by between sizing it and taking it. */
#define MMAP_SLACK_DESCS 16
/* ExitBootServices() attempts before giving up. */
#define EBS_TRIES 4

struct mmap_buf {
	EFI_MEMORY_DESCRIPTOR *desc;
	UINTN cap;  /* bytes */
	UINTN size; /* bytes filled by GetMemoryMap() */
	UINTN key;
	UINTN desc_size;
	UINT32 desc_version;
};

/* The hypervisor's entry uses the SysV ABI: the argument goes in RDI. */
typedef void hv_entry_fn(struct boot_info *bi) __attribute__((sysv_abi));

static EFI_STATUS mmap_get(struct mmap_buf *m)
{
	m->size = m->cap;
	return uefi_call_wrapper(efi_bs->GetMemoryMap, 5, &m->size, m->desc,
				 &m->key, &m->desc_size, &m->desc_version);
}

static EFI_STATUS mmap_alloc(struct mmap_buf *m)
{
	EFI_PHYSICAL_ADDRESS addr;
	EFI_STATUS status;

	m->cap = 0;
	m->desc = NULL;
	status = mmap_get(m);
	if (status != EFI_BUFFER_TOO_SMALL) {
		con_error("cannot size the memory map: %s",
			  efi_status_str(status));
		return EFI_ERROR(status) ? status : EFI_LOAD_ERROR;
	}
	m->cap = ALIGN_UP(m->size + MMAP_SLACK_DESCS * m->desc_size,
			  EFI_PAGE_SIZE);
	status = pages_alloc(AllocateAnyPages, m->cap, "the memory map", &addr);
	if (EFI_ERROR(status))
		return status;
	m->desc = (EFI_MEMORY_DESCRIPTOR *)(UINTN)addr;
	return EFI_SUCCESS;
}

/* Returns with boot services gone, or with an error (best-effort report). */
static EFI_STATUS exit_boot_services(struct mmap_buf *m)
{
	EFI_STATUS status;
	unsigned int tries = 0;

	status = mmap_get(m);
	if (EFI_ERROR(status)) {
		con_error("cannot get the memory map: %s",
			  efi_status_str(status));
		return status;
	}
	for (;;) {
		tries++;
		status = uefi_call_wrapper(efi_bs->ExitBootServices, 2,
					   efi_image, m->key);
		if (status != EFI_INVALID_PARAMETER || tries == EBS_TRIES)
			break;
		status = mmap_get(m);
		if (EFI_ERROR(status))
			break;
	}
	if (EFI_ERROR(status))
		con_error("ExitBootServices() failed after %u attempts: %s",
			  tries, efi_status_str(status));
	return status;
}

static void __attribute__((noreturn))
hv_enter(UINT64 entry, struct boot_info *bi)
{
	hv_entry_fn *fn = (hv_entry_fn *)(UINTN)entry;

	__asm__ volatile("cli" : : : "memory");
	fn(bi);
	/* Runtime services outlive ExitBootServices() (section 8). */
	con_raw_serial("error: the hypervisor returned; resetting");
	uefi_call_wrapper(efi_systab->RuntimeServices->ResetSystem, 4,
			  EfiResetCold, EFI_ABORTED, 0, NULL);
	for (;;)
		__asm__ volatile("cli; hlt");
}

EFI_STATUS handoff(struct boot_info *bi, UINT64 entry)
{
	struct mmap_buf m;
	EFI_STATUS status;

	con_info("handing off to the hypervisor at 0x%llx",
		 (unsigned long long)bi->hv_phys_base);
	status = mmap_alloc(&m);
	if (EFI_ERROR(status))
		return status;
	status = exit_boot_services(&m);
	if (EFI_ERROR(status))
		return status;
	bi->mmap_phys = (UINT64)(UINTN)m.desc;
	bi->mmap_size = m.size;
	bi->mmap_desc_size = m.desc_size;
	bi->mmap_desc_version = m.desc_version;
	hv_enter(entry, bi);
}
