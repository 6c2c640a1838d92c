// SPDX-License-Identifier: MIT
/*
 * A fault inside corral is a bug: print everything a developer needs and
 * halt this CPU. Vector 32 and above are not expected (corral runs with
 * interrupts off); they are reported the same way. NMIs are not faults:
 * host_nmi_stub counts them (host/nmi.c). Machine checks go to
 * host_mce_stub (host/mce.c).
 */
#include <host/exceptions.h>
#include <host/irq_vectors.h>
#include <host/host_lapic.h>
#include <host/percpu.h>
#include <arch/x86.h>
#include <host/log.h>

struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_entry {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));

#define NR_STUBS 33
#define IDT_INTERRUPT_GATE 0x8e
#define IST_DOUBLE_FAULT 1
#define IST_MACHINE_CHECK 2
#define VEC_NMI 2
#define VEC_DOUBLE_FAULT 8
#define VEC_MACHINE_CHECK 18

extern const uint64_t exc_stub_table[NR_STUBS];
extern const char host_timer_stub[], host_spurious_stub[], host_nmi_stub[],
	host_mce_stub[];
extern const uint64_t host_irq_stub_table[HOST_IRQ_LAST - HOST_IRQ_FIRST + 1];
static struct idt_entry idt[256] __attribute__((aligned(16)));

static const char *const exc_names[] = {
	"#DE divide error",
	"#DB debug",
	"NMI",
	"#BP breakpoint",
	"#OF overflow",
	"#BR bound",
	"#UD invalid opcode",
	"#NM no FPU",
	"#DF double fault",
	"coprocessor overrun",
	"#TS invalid TSS",
	"#NP segment not present",
	"#SS stack fault",
	"#GP general protection",
	"#PF page fault",
	"reserved",
	"#MF FPU error",
	"#AC alignment",
	"#MC machine check",
	"#XM SIMD",
	"#VE virtualization",
	"#CP control protection",
};

void exception_dump(const struct exception_frame *f)
{
	const char *name =
		f->vector < sizeof(exc_names) / sizeof(exc_names[0]) ?
			exc_names[f->vector] :
			"unexpected interrupt";

	pr_err("exception %llu (%s) error 0x%llx on cpu %u",
	       (unsigned long long)f->vector, name,
	       (unsigned long long)f->error, this_cpu()->cpu_id);
	pr_err("  rip %016llx cs %04llx rflags %016llx rsp %016llx ss %04llx",
	       (unsigned long long)f->rip, (unsigned long long)f->cs,
	       (unsigned long long)f->rflags, (unsigned long long)f->rsp,
	       (unsigned long long)f->ss);
	pr_err("  rax %016llx rbx %016llx rcx %016llx rdx %016llx",
	       (unsigned long long)f->rax, (unsigned long long)f->rbx,
	       (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	pr_err("  rsi %016llx rdi %016llx rbp %016llx r8  %016llx",
	       (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	       (unsigned long long)f->rbp, (unsigned long long)f->r8);
	pr_err("  r9  %016llx r10 %016llx r11 %016llx r12 %016llx",
	       (unsigned long long)f->r9, (unsigned long long)f->r10,
	       (unsigned long long)f->r11, (unsigned long long)f->r12);
	pr_err("  r13 %016llx r14 %016llx r15 %016llx cr2 %016llx",
	       (unsigned long long)f->r13, (unsigned long long)f->r14,
	       (unsigned long long)f->r15, (unsigned long long)read_cr2());
	panic("halting cpu %u after an exception in the hypervisor",
	      this_cpu()->cpu_id);
}

static void idt_set(int vec, uint64_t handler, uint8_t ist)
{
	idt[vec] = (struct idt_entry){
		.offset_lo = handler & 0xffff,
		.selector = GDT_SEL_CODE,
		.ist = ist,
		.type = IDT_INTERRUPT_GATE,
		.offset_mid = (handler >> 16) & 0xffff,
		.offset_hi = handler >> 32,
	};
}

void idt_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (int v = 0; v < 256; v++)
		idt_set(v, exc_stub_table[v < NR_STUBS ? v : NR_STUBS - 1],
			(v == VEC_DOUBLE_FAULT || v == VEC_NMI) ?
				IST_DOUBLE_FAULT :
				0);
	for (int v = HOST_IRQ_FIRST; v <= HOST_IRQ_LAST; v++)
		idt_set(v, host_irq_stub_table[v - HOST_IRQ_FIRST], 0);
	idt_set(HOST_TIMER_VECTOR, (uint64_t)host_timer_stub, 0);
	idt_set(HOST_KICK_VECTOR, (uint64_t)host_timer_stub,
		0); /* EOI is all */
	idt_set(HOST_SPURIOUS_VECTOR, (uint64_t)host_spurious_stub, 0);
	idt_set(VEC_NMI, (uint64_t)host_nmi_stub, IST_DOUBLE_FAULT);
	idt_set(VEC_MACHINE_CHECK, (uint64_t)host_mce_stub, IST_MACHINE_CHECK);
	asm volatile("lidt %0" ::"m"(idtr));
}
