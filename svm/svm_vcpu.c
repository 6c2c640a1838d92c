// SPDX-License-Identifier: MIT
/*
 * The AMD-V vCPU: VMCB set-up (APM Vol. 2 15.5, 15.9-15.13), the run loop's
 * world switch, and the decoding of #VMEXITs into struct vcpu_exit. Without
 * NRIP-save (QEMU TCG) instruction lengths come from checking the bytes at
 * RIP against the one encoding that can have caused the exit.
 */
#include "svm.h"
#include "vmcb.h"
#include <format.h>
#include <guest_mem.h>
#include <host_lapic.h>
#include <log.h>
#include <msr.h>
#include <page_alloc.h>
#include <percpu.h>
#include <stage2.h>
#include <string.h>
#include <vcpu.h>
#include <vm.h>
#include <x86.h>

struct svm_vm {
	uint8_t *iopm;	/* 12 KiB: one bit per port (15.10.1) */
	uint8_t *msrpm; /* 8 KiB: two bits per MSR (15.11) */
	uint32_t asid;
};

struct svm_vcpu {
	struct vmcb *vmcb;
	bool flushed;
};

void svm_enter(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa);

#define IOPM_SIZE (3 * PAGE_SIZE)
#define MSRPM_SIZE (2 * PAGE_SIZE)
#define ATTR_CODE64 0x0a9b /* P, DPL0, S, exec/read accessed, L, G */
#define ATTR_DATA 0x0c93   /* P, DPL0, S, read/write accessed, D/B, G */
#define ATTR_TSS64 0x008b
#define ATTR_L (1u << 9)
#define ATTR_DB (1u << 10)
#define PAT_DEFAULT 0x0007040600070406ull
#define DR6_DEFAULT 0xffff0ff0ull
#define DR7_DEFAULT 0x400ull

static const uint32_t msr_passthrough[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR,
	MSR_CSTAR, MSR_SFMASK, MSR_TSC_AUX, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_IA32_PAT,
};

/* ---- per VM ----------------------------------------------------------- */

static void msrpm_allow(uint8_t *pm, uint32_t msr)
{
	uint32_t base, bit;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000u && msr < 0xc0002000u)
		base = 0x800;
	else if (msr >= 0xc0010000u && msr < 0xc0012000u)
		base = 0x1000;
	else
		return; /* outside the map: always intercepted */
	bit = (msr & 0x1fff) * 2;
	pm[base + bit / 8] &= ~(3u << (bit % 8)); /* read and write */
}

static int svm_vm_init(struct vm *vm, char *why, size_t n)
{
	struct svm_vm *a = page_alloc(sizeof(*a), PAGE_SIZE, ALLOC_ANYWHERE);

	if (!a || !(a->iopm = page_alloc(IOPM_SIZE, PAGE_SIZE, ALLOC_ANYWHERE)) ||
	    !(a->msrpm = page_alloc(MSRPM_SIZE, PAGE_SIZE, ALLOC_ANYWHERE))) {
		snprintf(why, n, "out of memory for the SVM permission maps");
		return -1;
	}
	vm->stage2_root = stage2_build(vm, &npt_format);
	if (!vm->stage2_root) {
		snprintf(why, n, "out of memory building the nested page tables");
		return -1;
	}
	memset(a->iopm, 0xff, IOPM_SIZE);
	memset(a->msrpm, 0xff, MSRPM_SIZE);
	for (size_t i = 0; i < sizeof(msr_passthrough) / sizeof(msr_passthrough[0]); i++)
		msrpm_allow(a->msrpm, msr_passthrough[i]);
	/* ASID 0 is the host's; one per VM (15.16). */
	a->asid = 1 + vm->id % (svm_caps.nr_asids > 1 ? svm_caps.nr_asids - 1 : 1);
	vm->arch = a;
	return 0;
}

static void svm_vm_destroy(struct vm *vm)
{
}

/* ---- per vCPU ----------------------------------------------------------- */

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib, uint32_t limit)
{
	*s = (struct vmcb_seg){ .selector = sel, .attrib = attrib, .limit = limit };
}

