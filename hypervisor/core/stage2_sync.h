/* SPDX-License-Identifier: MIT */
/*
 * Changes to a running VM's stage-2 tables: windows onto another VM's
 * memory (docs/channel.md) come and go while its vCPUs run on other
 * pCPUs. A mapping that is added needs no flush (no CPU caches a
 * translation that did not exist: SDM 3C 29.4.1, APM 15.16); one that is
 * removed does, on every pCPU that may hold it, before the memory behind
 * it may be used for anything else.
 */
#ifndef CORRAL_STAGE2_SYNC_H
#define CORRAL_STAGE2_SYNC_H
#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Maps [hpa, hpa + size) at gpa as a foreign window (GPA_FOREIGN: never
 * in the IOMMU). 0, or the gpa_map_add() errors, or -ENOMEM. */
int stage2_window_add(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size);
/* Unmaps the window at gpa, and returns only when no vCPU of the VM can
 * still reach the memory through a cached translation. */
void stage2_window_remove(struct vm *vm, uint64_t gpa);
/* Replaces the window at gpa, in one step under the map's lock, with
 * scratch: the GPA_REPEAT_SIZE block at `scratch`, repeated over the same
 * range (GPA_REPEAT). Returns when no vCPU can reach the old memory. 0,
 * -ENOENT (no window there), or -ENOMEM (then the range is a hole). */
int stage2_window_to_scratch(struct vm *vm, uint64_t gpa, uint64_t scratch);
/* A nested page fault at gpa that the map allows now (write or fetch as
 * the fault says): it met a window change half-way, and the access is
 * retried. */
bool stage2_npf_settled(struct vm *vm, uint64_t gpa, bool write, bool fetch);
/* Every vCPU of the VM flushes its guest-physical translations before it
 * runs guest code again; returns once each has or is not in the guest. */
void stage2_flush_wait(struct vm *vm);

#endif
