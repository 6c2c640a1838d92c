/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_GUEST_MEM_H
#define CORRAL_GUEST_MEM_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct vm;
struct vcpu_mode;

/* Translates a guest-virtual address with the guest's own 4-level page
 * tables (SDM Vol. 3A 4.5); identity when paging is off. 0, or -EFAULT on
 * a non-present mapping or 32-bit paging. */
int guest_virt_to_phys(struct vm *vm, const struct vcpu_mode *m, uint64_t va,
		       uint64_t *pa);
/* Copies guest-virtual memory, page by page; returns bytes copied. */
size_t guest_read_virt(struct vm *vm, const struct vcpu_mode *m, uint64_t va,
		       void *dst, size_t len);

#endif
