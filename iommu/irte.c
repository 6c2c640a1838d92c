// SPDX-License-Identifier: MIT
/*
 * IRTE and MSI encodings, VT-d spec rev 4.x:
 *   9.10    Interrupt Remapping Table Entry (IRTE) for Remapped Interrupts:
 *           0 P, 1 FPD, 2 DM, 3 RH, 4 TM, 7:5 DLM, 11:8 AVAIL, 14:12 rsvd,
 *           15 IM (0), 23:16 vector, 31:24 rsvd, 63:32 destination (xAPIC
 *           mode: APIC id in 47:40, the rest reserved), 79:64 SID,
 *           81:80 SQ, 83:82 SVT, 127:84 rsvd.
 *   5.1.2.1 compatibility-format interrupt requests: address 31:20 0xFEE,
 *           19:12 destination id, 4 interrupt format (0), 3 RH, 2 DM;
 *           data 7:0 vector, 10:8 delivery mode, 14 level, 15 trigger mode.
 *   5.1.2.2 remappable-format interrupt requests: address 31:20 0xFEE,
 *           19:5 handle[14:0], 4 interrupt format (1), 3 SHV,
 *           2 handle[15]; data 15:0 sub-handle when SHV = 1.
 */
#include "irte.h"

#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_BASE_MASK 0xfff00000u
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_EXT_DEST_SHIFT 5   /* bits 11:5 -> destination 14:8 */
#define MSI_ADDR_IF (1u << 4)	    /* interrupt format: remappable */
#define MSI_ADDR_SHV (1u << 3)	    /* remappable: sub-handle valid */
#define MSI_ADDR_DM (1u << 2)	    /* compatibility: logical mode */
#define MSI_ADDR_HANDLE15 (1u << 2) /* remappable: handle bit 15 */
#define MSI_ADDR_HANDLE_SHIFT 5
#define MSI_DATA_DLM_SHIFT 8
#define MSI_DATA_TM (1u << 15)

void irte_encode(uint64_t irte[2], const struct irte_params *p)
{
	uint64_t lo = IRTE_P;
	uint64_t hi = 0;
	uint8_t dlm = p->delivery_mode & 7;

	if (p->logical)
		lo |= IRTE_DM;
	if (dlm == IRTE_DLM_LOWPRI)
		lo |= IRTE_RH;
	if (p->level)
		lo |= IRTE_TM;
	lo |= (uint64_t)dlm << IRTE_DLM_SHIFT;
	lo |= (uint64_t)p->vector << IRTE_VECTOR_SHIFT;
	if (p->x2apic)
		lo |= (uint64_t)p->dest << IRTE_DST_SHIFT;
	else
		lo |= (uint64_t)(p->dest & 0xff) << IRTE_XAPIC_DST_SHIFT;
	if (p->verify == IRTE_SVT_SID || p->verify == IRTE_SVT_BUS) {
		hi |= p->source_id & IRTE_HI_SID_MASK;
		hi |= (uint64_t)IRTE_SQ_ALL << IRTE_HI_SQ_SHIFT;
		hi |= (uint64_t)p->verify << IRTE_HI_SVT_SHIFT;
	}
	irte[1] = hi;
	__asm__ volatile("" ::: "memory");
	irte[0] = lo;
}

void irte_clear(uint64_t irte[2])
{
	irte[0] = 0;
	__asm__ volatile("" ::: "memory");
	irte[1] = 0;
}

void msi_remappable(uint16_t index, uint32_t *addr_lo, uint32_t *addr_hi,
		    uint32_t *data)
{
	*addr_lo = MSI_ADDR_BASE | MSI_ADDR_IF |
		   (uint32_t)(index & 0x7fff) << MSI_ADDR_HANDLE_SHIFT |
		   ((index & 0x8000) ? MSI_ADDR_HANDLE15 : 0);
	*addr_hi = 0;
	*data = 0;
}

bool msi_decode_compat(uint64_t addr, uint32_t data, struct msi_compat *out)
{
	uint32_t lo = (uint32_t)addr;

	if ((addr >> 32) || (lo & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    (lo & MSI_ADDR_IF))
		return false;
	out->vector = data & 0xff;
	out->dest = (lo >> MSI_ADDR_DEST_SHIFT & 0xff) |
		    (lo >> MSI_ADDR_EXT_DEST_SHIFT & 0x7f) << 8;
	out->logical = lo & MSI_ADDR_DM;
	out->delivery_mode = (data >> MSI_DATA_DLM_SHIFT) & 7;
	out->level = data & MSI_DATA_TM;
	return true;
}
