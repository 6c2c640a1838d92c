// SPDX-License-Identifier: MIT
/* A VM's emulated MMIO regions (core/vm_mmio.h): registered at build time,
 * looked up on every stage-2 fault that is not RAM. */
#include <core/vm.h>
#include <core/vm_mmio.h>

int vm_add_mmio(struct vm *vm, const struct mmio_region *r)
{
	if (vm->nr_mmio == VM_MAX_MMIO)
		return -ENOSPC;
	vm->mmio[vm->nr_mmio++] = *r;
	return 0;
}

const struct mmio_region *vm_find_mmio(const struct vm *vm, uint64_t gpa)
{
	for (uint32_t i = 0; i < vm->nr_mmio; i++) {
		const struct mmio_region *r = &vm->mmio[i];

		if (gpa >= r->base && gpa - r->base < r->size)
			return r;
	}
	return NULL;
}
