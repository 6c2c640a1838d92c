// SPDX-License-Identifier: MIT
/*
 * Finding, reading and sanity-checking the system config. The loader only
 * checks what it needs to find the files to load; the hypervisor checks the
 * schema (docs/boot-flow.md).
 */
#include <libfdt.h>
#include "uefi.h"
#include "config.h"
#include "cmdline.h"
#include "console.h"
#include "pages.h"

static EFI_STATUS config_choose_path(const EFI_LOADED_IMAGE *image,
				     struct config *cfg)
{
	bool found;
	EFI_STATUS status;

	status = cmdline_config_path(image, cfg->path, sizeof(cfg->path),
				     &found);
	if (EFI_ERROR(status))
		return status;
	if (found) {
		con_info("config %s (from the command line)", cfg->path);
		return EFI_SUCCESS;
	}
	memcpy(cfg->path, CONFIG_DEFAULT_PATH, sizeof(CONFIG_DEFAULT_PATH));
	con_info("config %s", cfg->path);
	return EFI_SUCCESS;
}

/* The blob itself: header, and that the file holds all of it. */
static EFI_STATUS config_check_blob(const struct config *cfg)
{
	int err;

	if (cfg->file.size < sizeof(struct fdt_header)) {
		con_error("%s is not a device tree blob: only %llu bytes long",
			  cfg->path, (unsigned long long)cfg->file.size);
		return EFI_LOAD_ERROR;
	}
	err = fdt_check_header(cfg->fdt);
	if (err) {
		con_error("%s is not a valid device tree blob: %s", cfg->path,
			  fdt_strerror(err));
		return EFI_LOAD_ERROR;
	}
	if (fdt_totalsize(cfg->fdt) > cfg->file.size) {
		con_error(
			"%s is truncated: its header says %u bytes, the file has %llu",
			cfg->path, fdt_totalsize(cfg->fdt),
			(unsigned long long)cfg->file.size);
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

/* Root "compatible" must list CONFIG_COMPATIBLE (Devicetree spec 2.3.1). */
static EFI_STATUS config_check_compatible(const struct config *cfg)
{
	const char *compat;
	int len;

	compat = fdt_getprop(cfg->fdt, 0, "compatible", &len);
	if (!compat) {
		con_error(
			"%s: the root node has no \"compatible\" property; a corral config has compatible = \"%s\"",
			cfg->path, CONFIG_COMPATIBLE);
		return EFI_LOAD_ERROR;
	}
	if (fdt_stringlist_contains(compat, len, CONFIG_COMPATIBLE))
		return EFI_SUCCESS;
	if (len > 0 && strnlen(compat, len) < (size_t)len)
		con_error(
			"%s: the root node is compatible with \"%s\", not \"%s\"",
			cfg->path, compat, CONFIG_COMPATIBLE);
	else
		con_error(
			"%s: the root node's \"compatible\" is not a string; a corral config has compatible = \"%s\"",
			cfg->path, CONFIG_COMPATIBLE);
	return EFI_LOAD_ERROR;
}

static EFI_STATUS config_check(struct config *cfg)
{
	EFI_STATUS status;

	status = config_check_blob(cfg);
	if (EFI_ERROR(status))
		return status;
	status = config_check_compatible(cfg);
	if (EFI_ERROR(status))
		return status;
	cfg->vms_offset = fdt_path_offset(cfg->fdt, CONFIG_VMS_NODE);
	if (cfg->vms_offset < 0) {
		con_error("%s has no %s node: %s", cfg->path, CONFIG_VMS_NODE,
			  fdt_strerror(cfg->vms_offset));
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}

EFI_STATUS config_load(EFI_FILE_HANDLE root, const EFI_LOADED_IMAGE *image,
		       struct config *cfg)
{
	EFI_STATUS status;

	status = config_choose_path(image, cfg);
	if (EFI_ERROR(status))
		return status;
	status = file_read(root, cfg->path, "the system config", &cfg->file);
	if (EFI_ERROR(status))
		return status;
	cfg->fdt = (const void *)(UINTN)cfg->file.phys;
	status = config_check(cfg);
	if (EFI_ERROR(status))
		pages_free(cfg->file.phys);
	return status;
}
