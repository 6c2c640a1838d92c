/* SPDX-License-Identifier: MIT */
/* What each physical CPU owns. GS points at its struct percpu (self pointer first). */
#ifndef CORRAL_PERCPU_H
#define CORRAL_PERCPU_H
#include <stdint.h>
#include <stdbool.h>
#include <host/mce_policy.h>

struct fpu_area;

#define MAX_CPUS 64
#define CPU_STACK_SIZE (64 * 1024)

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct vm;

struct percpu {
	struct percpu *self; /* must stay first: read via %gs:0 */
	uint32_t cpu_id;
	uint32_t apic_id;
	uint64_t stack_top;
	uint64_t gdt[8];
	struct tss64 tss;
	void *backend_data;   /* e.g. the VMXON region */
	struct vcpu *current; /* whose VMCS is loaded (VT-x) */
	struct fpu_area
		*fpu_owner; /* whose x87/SSE state is in the registers */
	volatile bool online;
	/* Host NMIs taken here (host/nmi.c), and how many were logged. */
	uint64_t nmi_count, nmi_reported;
	uint8_t nmi_status;
	const struct vm *last_vm; /* whose vCPU ran here last (IBPB) */
	/* An #MC taken in corral, to be logged from normal context
	 * (host/mce.c), how many came while one waited, and when the
	 * banks are polled next (TSC). */
	volatile bool mce_pending;
	uint32_t mce_lost;
	struct mce_record mce;
	uint64_t mce_next_poll;
};

#define GDT_SEL_CODE 0x08
#define GDT_SEL_DATA 0x10
#define GDT_SEL_TSS 0x18

extern struct percpu *cpus[MAX_CPUS];
extern uint32_t nr_cpus;

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;

	asm volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

/* Loads this CPU's GDT, TSS, IDT and GS; stack must already be its own. */
void cpu_init(struct percpu *pc);
struct percpu *percpu_alloc(uint32_t cpu_id, uint32_t apic_id);

#endif
