// SPDX-License-Identifier: MIT
/*
 * Per-CPU descriptor tables. corral needs a TSS even though it never changes
 * privilege: VM exit loads the host TR and the selector must not be null
 * (SDM Vol. 3C 26.2.3).
 */
#include <host/exceptions.h>
#include <host/percpu.h>
#include <mm/page_alloc.h>
#include <arch/msr.h>
#include <arch/x86.h>
#include <host/fpu.h>
#include <host/log.h>
#include <string.h>

struct percpu *cpus[MAX_CPUS];
uint32_t nr_cpus;

/* Long-mode code and flat data descriptors (SDM Vol. 3A 3.4.5). */
#define GDT_CODE64 0x00af9b000000ffffull
#define GDT_DATA 0x00cf93000000ffffull
#define TSS_TYPE_AVAILABLE 0x89ull
#define CPUID_EDX_NX (1u << 20)

struct descriptor_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

struct percpu *percpu_alloc(uint32_t cpu_id, uint32_t apic_id)
{
	struct percpu *pc = page_alloc(sizeof(*pc), PAGE_SIZE, SZ_4G);
	uint8_t *stack = page_alloc(CPU_STACK_SIZE, PAGE_SIZE, SZ_4G);

	if (!pc || !stack)
		panic("out of memory for CPU %u", cpu_id);
	pc->self = pc;
	pc->cpu_id = cpu_id;
	pc->apic_id = apic_id;
	pc->stack_top = (uint64_t)stack + CPU_STACK_SIZE;
	cpus[cpu_id] = pc;
	return pc;
}

static void gdt_fill(struct percpu *pc)
{
	uint64_t base = (uint64_t)&pc->tss;
	uint64_t limit = sizeof(pc->tss) - 1;

	memset(pc->gdt, 0, sizeof(pc->gdt));
	pc->gdt[1] = GDT_CODE64;
	pc->gdt[2] = GDT_DATA;
	pc->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		     (TSS_TYPE_AVAILABLE << 40) |
		     (((limit >> 16) & 0xf) << 48) |
		     (((base >> 24) & 0xff) << 56);
	pc->gdt[4] = base >> 32;
	pc->tss.iomap_base = sizeof(pc->tss);
	/* IST1: a fresh stack for double faults and NMIs; IST2 for
	 * machine checks, which an NMI may interrupt. 16 KiB each, below
	 * the 32 KiB of the normal stack. */
	pc->tss.ist[0] = pc->stack_top - CPU_STACK_SIZE / 2;
	pc->tss.ist[1] = pc->stack_top - CPU_STACK_SIZE / 4 * 3;
}

void cpu_init(struct percpu *pc)
{
	struct descriptor_pointer gdtr = { sizeof(pc->gdt) - 1,
					   (uint64_t)pc->gdt };

	gdt_fill(pc);
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "mov %2, %%ds\n\t"
		     "mov %2, %%es\n\t"
		     "mov %2, %%ss\n\t"
		     "mov %2, %%fs\n\t"
		     "mov %2, %%gs\n\t"
		     "ltr %w3"
		     :
		     : "m"(gdtr), "i"(GDT_SEL_CODE), "r"(GDT_SEL_DATA),
		       "r"(GDT_SEL_TSS)
		     : "rax", "memory");
	wrmsr(MSR_GS_BASE, (uint64_t)pc);
	/* NPT leaves use the NX bit, which is reserved unless EFER.NXE is set
	 * on the host (APM Vol. 2 15.25.5); APs start without it. */
	if (cpuid(0x80000001u).edx & CPUID_EDX_NX)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | X86_EFER_NXE);
	idt_init();
	fpu_cpu_init();
	pc->online = true;
}
