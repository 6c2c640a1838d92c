/* SPDX-License-Identifier: MIT */
/*
 * corral's own use of the host local APIC: a one-shot timer that forces a
 * guest exit at a TSC deadline (SVM has no preemption timer), and its
 * interrupt. xAPIC or x2APIC, whichever the firmware left on.
 */
#ifndef CORRAL_HOST_LAPIC_H
#define CORRAL_HOST_LAPIC_H
#include <stdint.h>

#define HOST_TIMER_VECTOR 0xf0
#define HOST_KICK_VECTOR 0xf1 /* "look at your run queue" between pCPUs */
#define HOST_SPURIOUS_VECTOR 0xff

/* Enables this CPU's LAPIC and measures its timer against the TSC. */
void host_lapic_init(void);
/* Fires HOST_TIMER_VECTOR at (or just after) the TSC value; 0 disarms. */
void host_lapic_arm(uint64_t tsc_deadline);
void host_lapic_eoi(void);
/* A fixed-delivery IPI to the CPU with `apic_id`. */
void host_lapic_send_ipi(uint32_t apic_id, uint8_t vector);

#endif
