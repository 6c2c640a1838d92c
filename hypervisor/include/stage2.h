/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_STAGE2_H
#define CORRAL_STAGE2_H
#include <stdint.h>
#include <pt_format.h>

struct vm;

/* Emits vm->map in a backend's table format (EPT or NPT) from corral's page
 * allocator; returns the root's physical address, 0 when memory runs out. */
uint64_t stage2_build(struct vm *vm, const struct pt_format *f);

#endif
