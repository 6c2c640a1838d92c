/* SPDX-License-Identifier: MIT */
/*
 * The vCPU-backend interface: everything the core asks of VT-x (vmx/) or
 * AMD-V (svm/). The core never includes a backend's headers; a backend turns
 * its exits into a struct vcpu_exit and handles what is purely its own
 * business (control-register shadows, event re-injection) itself.
 */
#ifndef CORRAL_VCPU_BACKEND_H
#define CORRAL_VCPU_BACKEND_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct vm;
struct vcpu;
struct percpu;
struct pt_format;

enum vcpu_exit_reason {
	EXIT_NONE, /* nothing for the core (timer, host interrupt, window) */
	EXIT_CPUID,
	EXIT_RDMSR,
	EXIT_WRMSR,
	EXIT_IO,
	EXIT_HLT,
	EXIT_NPF, /* EPT violation / nested page fault */
	EXIT_HYPERCALL,
	EXIT_SHUTDOWN,	    /* triple fault */
	EXIT_MACHINE_CHECK, /* an #MC struck while the guest ran */
	EXIT_FAILED,	    /* the backend cannot go on; `why` says why */
	NR_EXIT_REASONS
};

struct vcpu_exit {
	enum vcpu_exit_reason reason;
	uint8_t insn_len; /* 0 when the hardware did not say (core decodes) */
	union {
		struct {
			uint16_t port;
			uint8_t size;
			bool in, string, rep;
		} io;
		struct {
			uint32_t index;
		} msr;
		struct {
			uint64_t gpa;
			bool write, fetch;
			/* Not the access of the instruction at RIP: a
			 * walk of the guest's page tables, or the
			 * delivery of an event (IDT, stack, TSS). */
			bool page_walk, event_delivery;
		} npf;
	};
	char why[128];
};

/* The architectural state a vCPU starts in (Linux 64-bit boot protocol). */
struct vcpu_boot_state {
	uint64_t rip, rsp, rsi, rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs, ds; /* flat 64-bit code / data selectors */
};

/* What the core needs to know about the guest's current mode. */
struct vcpu_mode {
	uint64_t rip, rflags, cr0, cr3, cr4, efer;
	uint64_t cs_base; /* ignored in 64-bit mode */
	bool long_mode;	  /* CS.L with EFER.LMA */
	bool default_32;  /* CS.D */
	uint8_t cpl;
};

/* The linear address of the instruction at RIP: CS.base + RIP outside
 * 64-bit mode, where linear addresses are 32 bits (SDM 3A 3.4). */
static inline uint64_t vcpu_mode_pc(const struct vcpu_mode *m)
{
	return m->long_mode ? m->rip : (uint32_t)(m->cs_base + m->rip);
}

struct vcpu_backend {
	const char *name; /* "vmx" or "svm", used in logs and markers */
	/* Can this CPU run the backend? 0 if so; else -ENODEV and `why`
	 * names what is missing. */
	int (*probe)(char *why, size_t n);
	/* Turns virtualization on for the calling pCPU. */
	int (*cpu_enable)(struct percpu *pc, char *why, size_t n);
	/* Builds the VM's second-stage tables from vm->map. */
	int (*vm_init)(struct vm *vm, char *why, size_t n);
	void (*vm_destroy)(struct vm *vm);
	int (*vcpu_init)(struct vcpu *v, const struct vcpu_boot_state *s,
			 char *why, size_t n);
	void (*vcpu_destroy)(struct vcpu *v);
	/* Makes `v` the vCPU this pCPU works on (VT-x: VMPTRLD its VMCS and
	 * switch the syscall MSRs the VMCS does not hold). Called before any
	 * other per-vCPU operation after another vCPU ran here. */
	void (*vcpu_load)(struct vcpu *v);
	/* Enters the guest; returns at the next exit the core must see. */
	void (*vcpu_run)(struct vcpu *v, struct vcpu_exit *e);
	void (*get_mode)(struct vcpu *v, struct vcpu_mode *m);
	/* RIP += len, dropping any STI/MOV-SS interrupt shadow. */
	void (*skip_insn)(struct vcpu *v, uint8_t len);
	/* A guest WRMSR to EFER: 0, or -EINVAL for a value the guest may
	 * not write (the core then injects #GP). */
	int (*set_efer)(struct vcpu *v, uint64_t efer);
	/* Interrupt delivery (SDM 3C 26.3.2.5 / APM 15.20). */
	bool (*irq_injectable)(struct vcpu *v);
	void (*inject_irq)(struct vcpu *v, uint8_t vector);
	void (*request_irq_window)(struct vcpu *v, bool on);
	/* NMI delivery (SDM 3C 24.4.2, 26.3.1.5 / APM 15.20-15.21): can an
	 * NMI go in now (nothing else injected, no NMI blocking, no
	 * STI/MOV-SS shadow)? inject_nmi blocks further NMIs until the
	 * guest's IRET. request_nmi_window asks for an exit once one can. */
	bool (*nmi_injectable)(struct vcpu *v);
	/* Can this CPU give guests NMIs at all? (VT-x needs virtual NMIs.)
	 * Without, NMIs for a guest are dropped, as on a board with no NMI
	 * wiring, rather than left pending forever. */
	bool (*guest_nmis)(void);
	void (*inject_nmi)(struct vcpu *v);
	void (*request_nmi_window)(struct vcpu *v, bool on);
	void (*inject_exception)(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error);
	/* Lets the VM's guests reach host I/O ports [port, port+count) directly
	 * (an assigned device's I/O BAR). */
	void (*allow_io)(struct vm *vm, uint16_t port, uint32_t count);
	/* Can a guest run with paging off (CR0.PG = 0)? A VM's secondary
	 * vCPUs pass through that mode as they start. VT-x needs
	 * "unrestricted guest" for it; AMD-V with nested paging can. */
	bool (*unpaged_guest)(void);
	/* Leave the guest at or soon after this TSC value (0: no deadline). */
	void (*set_deadline)(struct vcpu *v, uint64_t tsc);
	/* The format of vm->stage2_root (EPT or NPT), for changes to a live
	 * tree (core/stage2_sync.c). Before each entry, a vCPU whose
	 * stage2_seen differs from its VM's stage2_gen flushes the VM's
	 * guest-physical translations on its pCPU (INVEPT, the ASID) and
	 * records the generation it flushed for. */
	const struct pt_format *stage2_format;
};

extern const struct vcpu_backend vmx_backend;
extern const struct vcpu_backend svm_backend;

#endif
