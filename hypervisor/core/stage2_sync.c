// SPDX-License-Identifier: MIT
/* Changes to a running VM's stage-2 tables (core/stage2_sync.h). */
#include <arch/x86.h>
#include <core/backend.h>
#include <core/stage2_sync.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <errno.h>
#include <mm/stage2.h>

/* Is generation `seen` older than `want` (they wrap)? */
static bool older(uint32_t seen, uint32_t want)
{
	return (int32_t)(seen - want) < 0;
}

void stage2_flush_wait(struct vm *vm)
{
	uint32_t want =
		__atomic_add_fetch(&vm->stage2_gen, 1, __ATOMIC_SEQ_CST);

	/*
	 * A vCPU sets in_guest before it reads the generation, and this
	 * bumped the generation before it reads in_guest (both sequentially
	 * consistent): either the vCPU flushes for `want` at its next
	 * entry, or it is seen in the guest and kicked out. One on this pCPU
	 * is not in the guest: this pCPU is here.
	 */
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];
		bool kicked = false;

		while (__atomic_load_n(&v->in_guest, __ATOMIC_SEQ_CST) &&
		       older(__atomic_load_n(&v->stage2_seen, __ATOMIC_SEQ_CST),
			     want)) {
			if (!kicked)
				vcpu_kick(v);
			kicked = true;
			cpu_relax();
		}
	}
}

int stage2_window_add(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	const struct pt_format *f = backend()->stage2_format;
	struct gpa_region r;
	int err;

	spin_lock(&vm->map_lock);
	err = gpa_map_add_window(&vm->map, gpa, hpa, size);
	if (!err &&
	    !pt_map_region(vm->stage2_root, gpa_map_lookup(&vm->map, gpa), f,
			   &host_pt_alloc)) {
		/* What was mapped of it goes again. */
		pt_unmap_range(vm->stage2_root, gpa, size, f, &host_pt_alloc);
		gpa_map_remove(&vm->map, gpa, &r);
		err = -ENOMEM;
	}
	spin_unlock(&vm->map_lock);
	if (err == -ENOMEM)
		stage2_flush_wait(vm);
	return err;
}

void stage2_window_remove(struct vm *vm, uint64_t gpa)
{
	struct gpa_region r;
	bool removed;

	spin_lock(&vm->map_lock);
	removed = !gpa_map_remove(&vm->map, gpa, &r);
	if (removed)
		pt_unmap_range(vm->stage2_root, r.gpa, r.size,
			       backend()->stage2_format, &host_pt_alloc);
	spin_unlock(&vm->map_lock);
	if (removed)
		stage2_flush_wait(vm);
}
