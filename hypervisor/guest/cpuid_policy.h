/* SPDX-License-Identifier: MIT */
/*
 * What CPUID a guest sees: the host's answer filtered through an allow-list,
 * plus corral's own leaves. Pure logic (host unit-tested).
 * The table of every bit and why is in docs/guest-platform.md.
 */
#ifndef CORRAL_CPUID_POLICY_H
#define CORRAL_CPUID_POLICY_H
#include <stdint.h>
#include <stdbool.h>
#include <arch/x86.h>

#define CPUID_CORRAL_BASE 0x40000000u
#define CPUID_KVM_BASE 0x40000100u
#define CORRAL_CPUID_SIGNATURE "CorralHV\0\0\0\0"

struct cpuid_policy {
	uint32_t apic_id;
	uint32_t nr_vcpus;
	bool invpcid; /* the backend lets INVPCID run */
	bool rdtscp;  /* the backend lets RDTSCP run */
	uint32_t hypercall_abi;
};

typedef struct cpuid_regs (*cpuid_fn)(uint32_t leaf, uint32_t sub);

struct cpuid_regs cpuid_guest(uint32_t leaf, uint32_t sub,
			      const struct cpuid_policy *p, cpuid_fn host);

#endif
