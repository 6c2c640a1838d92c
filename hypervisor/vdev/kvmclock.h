/* SPDX-License-Identifier: MIT */
/*
 * The KVM paravirtual clock subset corral offers so that stock Linux learns
 * the TSC rate without calibrating (Documentation/virt/kvm/x86/msr.rst:
 * MSR_KVM_SYSTEM_TIME_NEW, MSR_KVM_WALL_CLOCK_NEW; struct
 * pvclock_vcpu_time_info). See docs/decisions/0001-timekeeping.md.
 */
#ifndef CORRAL_KVMCLOCK_H
#define CORRAL_KVMCLOCK_H
#include <stdint.h>

struct pvclock_vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
} __attribute__((packed));

struct pvclock_wall_clock {
	uint32_t version;
	uint32_t sec;
	uint32_t nsec;
} __attribute__((packed));

#define PVCLOCK_TSC_STABLE_BIT (1u << 0)

/* 32.32 scale so that ns = ((tsc << shift) * mul) >> 32 (shift may be < 0). */
void pvclock_scale(uint64_t tsc_hz, uint32_t *mul, int8_t *shift);
/* Fills a time-info record for "now": system_time counts from vm_start. */
void pvclock_fill(struct pvclock_vcpu_time_info *ti, uint64_t tsc_hz,
		  uint64_t vm_start, uint64_t now);
uint64_t pvclock_ns(const struct pvclock_vcpu_time_info *ti, uint64_t tsc);

#endif
