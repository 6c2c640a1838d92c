/* SPDX-License-Identifier: MIT */
/*
 * VT-d legacy-mode translation structures (VT-d spec rev 4.x chapter 9):
 * the root table (9.1), one context table per bus (9.3), and the choice of
 * second-level paging depth (3.7, 9.8, capability register 11.4.2).
 *
 * Pure code: tables come from a struct pt_alloc, so the host tests run
 * them on fake memory. Hardware concerns stay with the driver: clflush
 * when ECAP.C = 0 (page-walk not coherent), write-buffer flushing, and
 * context-cache / IOTLB invalidation after every change (6.5, 6.2.2.1).
 */
#ifndef CORRAL_VTD_TABLES_H
#define CORRAL_VTD_TABLES_H
#include <stdbool.h>
#include <stdint.h>
#include "pt_build.h"

/* Root entry (9.1): 128 bits, indexed by bus. */
#define VTD_ROOT_P (1ull << 0)
#define VTD_ROOT_CTP_MASK 0xfffffffffffff000ull /* bits 63:12 */

/* Context entry (9.3): 128 bits, indexed by devfn. [0] = bits 63:0. */
#define VTD_CTX_P (1ull << 0)
#define VTD_CTX_FPD (1ull << 1)
#define VTD_CTX_TT_SHIFT 2			   /* bits 3:2 */
#define VTD_CTX_TT_UNTRANSLATED 0ull		   /* second level only */
#define VTD_CTX_TT_ALL 1ull			   /* + device-TLB (ATS) */
#define VTD_CTX_TT_PASSTHROUGH 2ull		   /* ECAP.PT */
#define VTD_CTX_SLPTPTR_MASK 0xfffffffffffff000ull /* bits 63:12 */
/* [1] = bits 127:64 */
#define VTD_CTX_HI_AW_MASK 0x7ull /* bits 66:64 */
#define VTD_CTX_HI_DID_SHIFT 8	  /* bits 87:72 */

/* Address widths (context AW, capability SAGAW bit numbers). */
#define VTD_AW_39 1	      /* 3-level */
#define VTD_AW_48 2	      /* 4-level */
#define VTD_AW_57 3	      /* 5-level */
#define VTD_CAP_SAGAW_SHIFT 8 /* capability register bits 12:8 */

struct vtd_root_table {
	uint64_t phys;
	uint64_t *virt; /* 256 root entries of 128 bits: virt[2 * bus] */
};

/* Allocates the (zeroed) root table. 0, or -1 when out of memory. */
int vtd_root_init(struct vtd_root_table *rt, const struct pt_alloc *a);

/*
 * Installs the context entry for bus:devfn (9.3): P = 1, FPD = 0,
 * TT = 00 (untranslated requests through second-level tables; translated
 * and translation requests are blocked), SLPTPTR = slptptr, AW = aw
 * (1 = 3-level/39-bit, 2 = 4-level/48-bit, 3 = 5-level/57-bit),
 * DID = domain_id. Allocates the bus's context table on first use.
 *
 * Returns -1 for a bad argument (slptptr zero or not 4 KiB aligned, aw
 * not 1..3), when out of memory, or when a different entry is present
 * (software must clear and invalidate before re-pointing a device,
 * 6.2.2.1); 0 if installed or already identical. The upper half is written
 * before the lower half that holds P. With CAP.CM = 1 domain id 0 is
 * reserved (9.3), so use ids from 1.
 */
int vtd_context_set(struct vtd_root_table *rt, uint8_t bus, uint8_t devfn,
		    uint64_t slptptr, uint8_t aw, uint16_t domain_id,
		    const struct pt_alloc *a);
/* The context table of `bus`, or NULL if its root entry is not present. */
uint64_t *vtd_context_table(const struct vtd_root_table *rt, uint8_t bus,
			    const struct pt_alloc *a);
/* Marks bus:devfn not present (lower half with P first). The context table
 * stays, even if empty. */
void vtd_context_clear(struct vtd_root_table *rt, uint8_t bus, uint8_t devfn,
		       const struct pt_alloc *a);
/* Copies bus:devfn's context entry into ctx (zeros if the bus has no
 * context table); true if it is present. */
bool vtd_context_get(const struct vtd_root_table *rt, uint8_t bus,
		     uint8_t devfn, uint64_t ctx[2], const struct pt_alloc *a);

/*
 * corral builds 4-level tables (ept/pt_build.c). For a unit walking
 * `levels` levels: 4 returns root4; 3 returns the level-3 table under
 * root4's entry 0 (allocating an empty one there if nothing is mapped),
 * valid only if nothing is mapped at or above 512 GiB. Returns 0 when that
 * does not hold, for other depths, or when out of memory.
 */
uint64_t vtd_sl_root_for_levels(uint64_t root4, int levels,
				const struct pt_format *f,
				const struct pt_alloc *a);

/* Paging levels for a context AW value. */
static inline int vtd_aw_levels(int aw)
{
	return aw + 2;
}

/* SAGAW (capability bits 12:8; bit 1 = 39-bit, bit 2 = 48-bit) -> the AW
 * corral uses: 2 (4-level) if supported, else 1 (3-level), else -1. */
int vtd_pick_aw(uint64_t cap);

#endif
