// SPDX-License-Identifier: MIT
/*
 * corral.efi: loads the hypervisor, its config and the guest files, then
 * leaves the firmware (docs/boot-flow.md). Every error before the hand-off
 * is printed, everything allocated is given back, and efi_main() returns
 * the error to the firmware (UEFI 2.10 section 4.1, EFI_IMAGE_ENTRY_POINT),
 * which then tries the next boot option.
 */
#include "uefi.h"
#include "console.h"
#include "pages.h"
#include "cpu_check.h"
#include "file.h"
#include "config.h"
#include "config_files.h"
#include "hv_image.h"
#include "acpi.h"
#include "trampoline.h"
#include "boot_info.h"
#include "handoff.h"

/*
 * The boot manager arms a 5-minute watchdog before starting a boot option
 * (UEFI 2.10 section 3.1.2). Reading large guest images under an emulator
 * can take longer; the loader never waits for input, so switch it off
 * (section 7.5.1, SetWatchdogTimer(): a timeout of 0 disables it).
 */
static void watchdog_off(void)
{
	uefi_call_wrapper(efi_bs->SetWatchdogTimer, 4, 0, 0, 0, NULL);
}

/* Everything read from the loader's volume. */
static EFI_STATUS load_files(EFI_FILE_HANDLE root, EFI_LOADED_IMAGE *image,
			     struct boot_info *bi, UINT64 *entry)
{
	struct config cfg;
	EFI_STATUS status;

	status = config_load(root, image, &cfg);
	if (EFI_ERROR(status))
		return status;
	boot_info_set_config(bi, &cfg);
	status = config_files_load(root, &cfg, bi);
	if (EFI_ERROR(status))
		return status;
	return hv_image_load(root, bi, entry);
}

static EFI_STATUS load_from_volume(struct boot_info *bi, UINT64 *entry)
{
	EFI_LOADED_IMAGE *image;
	EFI_FILE_HANDLE root;
	EFI_STATUS status;

	status = file_loaded_image(&image);
	if (EFI_ERROR(status))
		return status;
	status = file_open_volume(image, &root);
	if (EFI_ERROR(status))
		return status;
	status = load_files(root, image, bi, entry);
	file_close(root);
	return status;
}

/* Returns only on failure; on success the hypervisor has the machine. */
static EFI_STATUS boot(void)
{
	struct boot_info *bi;
	UINT64 entry;
	EFI_STATUS status;

	status = cpu_check();
	if (EFI_ERROR(status))
		return status;
	watchdog_off();
	status = boot_info_alloc(&bi);
	if (EFI_ERROR(status))
		return status;
	status = load_from_volume(bi, &entry);
	if (EFI_ERROR(status))
		return status;
	bi->acpi_rsdp_phys = acpi_find_rsdp();
	status = trampoline_reserve(&bi->trampoline_phys);
	if (EFI_ERROR(status))
		return status;
	return handoff(bi, entry);
}

/* GNU-EFI's crt0 relocates the image and calls this with the SysV ABI. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_STATUS status;

	uefi_init(image, systab);
	con_info("%s starting", CORRAL_VERSION);
	status = boot();
	con_info("returning to firmware");
	pages_free_all();
	return EFI_ERROR(status) ? status : EFI_LOAD_ERROR;
}
