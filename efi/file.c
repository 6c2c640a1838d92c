// SPDX-License-Identifier: MIT
/*
 * Whole-file reads through EFI_SIMPLE_FILE_SYSTEM_PROTOCOL and
 * EFI_FILE_PROTOCOL (UEFI 2.10 sections 13.4 and 13.5). The loader reads
 * from the device it was loaded from: EFI_LOADED_IMAGE_PROTOCOL.DeviceHandle
 * (section 9.1).
 */
#include <corral/boot_info.h>
#include <errno.h>
#include "uefi.h"
#include "file.h"
#include "pages.h"
#include "console.h"
#include "status.h"

/* Some firmware file systems fail on very large single reads. */
#define FILE_READ_CHUNK MIB(16)

/* EFI_FILE_INFO ends in the file name; leave room for a long one. */
#define FILE_INFO_NAME_ROOM (BOOT_MODULE_PATH_MAX * sizeof(CHAR16))

static EFI_GUID loaded_image_guid = EFI_LOADED_IMAGE_PROTOCOL_GUID;
static EFI_GUID simple_fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID file_info_guid = EFI_FILE_INFO_ID;

EFI_STATUS file_loaded_image(EFI_LOADED_IMAGE **image)
{
	EFI_STATUS status;

	status = uefi_call_wrapper(efi_bs->HandleProtocol, 3, efi_image,
				   &loaded_image_guid, (void **)image);
	if (EFI_ERROR(status))
		con_error(
			"cannot get the loader's own EFI_LOADED_IMAGE_PROTOCOL: %s",
			efi_status_str(status));
	return status;
}

EFI_STATUS file_open_volume(EFI_LOADED_IMAGE *image, EFI_FILE_HANDLE *root)
{
	EFI_FILE_IO_INTERFACE *fs;
	EFI_STATUS status;

	status = uefi_call_wrapper(efi_bs->HandleProtocol, 3,
				   image->DeviceHandle, &simple_fs_guid,
				   (void **)&fs);
	if (EFI_ERROR(status)) {
		con_error(
			"the volume the loader was started from has no file system: %s",
			efi_status_str(status));
		return status;
	}
	status = uefi_call_wrapper(fs->OpenVolume, 2, fs, root);
	if (EFI_ERROR(status))
		con_error("cannot open the loader's volume: %s",
			  efi_status_str(status));
	return status;
}

void file_close(EFI_FILE_HANDLE f)
{
	uefi_call_wrapper(f->Close, 1, f);
}

/* EFI_FILE_PROTOCOL.Open() takes a UCS-2 path with '\' separators. */
static int path_to_ucs2(const char *path, CHAR16 *out, UINTN cap)
{
	UINTN i;

	for (i = 0; path[i]; i++) {
		if (i + 1 >= cap || (unsigned char)path[i] >= 0x80)
			return -EINVAL;
		out[i] = path[i] == '/' ? L'\\' : (CHAR16)path[i];
	}
	out[i] = 0;
	return 0;
}

/* The size from EFI_FILE_INFO (UEFI 2.10 section 13.5.16). */
static EFI_STATUS file_size(EFI_FILE_HANDLE f, const char *path,
			    const char *why, UINT64 *size)
{
	union {
		EFI_FILE_INFO info;
		UINT8 bytes[sizeof(EFI_FILE_INFO) + FILE_INFO_NAME_ROOM];
	} buf;
	UINTN len = sizeof(buf);
	EFI_STATUS status;

	status = uefi_call_wrapper(f->GetInfo, 4, f, &file_info_guid, &len,
				   &buf);
	if (EFI_ERROR(status)) {
		con_error("cannot get the size of %s (%s): %s", path, why,
			  efi_status_str(status));
		return status;
	}
	if (buf.info.Attribute & EFI_FILE_DIRECTORY) {
		con_error("%s (%s) is a directory, not a file", path, why);
		return EFI_INVALID_PARAMETER;
	}
	*size = buf.info.FileSize;
	return EFI_SUCCESS;
}

static EFI_STATUS file_read_all(EFI_FILE_HANDLE f, const char *path,
				const char *why, UINT8 *dst, UINT64 size)
{
	UINT64 done = 0;
	EFI_STATUS status;

	while (done < size) {
		UINTN n = size - done;

		if (n > FILE_READ_CHUNK)
			n = FILE_READ_CHUNK;
		status = uefi_call_wrapper(f->Read, 3, f, &n, dst + done);
		if (EFI_ERROR(status)) {
			con_error("cannot read %s (%s): %s", path, why,
				  efi_status_str(status));
			return status;
		}
		if (n == 0) {
			con_error(
				"cannot read %s (%s): the file ended after %llu of %llu bytes",
				path, why, (unsigned long long)done,
				(unsigned long long)size);
			return EFI_END_OF_FILE;
		}
		done += n;
	}
	return EFI_SUCCESS;
}

/* Sizes, allocates and reads an open file. */
static EFI_STATUS file_load(EFI_FILE_HANDLE f, const char *path,
			    const char *why, struct loaded_file *out)
{
	EFI_PHYSICAL_ADDRESS phys;
	EFI_STATUS status;
	UINT64 size;

	status = file_size(f, path, why, &size);
	if (EFI_ERROR(status))
		return status;
	status = pages_alloc(AllocateAnyPages, size, path, &phys);
	if (EFI_ERROR(status))
		return status;
	status = file_read_all(f, path, why, (UINT8 *)(UINTN)phys, size);
	if (EFI_ERROR(status)) {
		pages_free(phys);
		return status;
	}
	out->phys = phys;
	out->size = size;
	return EFI_SUCCESS;
}

EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path, const char *why,
		     struct loaded_file *out)
{
	CHAR16 wpath[BOOT_MODULE_PATH_MAX];
	EFI_FILE_HANDLE f;
	EFI_STATUS status;

	if (path_to_ucs2(path, wpath, ARRAY_SIZE(wpath))) {
		con_error(
			"cannot open %s (%s): the path must be ASCII and shorter than %u characters",
			path, why, (unsigned int)BOOT_MODULE_PATH_MAX);
		return EFI_INVALID_PARAMETER;
	}
	status = uefi_call_wrapper(root->Open, 5, root, &f, wpath,
				   EFI_FILE_MODE_READ, 0ull);
	if (EFI_ERROR(status)) {
		con_error("cannot open %s (%s): %s", path, why,
			  efi_status_str(status));
		return status;
	}
	status = file_load(f, path, why, out);
	file_close(f);
	return status;
}
