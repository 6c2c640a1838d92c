/* SPDX-License-Identifier: MIT */
/*
 * The guest-physical map of one VM: which GPA ranges are backed by which host
 * memory and with which rights. EPT, NPT and (later) VT-d second-level tables
 * are all emitted from this one description (pt_build.c); nothing else
 * decides what a VM can reach.
 */
#ifndef CORRAL_GPA_MAP_H
#define CORRAL_GPA_MAP_H
#include <stdint.h>
#include <stdbool.h>

#define GPA_MAP_MAX_REGIONS 32

enum gpa_perm {
	GPA_READ = 1 << 0,
	GPA_WRITE = 1 << 1,
	GPA_EXEC = 1 << 2,
	GPA_RWX = GPA_READ | GPA_WRITE | GPA_EXEC,
};

enum gpa_mem_type {
	GPA_MEM_WB, /* RAM */
	GPA_MEM_UC, /* device memory (assigned BARs) */
};

/* Region flags. */
enum gpa_flags {
	/* A window onto memory that is not this VM's (a client's RAM in its
	 * driver VM: docs/virtio.md): the CPU may reach it through the
	 * stage-2 tables, a device never (no IOMMU mapping), and corral
	 * never reads or writes it on this VM's behalf. */
	GPA_FOREIGN = 1 << 0,
	/* The region's host memory is one GPA_REPEAT_SIZE block, repeated
	 * over the whole region: what stands in for a client's window while
	 * the driver VM lets go of it (docs/channel.md), so that a late
	 * access lands on throw-away memory instead of a hole. Always with
	 * GPA_FOREIGN. */
	GPA_REPEAT = 1 << 1,
};

#define GPA_REPEAT_SIZE (2ull << 20)

struct gpa_region {
	uint64_t gpa, hpa, size; /* all 4 KiB aligned */
	uint8_t perm;
	uint8_t mem_type;
	uint8_t flags;
};

/*
 * Changes. A VM's map is built before it runs; afterwards only foreign
 * windows come and go (gpa_map_add_window, gpa_map_remove), one writer
 * at a time (the caller's lock), while vCPUs on other pCPUs look regions
 * up without a lock. So a removed region becomes empty (size 0) rather
 * than moving another, an added one fills an empty slot or the next, and
 * its size is written last: a reader sees a region whole or not at all.
 */
struct gpa_map {
	uint32_t nr; /* slots in use, empty ones (size 0) included */
	struct gpa_region r[GPA_MAP_MAX_REGIONS];
};

void gpa_map_init(struct gpa_map *m);
/* Adds a region: 0, or -EINVAL (not 4 KiB aligned), -ERANGE (empty or
 * wrapping), -ENOSPC (the table is full) or -EEXIST (it overlaps another
 * region in guest-physical space). */
int gpa_map_add(struct gpa_map *m, uint64_t gpa, uint64_t hpa, uint64_t size,
		uint8_t perm, uint8_t mem_type);
/* A foreign window (GPA_FOREIGN, write-back, read and write, no
 * execute); the errors of gpa_map_add(). */
int gpa_map_add_window(struct gpa_map *m, uint64_t gpa, uint64_t hpa,
		       uint64_t size);
/* A GPA_REPEAT window over [gpa, gpa+size) of the GPA_REPEAT_SIZE block
 * at hpa (aligned to its size, else -EINVAL); the errors of
 * gpa_map_add(). */
int gpa_map_add_scratch(struct gpa_map *m, uint64_t gpa, uint64_t hpa,
			uint64_t size);
/* Removes the region that starts at gpa into *out: 0, or -ENOENT. */
int gpa_map_remove(struct gpa_map *m, uint64_t gpa, struct gpa_region *out);
/* What a gpa_map_add() error means, for a log line. */
const char *gpa_map_strerror(int err);
/* The end of the free space from `from`: the lowest start of a region in
 * [from, limit), or limit when none; `from` itself when a region holds
 * it. */
uint64_t gpa_map_free_from(const struct gpa_map *m, uint64_t from,
			   uint64_t limit);
/* The region containing gpa, or NULL. */
const struct gpa_region *gpa_map_lookup(const struct gpa_map *m, uint64_t gpa);
/* The host-physical address of [gpa, gpa+len) when one RAM region
 * (GPA_MEM_WB, not GPA_FOREIGN) holds all of it, else 0: device memory
 * (an assigned BAR) and another VM's memory are never a target for
 * corral's own reads and writes on a guest's behalf.
 * corral identity-maps host memory, so the address is also a pointer. */
uintptr_t gpa_map_to_host(const struct gpa_map *m, uint64_t gpa, uint64_t len);

#endif
