/* SPDX-License-Identifier: MIT */
/*
 * The virtual local APIC, in x2APIC mode (SDM Vol. 3A 10.12): registers are
 * MSRs 0x800-0x8ff, so no MMIO emulation is needed. Timer modes one-shot,
 * periodic and TSC-deadline; the timer clock is the TSC divided by TDCR.
 * Pure logic: time is passed in as TSC values (host unit-tested).
 */
#ifndef CORRAL_VLAPIC_H
#define CORRAL_VLAPIC_H
#include <stdint.h>
#include <stdbool.h>

enum vlapic_lvt {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PMC,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	NR_LVT
};

struct vlapic {
	uint32_t id;
	uint64_t apic_base;
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t tpr, svr, esr;
	uint32_t lvt[NR_LVT];
	uint64_t icr;
	uint32_t tdcr, tmict;
	uint64_t timer_start;	 /* TSC when TMICT was written / period began */
	uint64_t timer_deadline; /* absolute TSC of the next expiry, 0 = none */
	uint64_t tsc_deadline;	 /* IA32_TSC_DEADLINE */
};

enum vlapic_result {
	VLAPIC_OK,
	VLAPIC_GP,  /* inject #GP: reserved register or value */
	VLAPIC_IPI, /* *ipi holds an ICR the core must route */
};

#define X2APIC_MSR_ICR 0x830
#define LAPIC_VECTOR_MASK 0xff
#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_ICR_SHORTHAND_SHIFT 18
#define LAPIC_ICR_SHORTHAND_SELF 1
#define LAPIC_ICR_DELIVERY_SHIFT 8
#define LAPIC_DELIVERY_FIXED 0
#define LAPIC_DELIVERY_NMI 4
#define LAPIC_DELIVERY_INIT 5
#define LAPIC_DELIVERY_STARTUP 6
#define LAPIC_DELIVERY_LOWEST 1
#define LAPIC_SHORTHAND_NONE 0
#define LAPIC_SHORTHAND_ALL 2
#define LAPIC_SHORTHAND_OTHERS 3
#define LAPIC_BROADCAST 0xffffffffu /* x2APIC physical broadcast (10.12.9) */

/* An interrupt command (ICR, x2APIC format: SDM 3A 10.6.1, 10.12.9). */
struct lapic_icr {
	uint8_t vector;
	uint8_t delivery;  /* LAPIC_DELIVERY_* */
	uint8_t shorthand; /* LAPIC_SHORTHAND_* or LAPIC_ICR_SHORTHAND_SELF */
	bool logical;
	uint32_t dest;
};

void vlapic_init(struct vlapic *l, uint32_t id, bool bsp);
enum vlapic_result vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t now,
				   uint64_t *val);
enum vlapic_result vlapic_msr_write(struct vlapic *l, uint32_t msr,
				    uint64_t val, uint64_t now, uint64_t *ipi);
void vlapic_write_tsc_deadline(struct vlapic *l, uint64_t val);
/* Raises a vector (from the IOAPIC, an IPI or a device). */
void vlapic_set_irq(struct vlapic *l, uint8_t vector, bool level);
/* Fires an expired timer into the IRR; call before looking for work. */
void vlapic_timer_update(struct vlapic *l, uint64_t now);
/* The TSC at which vlapic_timer_update() next has something to do, or 0. */
uint64_t vlapic_next_deadline(const struct vlapic *l);
/* Highest deliverable vector (above the processor priority), or -1. */
int vlapic_pending(const struct vlapic *l);
/* The CPU took the vector: move it from IRR to ISR. */
void vlapic_accept(struct vlapic *l, uint8_t vector);
bool vlapic_enabled(const struct vlapic *l);

struct lapic_icr lapic_icr_decode(uint64_t icr);
/* Does a message for (dest, logical) in x2APIC format reach `l`? Physical:
 * its id or the broadcast id; logical: cluster (31:16) and bit (15:0) of
 * its logical id (10.12.10). */
bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical);
/* The same for the 8-bit destination of an I/O APIC entry or an MSI
 * without remapping: physical id or 0xff for all; logical as a flat mask
 * of ids 0-7 (corral's VMs have at most 8 vCPUs). */
bool vlapic_match_dest8(const struct vlapic *l, uint8_t dest, bool logical);
/* Is `l` (of the sender `self`'s VM) a target of the command? */
bool vlapic_icr_targets(const struct lapic_icr *icr, const struct vlapic *self,
			const struct vlapic *l);

#endif
