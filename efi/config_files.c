// SPDX-License-Identifier: MIT
/*
 * Walks /vms for file names. The schema is the hypervisor's business
 * (hypervisor/config.c, docs/config.md): a VM without a "kernel", or with a
 * value that is not a path, is reported there and only that VM fails. The
 * loader loads every usable path, and a named file it cannot read stops the
 * boot.
 */
#include <stdbool.h>
#include <format.h>
#include <libfdt.h>
#include "uefi.h"
#include "config_files.h"
#include "console.h"
#include "file.h"

/* Properties of a /vms subnode whose value is a file to load. */
static const char *const file_props[] = { "kernel", "initrd" };

#define NODE_PATH_MAX 128
#define WHY_MAX (NODE_PATH_MAX + 64)
#define ASCII_PRINTABLE_MIN 0x20
#define ASCII_PRINTABLE_MAX 0x7E

/* Where a file name came from, for messages. */
struct file_ref {
	char node[NODE_PATH_MAX];
	const char *prop;
	const char *path;
};

static bool is_printable_ascii(const char *s, int len)
{
	for (int i = 0; i < len; i++) {
		if (s[i] < ASCII_PRINTABLE_MIN || s[i] > ASCII_PRINTABLE_MAX)
			return false;
	}
	return true;
}

/*
 * A usable value is one printable ASCII string of 1..127 characters. An
 * empty string means "no file" (docs/config.md). Anything else is skipped
 * with a note: the hypervisor reports it against the node and property and
 * keeps that VM from starting, while the other VMs still run.
 */
static bool usable_path(const struct config *cfg, const struct file_ref *ref,
			int len)
{
	const char *v = ref->path;

	if (len == 1 && v[0] == '\0')
		return false;
	if (len >= 2 && len <= BOOT_MODULE_PATH_MAX && v[len - 1] == '\0' &&
	    strnlen(v, len) == (size_t)len - 1 &&
	    is_printable_ascii(v, len - 1))
		return true;
	con_info(
		"note: %s: %s property \"%s\" is not a path of 1 to %u ASCII characters; not loading it (the hypervisor reports it)",
		cfg->path, ref->node, ref->prop,
		(unsigned int)BOOT_MODULE_PATH_MAX - 1);
	return false;
}

static bool already_loaded(const struct boot_info *bi, const char *path)
{
	for (UINT32 i = 0; i < bi->nr_modules; i++) {
		if (!strcmp(bi->modules[i].path, path))
			return true;
	}
	return false;
}

static EFI_STATUS load_module(EFI_FILE_HANDLE root, const struct config *cfg,
			      const struct file_ref *ref, struct boot_info *bi)
{
	struct boot_module *m;
	struct loaded_file f;
	char why[WHY_MAX];
	EFI_STATUS status;

	if (bi->nr_modules == BOOT_INFO_MAX_MODULES) {
		con_error(
			"%s names more than %u distinct files (kernel and initrd values); the limit is BOOT_INFO_MAX_MODULES = %u (at %s property \"%s\")",
			cfg->path, (unsigned int)BOOT_INFO_MAX_MODULES,
			(unsigned int)BOOT_INFO_MAX_MODULES, ref->node,
			ref->prop);
		return EFI_OUT_OF_RESOURCES;
	}
	snprintf(why, sizeof(why), "named by %s property \"%s\"", ref->node,
		 ref->prop);
	status = file_read(root, ref->path, why, &f);
	if (EFI_ERROR(status))
		return status;
	m = &bi->modules[bi->nr_modules++];
	m->phys = f.phys;
	m->size = f.size;
	memcpy(m->path, ref->path, strlen(ref->path) + 1);
	con_info("loaded %s (%llu KiB) at 0x%llx", m->path,
		 (unsigned long long)ALIGN_UP(f.size, KIB(1)) / KIB(1),
		 (unsigned long long)f.phys);
	return EFI_SUCCESS;
}

static EFI_STATUS node_file(EFI_FILE_HANDLE root, const struct config *cfg,
			    int node, const char *prop, struct boot_info *bi)
{
	struct file_ref ref = { .prop = prop };
	int len, err;

	ref.path = fdt_getprop(cfg->fdt, node, prop, &len);
	if (!ref.path && len == -FDT_ERR_NOTFOUND)
		return EFI_SUCCESS;
	err = fdt_get_path(cfg->fdt, node, ref.node, sizeof(ref.node));
	if (err)
		snprintf(ref.node, sizeof(ref.node), "/vms/%s",
			 fdt_get_name(cfg->fdt, node, NULL));
	if (!ref.path) {
		con_error("%s: %s property \"%s\" cannot be read: %s",
			  cfg->path, ref.node, prop, fdt_strerror(len));
		return EFI_LOAD_ERROR;
	}
	if (!usable_path(cfg, &ref, len) || already_loaded(bi, ref.path))
		return EFI_SUCCESS;
	return load_module(root, cfg, &ref, bi);
}

EFI_STATUS config_files_load(EFI_FILE_HANDLE root, const struct config *cfg,
			     struct boot_info *bi)
{
	EFI_STATUS status;
	int node;

	fdt_for_each_subnode(node, cfg->fdt, cfg->vms_offset) {
		for (UINTN i = 0; i < ARRAY_SIZE(file_props); i++) {
			status = node_file(root, cfg, node, file_props[i], bi);
			if (EFI_ERROR(status))
				return status;
		}
	}
	if (node != -FDT_ERR_NOTFOUND) {
		con_error("%s: cannot walk %s: %s", cfg->path, CONFIG_VMS_NODE,
			  fdt_strerror(node));
		return EFI_LOAD_ERROR;
	}
	return EFI_SUCCESS;
}