static void write_save_area(struct vmcb_save *g, const struct vcpu_boot_state *s)
{
	seg(&g->cs, s->cs, ATTR_CODE64, 0xffffffff);
	seg(&g->ds, s->ds, ATTR_DATA, 0xffffffff);
	seg(&g->es, s->ds, ATTR_DATA, 0xffffffff);
	seg(&g->ss, s->ds, ATTR_DATA, 0xffffffff);
	seg(&g->fs, s->ds, ATTR_DATA, 0xffffffff);
	seg(&g->gs, s->ds, ATTR_DATA, 0xffffffff);
	seg(&g->tr, 0, ATTR_TSS64, 0x67);
	seg(&g->ldtr, 0, 0, 0);
	g->gdtr.base = s->gdt_base;
	g->gdtr.limit = s->gdt_limit;
	g->cpl = 0;
	g->efer = s->efer | X86_EFER_SVME; /* required while the guest runs (15.5.1) */
	g->cr0 = s->cr0;
	g->cr3 = s->cr3;
	g->cr4 = s->cr4;
	g->rflags = s->rflags | X86_RFLAGS_FIXED;
	g->rip = s->rip;
	g->rsp = s->rsp;
	g->dr6 = DR6_DEFAULT;
	g->dr7 = DR7_DEFAULT;
	g->g_pat = PAT_DEFAULT;
}

static void write_control_area(struct vmcb_control *c, struct vm *vm)
{
	struct svm_vm *a = vm->arch;

	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_RDPMC | SVM_INTERCEPT_CPUID |
			     SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |
			     SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
			     SVM_INTERCEPT_SHUTDOWN;
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR |
			     SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
	c->iopm_base_pa = (uint64_t)a->iopm;
	c->msrpm_base_pa = (uint64_t)a->msrpm;
	c->asid = a->asid;
	/* The guest's IF masks only virtual interrupts; physical ones exit. */
	c->vintr = SVM_VINTR_MASKING;
	c->np_enable = SVM_NP_ENABLE;
	c->n_cr3 = vm->stage2_root;
}

static int svm_vcpu_init(struct vcpu *v, const struct vcpu_boot_state *s,
			 char *why, size_t n)
{
	struct svm_vcpu *x = page_alloc(sizeof(*x), PAGE_SIZE, ALLOC_ANYWHERE);

	if (!x || !(x->vmcb = page_alloc_zeroed_page())) {
		snprintf(why, n, "out of memory for the VMCB");
		return -1;
	}
	write_control_area(&x->vmcb->control, v->vm);
	write_save_area(&x->vmcb->save, s);
	v->arch = x;
	v->gpr[GPR_RSI] = s->rsi;
	v->gpr[GPR_RSP] = s->rsp;
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
}

/* ---- state accessors ----------------------------------------------------- */

static struct vmcb *vmcb_of(struct vcpu *v)
{
	return ((struct svm_vcpu *)v->arch)->vmcb;
}

static void svm_get_mode(struct vcpu *v, struct vcpu_mode *m)
{
	struct vmcb_save *g = &vmcb_of(v)->save;

	m->rip = g->rip;
	m->rflags = g->rflags;
	m->cr0 = g->cr0;
	m->cr3 = g->cr3;
	m->cr4 = g->cr4;
	m->efer = g->efer & ~X86_EFER_SVME;
	m->long_mode = (g->efer & X86_EFER_LMA) && (g->cs.attrib & ATTR_L);
	m->default_32 = g->cs.attrib & ATTR_DB;
	m->cpl = g->cpl;
}

static void svm_skip_insn(struct vcpu *v, uint8_t len)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->save.rip += len;
	vmcb->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
}

static bool svm_set_efer(struct vcpu *v, uint64_t efer)
{
	struct vmcb_save *g = &vmcb_of(v)->save;
	uint64_t allowed = X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;

	if (efer & ~allowed)
		return false;
	efer = (efer & ~X86_EFER_LMA) | (g->efer & X86_EFER_LMA);
	if ((efer ^ g->efer) & X86_EFER_LME)
		return false;
	g->efer = efer | X86_EFER_SVME;
	return true;
}

