/* SPDX-License-Identifier: MIT */
/*
 * VT-d interrupt remapping, the pure part: the 128-bit Interrupt Remapping
 * Table Entry (VT-d spec rev 4.x 9.10; 9.9 in rev 5.x), the remappable MSI
 * address/data a device is programmed with (5.1.2.2, 5.1.5.2), and the
 * compatibility-format MSI a guest writes into its virtual MSI/MSI-X
 * registers (5.1.2.1; SDM Vol. 3A 11.11).
 */
#ifndef CORRAL_IRTE_H
#define CORRAL_IRTE_H
#include <stdbool.h>
#include <stdint.h>

/* Delivery modes (IRTE DLM, MSI data bits 10:8). */
#define IRTE_DLM_FIXED 0
#define IRTE_DLM_LOWPRI 1
#define IRTE_DLM_SMI 2
#define IRTE_DLM_NMI 4
#define IRTE_DLM_INIT 5
#define IRTE_DLM_EXTINT 7

/* IRTE fields (9.10). irte[0] holds bits 63:0, irte[1] bits 127:64. */
#define IRTE_P (1ull << 0)	   /* present */
#define IRTE_FPD (1ull << 1)	   /* fault processing disable */
#define IRTE_DM (1ull << 2)	   /* destination mode: 1 = logical */
#define IRTE_RH (1ull << 3)	   /* redirection hint */
#define IRTE_TM (1ull << 4)	   /* trigger mode: 1 = level */
#define IRTE_DLM_SHIFT 5	   /* delivery mode, bits 7:5 */
#define IRTE_IM (1ull << 15)	   /* IRTE mode: 1 = posted (9.11) */
#define IRTE_VECTOR_SHIFT 16	   /* bits 23:16 */
#define IRTE_DST_SHIFT 32	   /* x2APIC: bits 63:32 */
#define IRTE_XAPIC_DST_SHIFT 40	   /* xAPIC: bits 47:40 */
#define IRTE_HI_SID_MASK 0xffffull /* bits 79:64: source id */
#define IRTE_HI_SQ_SHIFT 16	   /* bits 81:80: source-id qualifier */
#define IRTE_HI_SVT_SHIFT 18	   /* bits 83:82: source validation type */
#define IRTE_SVT_NONE 0
#define IRTE_SVT_SID 1 /* verify requester id against SID/SQ */
#define IRTE_SVT_BUS 2 /* verify requester bus in SID's range */
#define IRTE_SQ_ALL 0  /* compare all 16 bits */

struct irte_params {
	uint8_t vector;
	uint32_t dest;	       /* APIC id (xAPIC: low 8 bits used) */
	bool x2apic;	       /* the unit runs with IRTA.EIME = 1 */
	bool logical;	       /* logical destination mode */
	bool level;	       /* level triggered */
	uint8_t delivery_mode; /* IRTE_DLM_*, 3 bits */
	/* IRTE_SVT_SID: only requester id source_id (bus << 8 | devfn, SQ =
	 * 00); IRTE_SVT_BUS: requester buses source_id >> 8 (start) to
	 * source_id & 0xff (end); IRTE_SVT_NONE (0): any. */
	uint16_t source_id;
	uint8_t verify;
};

/*
 * Fills a remapped-format entry (IM = 0) with P = 1. RH is set only for
 * lowest-priority delivery (the hint lets hardware pick one CPU of the
 * destination set); FPD stays 0 so faults are reported. Writes irte[1]
 * before irte[0] (which holds P), but not atomically: to change a live
 * entry, encode into a local copy and install it with a 128-bit store
 * (CMPXCHG16B) or clear P first, then invalidate the interrupt entry cache.
 */
void irte_encode(uint64_t irte[2], const struct irte_params *p);
/* Not present: irte[0] (P) is cleared first, then irte[1]. */
void irte_clear(uint64_t irte[2]);

/*
 * The remappable-format MSI (5.1.2.2) that makes a device raise interrupt
 * `index` of its unit's table, with no sub-handle (SHV = 0, data = 0):
 * address 0xfee00000 | handle[14:0] << 5 | 1 << 4 (interrupt format) |
 * handle[15] << 2. addr_hi is 0.
 */
void msi_remappable(uint16_t index, uint32_t *addr_lo, uint32_t *addr_hi,
		    uint32_t *data);

/* A compatibility-format MSI, as a guest's driver programs it. */
struct msi_compat {
	uint8_t vector;
	uint32_t dest;	       /* APIC id: address bits 19:12, plus 11:5 */
	bool logical;	       /* address bit 2 */
	uint8_t delivery_mode; /* data bits 10:8 */
	bool level;	       /* data bit 15 */
};

/*
 * Decodes a compatibility-format MSI (5.1.2.1): address bits 31:20 must be
 * 0xfee and bits 63:32 zero, bit 4 (interrupt format) must be 0; returns
 * false otherwise. Address bits 11:5, reserved in the base format, are
 * taken as destination bits 14:8 (the "extended destination id" that Linux
 * uses when a hypervisor advertises it); a guest that does not use it
 * leaves them 0.
 */
bool msi_decode_compat(uint64_t addr, uint32_t data, struct msi_compat *out);

#endif
