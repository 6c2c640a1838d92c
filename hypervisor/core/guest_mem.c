// SPDX-License-Identifier: MIT
#include <core/guest_mem.h>
#include <string.h>
#include <core/vm.h>
#include <core/vcpu_backend.h>
#include <arch/x86.h>

#define PTE_P 1ull
#define PTE_PS (1ull << 7)
#define PTE_ADDR 0x000ffffffffff000ull

static int read_pte(struct vm *vm, uint64_t table, unsigned idx, uint64_t *e)
{
	uint64_t *p = vm_gpa_to_host(vm, (table & PTE_ADDR) + idx * 8, 8);

	if (!p)
		return -EFAULT;
	*e = *p;
	return *e & PTE_P ? 0 : -EFAULT;
}

int guest_virt_to_phys(struct vm *vm, const struct vcpu_mode *m, uint64_t va,
		       uint64_t *pa)
{
	uint64_t e = m->cr3;

	if (!(m->cr0 & X86_CR0_PG)) {
		*pa = va;
		return 0;
	}
	if (!(m->efer & X86_EFER_LMA))
		return -EFAULT; /* 32-bit paging: corral guests never use it */
	for (int level = 4; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);

		if (read_pte(vm, e, (va >> shift) & 511, &e))
			return -EFAULT;
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			uint64_t page = 1ull << shift;

			*pa = (e & PTE_ADDR & ~(page - 1)) | (va & (page - 1));
			return 0;
		}
	}
	return -EFAULT;
}

size_t guest_read_virt(struct vm *vm, const struct vcpu_mode *m, uint64_t va,
		       void *dst, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t pa, chunk = 4096 - ((va + done) & 4095);
		void *src;

		if (chunk > len - done)
			chunk = len - done;
		if (guest_virt_to_phys(vm, m, va + done, &pa))
			break;
		src = vm_gpa_to_host(vm, pa, chunk);
		if (!src)
			break;
		memcpy((uint8_t *)dst + done, src, chunk);
		done += chunk;
	}
	return done;
}
