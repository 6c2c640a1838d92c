/* SPDX-License-Identifier: MIT */
/* VT-d remapping-unit registers (VT-d spec rev 4.1, 11.4). */
#ifndef CORRAL_VTD_REGS_H
#define CORRAL_VTD_REGS_H

#define VTD_VER 0x00
#define VTD_CAP 0x08
#define VTD_ECAP 0x10
#define VTD_GCMD 0x18
#define VTD_GSTS 0x1c
#define VTD_RTADDR 0x20
#define VTD_CCMD 0x28
#define VTD_FSTS 0x34
#define VTD_FECTL 0x38
#define VTD_IQH 0x80
#define VTD_IQT 0x88
#define VTD_IQA 0x90
#define VTD_ICS 0x9c
#define VTD_IRTA 0xb8

/* GCMD / GSTS bits (11.4.4, 11.4.5) */
#define VTD_GCMD_TE (1u << 31)
#define VTD_GCMD_SRTP (1u << 30)
#define VTD_GCMD_QIE (1u << 26)
#define VTD_GCMD_IRE (1u << 25)
#define VTD_GCMD_SIRTP (1u << 24)
#define VTD_GCMD_CFI (1u << 23)
#define VTD_GCMD_WBF (1u << 27)
#define VTD_GSTS_WBFS (1u << 27)
/* Bits that stay set in GCMD writes (the others are one-shot commands). */
#define VTD_GCMD_PERSISTENT \
	(VTD_GCMD_TE | VTD_GCMD_QIE | VTD_GCMD_IRE | VTD_GCMD_CFI)

/* CAP (11.4.2) and ECAP (11.4.3) fields */
#define VTD_CAP_NFR(c) ((unsigned)(((c) >> 40) & 0xff) + 1)
#define VTD_CAP_FRO(c) ((unsigned)(((c) >> 24) & 0x3ff) * 16)
#define VTD_CAP_ND(c) ((unsigned)((c)&7))
#define VTD_CAP_RWBF (1ull << 4)
#define VTD_ECAP_C (1ull << 0)
#define VTD_ECAP_SC (1ull << 7)
#define VTD_ECAP_IRO(e) ((unsigned)(((e) >> 8) & 0x3ff) * 16)
#define VTD_ECAP_QI (1ull << 1)
#define VTD_ECAP_IR (1ull << 3)
#define VTD_ECAP_EIM (1ull << 4)

/* Register-based invalidation (11.4.6, 11.4.8.1) */
#define VTD_CCMD_ICC (1ull << 63)
#define VTD_CCMD_GLOBAL (1ull << 61)
#define VTD_IOTLB_IVT (1ull << 63)
#define VTD_IOTLB_GLOBAL (1ull << 60)
#define VTD_IOTLB_DR (1ull << 49)
#define VTD_IOTLB_DW (1ull << 48)

/* Fault status and recording (11.4.9, 11.4.14) */
#define VTD_FSTS_PFO (1u << 0)
#define VTD_FSTS_PPF (1u << 1)
#define VTD_FSTS_IQE (1u << 4)
#define VTD_FSTS_FRI(f) (((f) >> 8) & 0xff)
#define VTD_FRCD_F (1ull << 63)
#define VTD_FRCD_TYPE_READ (1ull << 62)
#define VTD_FECTL_IM (1u << 31)

/* Queued-invalidation descriptors (6.5.2) */
#define VTD_QI_CC_GLOBAL (0x1ull | (1ull << 4))
#define VTD_QI_IOTLB_GLOBAL (0x2ull | (1ull << 4) | (1ull << 6) | (1ull << 7))
#define VTD_QI_IEC_GLOBAL 0x4ull
#define VTD_QI_WAIT (0x5ull | (1ull << 5)) /* status write */

/* IRTA (11.4.12.2): table address, EIME (x2APIC mode), size 2^(S+1) */
#define VTD_IRTA_EIME (1ull << 11)

#endif
