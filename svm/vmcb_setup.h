/* SPDX-License-Identifier: MIT */
/*
 * Pure VMCB set-up for the AMD-V backend: the intercept control area, the
 * guest state at entry, and the I/O and MSR permission maps. Nothing here
 * allocates memory or touches the hardware, so the same code is linked into
 * the hypervisor and into the host unit tests (tests/unit/test_svm_vmcb.c).
 */
#ifndef CORRAL_VMCB_SETUP_H
#define CORRAL_VMCB_SETUP_H
#include "vmcb.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vcpu_boot_state;

/* Permission map sizes (APM Vol. 2 15.10.1, 15.11). */
#define SVM_IOPM_SIZE 0x3000  /* 12 KiB: one bit per port, 64K + 3 bits used */
#define SVM_MSRPM_SIZE 0x2000 /* 8 KiB: two bits per MSR, three ranges */

/*
 * Segment attributes in the VMCB's compressed form (APM Vol. 2 15.5.1):
 * bits 7:0 are descriptor bits 47:40 (type, S, DPL, P), bits 11:8 are
 * descriptor bits 55:52 (AVL, L, D/B, G).
 */
#define VMCB_ATTR_CODE64 0x0a9b /* P, DPL0, S, exec/read accessed, L, G */
#define VMCB_ATTR_DATA 0x0c93	/* P, DPL0, S, read/write accessed, D/B, G */
#define VMCB_ATTR_TSS64 0x008b	/* P, busy 64-bit TSS */
#define VMCB_ATTR_L (1u << 9)
#define VMCB_ATTR_DB (1u << 10)

#define VMCB_PAT_DEFAULT 0x0007040600070406ull /* the PAT's reset value */
#define VMCB_DR6_DEFAULT 0xffff0ff0ull
#define VMCB_DR7_DEFAULT 0x400ull

/* Every MSR intercepted except those in passthrough[], which are neither
 * read- nor write-intercepted (APM Vol. 2 15.11). */
void svm_msrpm_init(uint8_t *msrpm, const uint32_t *passthrough, size_t n);
/* Would RDMSR (write false) or WRMSR (write true) of msr exit? MSRs outside
 * the three mapped ranges always do. */
bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write);

/* Every port intercepted (APM Vol. 2 15.10.1). */
void svm_iopm_init(uint8_t *iopm);
/* Would an access of size bytes (1, 2 or 4) at port exit? It does if the bit
 * of any byte it touches is set. */
bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, uint8_t size);

/* ASID for a VM: never 0, which is the host's (APM Vol. 2 15.16). */
uint32_t svm_vm_asid(uint32_t vm_id, uint32_t nr_asids);

/* The control area of a fresh VMCB: intercepts, permission maps, ASID,
 * virtual interrupt masking and nested paging (APM Vol. 2 15.9-15.13, 15.25). */
void vmcb_init_control(struct vmcb_control *c, uint64_t iopm_pa,
		       uint64_t msrpm_pa, uint32_t asid, uint64_t n_cr3);
/* The guest state at entry: flat 64-bit segments and the boot registers
 * (APM Vol. 2 15.5.1, appendix B). */
void vmcb_init_save(struct vmcb_save *g, const struct vcpu_boot_state *s);

/* VMX access rights (SDM Vol. 3C 24.4.1: descriptor bits 47:40 in 7:0,
 * 55:52 in 15:12) to the VMCB's compressed attributes (APM Vol. 2 15.5.1). */
uint16_t vmcb_attrib_from_vmx_ar(uint32_t ar);

#endif