static bool svm_irq_injectable(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	return !(vmcb->control.event_inj & SVM_EVTINJ_VALID) &&
	       (vmcb->save.rflags & X86_RFLAGS_IF) &&
	       !(vmcb->control.interrupt_shadow & SVM_INTERRUPT_SHADOW);
}

static void svm_inject_irq(struct vcpu *v, uint8_t vector)
{
	vmcb_of(v)->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_INTR | vector;
}

/* A virtual interrupt request with VINTR intercepted exits as soon as the
 * guest can take an interrupt (15.21.4). */
static void svm_request_irq_window(struct vcpu *v, bool on)
{
	struct vmcb_control *c = &vmcb_of(v)->control;

	if (on) {
		c->vintr |= SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR;
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		c->vintr &= ~(SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR);
		c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint64_t ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | vector;

	if (has_error)
		ev |= SVM_EVTINJ_ERROR_VALID | ((uint64_t)error << 32);
	vmcb_of(v)->control.event_inj = ev;
}

static void svm_set_deadline(struct vcpu *v, uint64_t tsc)
{
	host_lapic_arm(tsc);
}

/* ---- exits ---------------------------------------------------------------- */

/* Without NRIP-save the exit says nothing about the instruction: read it and
 * accept only the one encoding that causes this exit (APM Vol. 3). */
static uint8_t fixed_insn_len(struct vcpu *v, const uint8_t *op, uint8_t len,
			      struct vcpu_exit *e)
{
	struct vmcb *vmcb = vmcb_of(v);
	struct vcpu_mode m;
	uint8_t code[4] = { 0 };

	if (svm_caps.nrip_save && vmcb->control.next_rip > vmcb->save.rip)
		return (uint8_t)(vmcb->control.next_rip - vmcb->save.rip);
	svm_get_mode(v, &m);
	if (guest_read_virt(v->vm, &m, m.rip, code, len) == len &&
	    !memcmp(code, op, len))
		return len;
	e->reason = EXIT_FAILED;
	snprintf(e->why, sizeof(e->why),
		 "unsupported encoding at rip 0x%llx (%02x %02x %02x): prefixes are not decoded for this exit",
		 (unsigned long long)m.rip, code[0], code[1], code[2]);
	return 0;
}

static void reinject_exit_int_info(struct vmcb_control *c)
{
	/* An event cut short by the exit is delivered again (15.7.2). */
	if (c->exit_int_info & SVM_EVTINJ_VALID)
		c->event_inj = c->exit_int_info;
}

static void decode_ioio(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmcb *vmcb = vmcb_of(v);
	uint64_t info = vmcb->control.exit_info1;

	e->reason = EXIT_IO;
	e->io.in = info & SVM_IOIO_IN;
	e->io.string = info & SVM_IOIO_STRING;
	e->io.rep = info & SVM_IOIO_REP;
	e->io.size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;
	e->io.size = e->io.size == 4 ? 4 : e->io.size == 2 ? 2 : 1;
	e->io.port = (uint16_t)(info >> SVM_IOIO_PORT_SHIFT);
	/* EXITINFO2 holds the next RIP for IOIO, with or without NRIP-save. */
	e->insn_len = (uint8_t)(vmcb->control.exit_info2 - vmcb->save.rip);
}

static const uint8_t op_cpuid[] = { 0x0f, 0xa2 };
static const uint8_t op_rdmsr[] = { 0x0f, 0x32 };
static const uint8_t op_wrmsr[] = { 0x0f, 0x30 };
static const uint8_t op_hlt[] = { 0xf4 };
static const uint8_t op_vmmcall[] = { 0x0f, 0x01, 0xd9 };
static const uint8_t op_invd[] = { 0x0f, 0x08 };

static void set_fixed(struct vcpu *v, struct vcpu_exit *e,
		      enum vcpu_exit_reason r, const uint8_t *op, uint8_t len)
{
	e->reason = r;
	e->insn_len = fixed_insn_len(v, op, len, e);
}

static void decode_exit(struct vcpu *v, uint64_t code, struct vcpu_exit *e)
{
	struct vmcb_control *c = &vmcb_of(v)->control;

	switch (code) {
	case SVM_EXIT_INTR:
	case SVM_EXIT_NMI:
		return; /* the host timer, already acknowledged */
	case SVM_EXIT_VINTR:
		svm_request_irq_window(v, false);
		return;
	case SVM_EXIT_CPUID:
		set_fixed(v, e, EXIT_CPUID, op_cpuid, sizeof(op_cpuid));
		return;
	case SVM_EXIT_HLT:
		set_fixed(v, e, EXIT_HLT, op_hlt, sizeof(op_hlt));
		return;
	case SVM_EXIT_VMMCALL:
		set_fixed(v, e, EXIT_HYPERCALL, op_vmmcall, sizeof(op_vmmcall));
		return;
	case SVM_EXIT_MSR:
		if (c->exit_info1)
			set_fixed(v, e, EXIT_WRMSR, op_wrmsr, sizeof(op_wrmsr));
		else
			set_fixed(v, e, EXIT_RDMSR, op_rdmsr, sizeof(op_rdmsr));
		e->msr.index = (uint32_t)v->gpr[GPR_RCX];
		return;
	case SVM_EXIT_IOIO:
		decode_ioio(v, e);
		return;
	case SVM_EXIT_NPF:
		e->reason = EXIT_NPF;
		e->npf.gpa = c->exit_info2;
		e->npf.write = c->exit_info1 & SVM_NPF_WRITE;
		e->npf.fetch = c->exit_info1 & SVM_NPF_FETCH;
		return;
	case SVM_EXIT_SHUTDOWN:
		e->reason = EXIT_SHUTDOWN;
		return;
	case SVM_EXIT_INVD:
		set_fixed(v, e, EXIT_NONE, op_invd, sizeof(op_invd));
		if (e->reason == EXIT_NONE)
			svm_skip_insn(v, e->insn_len);
		return;
	case SVM_EXIT_RDPMC:
		svm_inject_exception(v, X86_EXC_GP, true, 0);
		return;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_XSETBV:
		svm_inject_exception(v, X86_EXC_UD, false, 0);
		return;
	}
	e->reason = EXIT_FAILED;
	if (code == SVM_EXIT_INVALID)
		snprintf(e->why, sizeof(e->why), "VMRUN failed: invalid guest state in the VMCB");
	else
		snprintf(e->why, sizeof(e->why),
			 "unhandled #VMEXIT code 0x%llx (info1 0x%llx, info2 0x%llx) at rip 0x%llx",
			 (unsigned long long)code, (unsigned long long)c->exit_info1,
			 (unsigned long long)c->exit_info2,
			 (unsigned long long)vmcb_of(v)->save.rip);
}

static void svm_vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct svm_vcpu *x = v->arch;
	struct vmcb *vmcb = x->vmcb;
	struct svm_percpu *host = this_cpu()->backend_data;

	memset(e, 0, sizeof(*e));
	vmcb->save.rsp = v->gpr[GPR_RSP];
	vmcb->save.rax = v->gpr[GPR_RAX];
	vmcb->control.tlb_control = x->flushed ? 0 : SVM_TLB_FLUSH_ALL;
	x->flushed = true;
	svm_enter(v, (uint64_t)vmcb, (uint64_t)host->host_vmcb);
	v->exits++;
	v->gpr[GPR_RSP] = vmcb->save.rsp;
	v->gpr[GPR_RAX] = vmcb->save.rax;
	vmcb->control.event_inj = 0;
	reinject_exit_int_info(&vmcb->control);
	decode_exit(v, vmcb->control.exit_code, e);
}

const struct vcpu_backend svm_backend = {
	.name = "svm",
	.probe = svm_probe,
	.cpu_enable = svm_cpu_enable,
	.vm_init = svm_vm_init,
	.vm_destroy = svm_vm_destroy,
	.vcpu_init = svm_vcpu_init,
	.vcpu_destroy = svm_vcpu_destroy,
	.vcpu_run = svm_vcpu_run,
	.get_mode = svm_get_mode,
	.skip_insn = svm_skip_insn,
	.set_efer = svm_set_efer,
	.irq_injectable = svm_irq_injectable,
	.inject_irq = svm_inject_irq,
	.request_irq_window = svm_request_irq_window,
	.inject_exception = svm_inject_exception,
	.set_deadline = svm_set_deadline,
};
