// SPDX-License-Identifier: MIT
/*
 * VT-d legacy-mode root and context tables, VT-d spec rev 4.x:
 *   9.1 Root Entry: bit 0 P, bits 63:12 context-table pointer (CTP);
 *       bits 127:64 reserved. 256 entries of 16 bytes: one 4 KiB page.
 *   9.3 Context Entry: bit 0 P, bit 1 FPD, bits 3:2 TT, bits 63:12
 *       SLPTPTR; bits 66:64 AW, 70:67 ignored, 71 reserved, 87:72 DID,
 *       127:88 reserved. 256 entries (one per devfn): one 4 KiB page.
 *   11.4.2 Capability Register: bits 12:8 SAGAW.
 */
#include "vtd_tables.h"
#include <errno.h>
#include <stddef.h>

#define PT_ENTRIES 512
#define PAGE_MASK 0xfffull

static void barrier(void)
{
	__asm__ volatile("" ::: "memory");
}

int vtd_root_init(struct vtd_root_table *rt, const struct pt_alloc *a)
{
	uint64_t phys;
	uint64_t *t = a->alloc_page(a->ctx, &phys);

	if (!t) {
		rt->phys = 0;
		rt->virt = NULL;
		return -ENOMEM;
	}
	rt->phys = phys;
	rt->virt = t;
	return 0;
}

uint64_t *vtd_context_table(const struct vtd_root_table *rt, uint8_t bus,
			    const struct pt_alloc *a)
{
	uint64_t re = rt->virt[2 * bus];

	if (!(re & VTD_ROOT_P))
		return NULL;
	return a->phys_to_virt(a->ctx, re & VTD_ROOT_CTP_MASK);
}

int vtd_context_set(struct vtd_root_table *rt, uint8_t bus, uint8_t devfn,
		    uint64_t slptptr, uint8_t aw, uint16_t domain_id,
		    const struct pt_alloc *a)
{
	uint64_t *ct = vtd_context_table(rt, bus, a);
	uint64_t lo, hi;

	if (!slptptr || (slptptr & PAGE_MASK) || aw < VTD_AW_39 ||
	    aw > VTD_AW_57)
		return -EINVAL;
	if (!ct) {
		uint64_t phys;

		ct = a->alloc_page(a->ctx, &phys);
		if (!ct)
			return -ENOMEM;
		rt->virt[2 * bus + 1] = 0;
		barrier();
		rt->virt[2 * bus] = (phys & VTD_ROOT_CTP_MASK) | VTD_ROOT_P;
	}
	lo = (slptptr & VTD_CTX_SLPTPTR_MASK) |
	     VTD_CTX_TT_UNTRANSLATED << VTD_CTX_TT_SHIFT | VTD_CTX_P;
	hi = (aw & VTD_CTX_HI_AW_MASK) | (uint64_t)domain_id
						 << VTD_CTX_HI_DID_SHIFT;
	if (ct[2 * devfn] & VTD_CTX_P)
		return ct[2 * devfn] == lo && ct[2 * devfn + 1] == hi ? 0 :
									-EBUSY;
	ct[2 * devfn + 1] = hi;
	barrier();
	ct[2 * devfn] = lo;
	return 0;
}

void vtd_context_clear(struct vtd_root_table *rt, uint8_t bus, uint8_t devfn,
		       const struct pt_alloc *a)
{
	uint64_t *ct = vtd_context_table(rt, bus, a);

	if (!ct)
		return;
	ct[2 * devfn] = 0;
	barrier();
	ct[2 * devfn + 1] = 0;
}

bool vtd_context_get(const struct vtd_root_table *rt, uint8_t bus,
		     uint8_t devfn, uint64_t ctx[2], const struct pt_alloc *a)
{
	const uint64_t *ct = vtd_context_table(rt, bus, a);

	if (!ct) {
		ctx[0] = ctx[1] = 0;
		return false;
	}
	ctx[0] = ct[2 * devfn];
	ctx[1] = ct[2 * devfn + 1];
	return ctx[0] & VTD_CTX_P;
}

uint64_t vtd_sl_root_for_levels(uint64_t root4, int levels,
				const struct pt_format *f,
				const struct pt_alloc *a)
{
	uint64_t *t, phys;

	if (!root4)
		return 0;
	if (levels == 4)
		return root4;
	if (levels != 3)
		return 0;
	t = a->phys_to_virt(a->ctx, root4);
	/* Level-4 entry i covers [i * 512 GiB, (i + 1) * 512 GiB). */
	for (int i = 1; i < PT_ENTRIES; i++) {
		if (f->is_present(t[i]))
			return 0;
	}
	if (f->is_present(t[0]))
		return f->is_leaf(t[0], 4) ? 0 : t[0] & f->addr_mask;
	if (!a->alloc_page(a->ctx, &phys))
		return 0;
	t[0] = f->table_entry(phys);
	return phys;
}

int vtd_pick_aw(uint64_t cap)
{
	unsigned int sagaw = (cap >> VTD_CAP_SAGAW_SHIFT) & 0x1f;

	if (sagaw & (1u << VTD_AW_48))
		return VTD_AW_48;
	if (sagaw & (1u << VTD_AW_39))
		return VTD_AW_39;
	return -ENOTSUP;
}
