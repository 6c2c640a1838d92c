/* SPDX-License-Identifier: MIT */
/*
 * What a client's virtio-blk device exports (docs/config.md, "virtio-blk"):
 *
 *     DISK[:PART][@START+COUNT]
 *
 * DISK is the kernel's name of a disk in the driver VM ("nvme0n1", "sda",
 * "vdb": letters and digits). PART is a partition of it, by number ("2")
 * or by GPT partition name ("label=data"). @START+COUNT narrows the export
 * to COUNT 512-byte sectors from sector START of the disk or partition.
 * Examples: "nvme0n1", "nvme0n1:2", "sda:label=client-a",
 * "nvme0n1@2048+409600", "nvme0n1:3@0+8192".
 *
 * corral checks the syntax and what can be known without the disk (two
 * exports that surely overlap); the block mapper resolves the rest on
 * the disk itself. Pure logic, shared by both (unit.export_spec).
 */
#ifndef CORRAL_EXPORT_SPEC_H
#define CORRAL_EXPORT_SPEC_H
#include <stdbool.h>
#include <stdint.h>

#define EXPORT_SPEC_MAX 64 /* the whole string, with its NUL */
#define EXPORT_DISK_MAX 32
#define EXPORT_LABEL_MAX 36 /* a GPT partition name: 36 UTF-16 units */

struct export_spec {
	char disk[EXPORT_DISK_MAX];
	uint32_t part;			  /* 0: the whole disk (or by label) */
	char label[EXPORT_LABEL_MAX + 1]; /* "": by number or whole */
	bool ranged;
	uint64_t start, count; /* sectors, when ranged */
};

/* 0 and *e; or -1 with *why. */
int export_spec_parse(const char *s, struct export_spec *e, const char **why);

enum export_overlap {
	EXPORT_APART,	/* they cannot share a sector */
	EXPORT_OVERLAP, /* they surely share one */
	EXPORT_UNKNOWN, /* only the disk can tell (a label and a number) */
};

/* Do two exports (of the same driver VM) share sectors? */
enum export_overlap export_spec_overlap(const struct export_spec *a,
					const struct export_spec *b);

#endif
