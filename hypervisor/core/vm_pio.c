// SPDX-License-Identifier: MIT
/* A VM's emulated I/O ports (core/vm_pio.h): registered at build time, looked
 * up on every port I/O exit (the I/O bitmaps make every port exit). */
#include <core/vm.h>
#include <core/vm_pio.h>

int vm_add_pio(struct vm *vm, const struct pio_region *r)
{
	if (vm->nr_pio == VM_MAX_PIO)
		return -ENOSPC;
	vm->pio[vm->nr_pio++] = *r;
	return 0;
}

bool vm_pio_access(struct vm *vm, uint16_t port, uint8_t size, bool in,
		   uint32_t *val)
{
	for (uint32_t i = 0; i < vm->nr_pio; i++) {
		const struct pio_region *r = &vm->pio[i];

		if (port >= r->base && port - r->base < r->count &&
		    r->access(r->ctx, port, size, in, val))
			return true;
	}
	return false;
}
