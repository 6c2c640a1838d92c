// SPDX-License-Identifier: MIT
/*
 * Placing the hypervisor. AllocatePages() cannot ask for alignment
 * (UEFI 2.10 section 7.2.1), so the loader takes span + 2 MiB below 4 GiB
 * (AllocateMaxAddress) and uses the first 2 MiB boundary inside it. The
 * slack around the image stays EfiLoaderData; boot_info describes only
 * the image (docs/boot_info.md).
 */
#include "uefi.h"
#include "hv_image.h"
#include "elf_load.h"
#include "file.h"
#include "pages.h"
#include "console.h"

static EFI_STATUS hv_place(struct elf_image *img)
{
	EFI_PHYSICAL_ADDRESS mem = HV_IMAGE_MAX_ADDR;
	EFI_STATUS status;

	status = pages_alloc(AllocateMaxAddress, img->span + HV_IMAGE_ALIGN,
			     "the hypervisor image (below 4 GiB)", &mem);
	if (EFI_ERROR(status))
		return status;
	img->base = (UINT8 *)(UINTN)ALIGN_UP(mem, HV_IMAGE_ALIGN);
	elf_copy(img);
	status = elf_relocate(img);
	if (EFI_ERROR(status))
		pages_free(mem);
	return status;
}

static EFI_STATUS hv_load_file(const struct loaded_file *f,
			       struct boot_info *bi, UINT64 *entry)
{
	struct elf_image img = {
		.path = HV_IMAGE_PATH,
		.file = (const UINT8 *)(UINTN)f->phys,
		.file_size = f->size,
	};
	EFI_STATUS status;

	status = elf_check(&img);
	if (EFI_ERROR(status))
		return status;
	status = hv_place(&img);
	if (EFI_ERROR(status))
		return status;
	bi->hv_phys_base = (UINT64)(UINTN)img.base;
	bi->hv_phys_size = img.span;
	*entry = bi->hv_phys_base + img.eh->e_entry;
	con_info("hypervisor %s: %llu KiB at 0x%llx, entry 0x%llx",
		 HV_IMAGE_PATH, (unsigned long long)(img.span / KIB(1)),
		 (unsigned long long)bi->hv_phys_base,
		 (unsigned long long)*entry);
	return EFI_SUCCESS;
}

EFI_STATUS hv_image_load(EFI_FILE_HANDLE root, struct boot_info *bi,
			 UINT64 *entry)
{
	struct loaded_file f;
	EFI_STATUS status;

	status = file_read(root, HV_IMAGE_PATH, "the hypervisor image", &f);
	if (EFI_ERROR(status))
		return status;
	status = hv_load_file(&f, bi, entry);
	pages_free(f.phys);
	return status;
}
