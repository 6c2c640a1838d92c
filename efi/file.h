/* SPDX-License-Identifier: MIT */
/* Reading whole files from the volume the loader itself came from. */
#ifndef CORRAL_EFI_FILE_H
#define CORRAL_EFI_FILE_H

#include "uefi.h"

/* A file's contents in page-aligned EfiLoaderData (see pages.h). */
struct loaded_file {
	EFI_PHYSICAL_ADDRESS phys;
	UINT64 size;
};

/* The loader's own EFI_LOADED_IMAGE_PROTOCOL (LoadOptions, DeviceHandle). */
EFI_STATUS file_loaded_image(EFI_LOADED_IMAGE **image);

/* Opens the root directory of the file system on image->DeviceHandle. */
EFI_STATUS file_open_volume(EFI_LOADED_IMAGE *image, EFI_FILE_HANDLE *root);

void file_close(EFI_FILE_HANDLE f);

/*
 * Reads `path` (ASCII, "\dir\name"; '/' is taken as '\') from `root`.
 * `why` says who wants the file, e.g. "named by /vms/vm@0 property
 * \"kernel\""; errors print "cannot open <path> (<why>): <status>".
 */
EFI_STATUS file_read(EFI_FILE_HANDLE root, const char *path, const char *why,
		     struct loaded_file *out);

#endif /* CORRAL_EFI_FILE_H */
