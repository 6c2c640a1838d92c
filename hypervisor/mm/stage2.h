/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_STAGE2_H
#define CORRAL_STAGE2_H
#include <stdint.h>
#include <pt_build.h>
#include <pt_format.h>

/* Table pages from corral's page allocator (identity mapped). */
extern const struct pt_alloc host_pt_alloc;

/* Emits a VM's guest-physical map in a backend's table format (EPT or NPT)
 * from corral's page allocator; returns the root's physical address, 0 when
 * memory runs out. */
uint64_t stage2_build(const struct gpa_map *map, const struct pt_format *f);
/* Frees tables stage2_build made, once no vCPU can use them any more. */
void stage2_free(uint64_t root, const struct pt_format *f);

#endif
