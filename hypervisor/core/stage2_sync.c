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

/* Adds a window (or scratch) region and maps it, under map_lock: 0, the
 * gpa_map errors, or -ENOMEM with nothing of it left behind. */
static int add_locked(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size,
		      bool scratch)
{
	const struct pt_format *f = backend()->stage2_format;
	struct gpa_region r;
	int err = scratch ? gpa_map_add_scratch(&vm->map, gpa, hpa, size) :
			    gpa_map_add_window(&vm->map, gpa, hpa, size);

	if (!err &&
	    !pt_map_region(vm->stage2_root, gpa_map_lookup(&vm->map, gpa), f,
			   &host_pt_alloc)) {
		/* What was mapped of it goes again. */
		pt_unmap_range(vm->stage2_root, gpa, size, f, &host_pt_alloc);
		gpa_map_remove(&vm->map, gpa, &r);
		err = -ENOMEM;
	}
	return err;
}

/* Takes the region at gpa out of the map and the tables, under map_lock. */
static bool remove_locked(struct vm *vm, uint64_t gpa, struct gpa_region *r)
{
	if (gpa_map_remove(&vm->map, gpa, r))
		return false;
	pt_unmap_range(vm->stage2_root, r->gpa, r->size,
		       backend()->stage2_format, &host_pt_alloc);
	return true;
}

int stage2_window_add(struct vm *vm, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	int err;

	spin_lock(&vm->map_lock);
	err = add_locked(vm, gpa, hpa, size, false);
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
	removed = remove_locked(vm, gpa, &r);
	spin_unlock(&vm->map_lock);
	if (removed)
		stage2_flush_wait(vm);
}

int stage2_window_to_scratch(struct vm *vm, uint64_t gpa, uint64_t scratch)
{
	struct gpa_region r;
	int err = -ENOENT;

	spin_lock(&vm->map_lock);
	if (remove_locked(vm, gpa, &r))
		err = add_locked(vm, r.gpa, scratch, r.size, true);
	spin_unlock(&vm->map_lock);
	if (err != -ENOENT)
		stage2_flush_wait(vm);
	return err;
}

bool stage2_npf_settled(struct vm *vm, uint64_t gpa, bool write, bool fetch)
{
	uint8_t need = fetch ? GPA_EXEC : write ? GPA_WRITE : GPA_READ;
	const struct gpa_region *r;
	bool ok;

	/* A change holds map_lock from the unmap to the new mapping. */
	spin_lock(&vm->map_lock);
	r = gpa_map_lookup(&vm->map, gpa);
	ok = r && (r->perm & need);
	spin_unlock(&vm->map_lock);
	return ok;
}
