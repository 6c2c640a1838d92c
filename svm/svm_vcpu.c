// SPDX-License-Identifier: MIT
/*
 * The AMD-V vCPU: the VMCB and permission-map pages (their contents come
 * from vmcb_setup.c; APM Vol. 2 15.5, 15.9-15.13), the run loop's world
 * switch, and the decoding of #VMEXITs into struct vcpu_exit. Without
 * NRIP-save (QEMU TCG) instruction lengths come from checking the bytes at
 * RIP against the one encoding that can have caused the exit.
 */
#include "svm.h"
#include "vmcb.h"
#include "vmcb_irq.h"
#include "vmcb_setup.h"
#include <bitmap.h>
#include <format.h>
#include <core/guest_mem.h>
#include <host/spec_barriers.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <mm/page_alloc.h>
#include <host/percpu.h>
#include <mm/stage2.h>
#include <string.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <arch/x86.h>
#include <guest/exception_merge.h>
#include <guest/msr_policy.h>

struct svm_vm {
	uint8_t *iopm;	/* 12 KiB: one bit per port (15.10.1) */
	uint8_t *msrpm; /* 8 KiB: two bits per MSR (15.11) */
	uint32_t asid;
};

struct svm_vcpu {
	struct vmcb *vmcb;
	bool flushed;
	bool triple_fault; /* an injection merged into shutdown */
	struct svm_nmi nmi;
};

void svm_enter(struct vcpu *v, uint64_t vmcb_pa, uint64_t host_vmcb_pa);
extern const char svm_vmrun_return[];

_Static_assert(SVM_IOPM_SIZE == 3 * PAGE_SIZE, "IOPM pages");
_Static_assert(SVM_MSRPM_SIZE == 2 * PAGE_SIZE, "MSRPM pages");

/* ---- per VM ----------------------------------------------------------- */

/* Allocated once per VM; a restart reuses them. */
static struct svm_vm *vm_arch(struct vm *vm)
{
	struct svm_vm *a = vm->arch;

	if (a)
		return a;
	a = page_alloc(sizeof(*a), PAGE_SIZE, ALLOC_ANYWHERE);
	if (!a)
		return NULL;
	a->iopm = page_alloc(SVM_IOPM_SIZE, PAGE_SIZE, ALLOC_ANYWHERE);
	a->msrpm = page_alloc(SVM_MSRPM_SIZE, PAGE_SIZE, ALLOC_ANYWHERE);
	if (!a->iopm || !a->msrpm)
		return NULL;
	vm->arch = a;
	return a;
}

static int svm_vm_init(struct vm *vm, char *why, size_t n)
{
	struct svm_vm *a = vm_arch(vm);

	if (!a) {
		snprintf(why, n, "out of memory for the SVM permission maps");
		return -ENOMEM;
	}
	/* A restart: the old run's NPT goes. Each vCPU flushes its TLB on its
	 * first VMRUN (svm_vcpu_load), so a reused page brings back nothing. */
	stage2_free(vm->stage2_root, &npt_format);
	vm->stage2_root = stage2_build(&vm->map, &npt_format);
	if (!vm->stage2_root) {
		snprintf(why, n,
			 "out of memory building the nested page tables");
		return -ENOMEM;
	}
	svm_iopm_init(a->iopm);
	/* APM Vol. 2 15.11: a clear bit lets the guest at the MSR. */
	svm_msrpm_init(a->msrpm, guest_msr_passthrough,
		       guest_msr_passthrough_count);
	a->asid = svm_vm_asid(vm->id, svm_caps.nr_asids);
	return 0;
}

static void svm_allow_io(struct vm *vm, uint16_t port, uint32_t count)
{
	struct svm_vm *a = vm->arch;

	/* One bit per port (15.10.1). */
	bitmap_clear_range(a->iopm, port, count, 0x10000);
}

static void svm_vm_destroy(struct vm *vm)
{
}

/* ---- per vCPU ----------------------------------------------------------- */

static int svm_vcpu_init(struct vcpu *v, const struct vcpu_boot_state *s,
			 char *why, size_t n)
{
	struct svm_vcpu *x = v->arch;
	struct svm_vm *a = v->vm->arch;

	/* A restart reuses the VMCB, cleared. */
	if (!x)
		x = page_alloc(sizeof(*x), PAGE_SIZE, ALLOC_ANYWHERE);
	if (x && x != v->arch)
		x->vmcb = page_alloc_zeroed_page();
	else if (x)
		memset(x->vmcb, 0, PAGE_SIZE);
	if (!x || !x->vmcb) {
		snprintf(why, n, "out of memory for the VMCB");
		return -ENOMEM;
	}
	x->flushed = false;
	x->triple_fault = false;
	x->nmi = (struct svm_nmi){ 0 };
	/* Identity-mapped: the maps' and the tables' addresses are physical. */
	vmcb_init_control(&x->vmcb->control, (uint64_t)a->iopm,
			  (uint64_t)a->msrpm, a->asid, v->vm->stage2_root);
	vmcb_init_save(&x->vmcb->save, s);
	v->arch = x;
	v->gpr[GPR_RSI] = s->rsi;
	v->gpr[GPR_RSP] = s->rsp;
	return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
	if (this_cpu()->current == v)
		this_cpu()->current = NULL;
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
	m->cs_base = g->cs.base;
	m->rflags = g->rflags;
	m->cr0 = g->cr0;
	m->cr3 = g->cr3;
	m->cr4 = g->cr4;
	m->efer = g->efer & ~X86_EFER_SVME;
	m->long_mode = (g->efer & X86_EFER_LMA) && (g->cs.attrib & VMCB_ATTR_L);
	m->default_32 = g->cs.attrib & VMCB_ATTR_DB;
	m->cpl = g->cpl;
}

static void svm_skip_insn(struct vcpu *v, uint8_t len)
{
	struct vmcb *vmcb = vmcb_of(v);

	vmcb->save.rip += len;
	vmcb->control.interrupt_shadow &= ~SVM_INTERRUPT_SHADOW;
}

static int svm_set_efer(struct vcpu *v, uint64_t efer)
{
	struct vmcb_save *g = &vmcb_of(v)->save;
	uint64_t allowed =
		X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;

	if (efer & ~allowed)
		return -EINVAL;
	efer = (efer & ~X86_EFER_LMA) | (g->efer & X86_EFER_LMA);
	if (((efer ^ g->efer) & X86_EFER_LME) && (g->cr0 & X86_CR0_PG))
		return -EINVAL;
	g->efer = efer | X86_EFER_SVME;
	return 0;
}

static bool svm_irq_injectable(struct vcpu *v)
{
	struct vmcb *vmcb = vmcb_of(v);

	return vmcb_irq_injectable(&vmcb->control, vmcb->save.rflags);
}

static void svm_inject_irq(struct vcpu *v, uint8_t vector)
{
	vmcb_irq_inject(&vmcb_of(v)->control, vector);
}

static void svm_request_irq_window(struct vcpu *v, bool on)
{
	vmcb_irq_window(&vmcb_of(v)->control, on);
}

static bool svm_nmi_injectable(struct vcpu *v)
{
	struct svm_vcpu *x = v->arch;

	return vmcb_nmi_injectable(&x->vmcb->control, &x->nmi);
}

static bool svm_guest_nmis(void)
{
	return true; /* EVENTINJ and the IRET intercept: every AMD-V CPU */
}

static void svm_inject_nmi(struct vcpu *v)
{
	struct svm_vcpu *x = v->arch;

	vmcb_nmi_inject(&x->vmcb->control, &x->nmi);
}

/* AMD-V has no NMI window exit: a blocked NMI goes in at a later exit
 * (the IRET's own, the host timer's), as soon as it can. */
static void svm_request_nmi_window(struct vcpu *v, bool on)
{
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint64_t pending = vmcb_of(v)->control.event_inj, ev;

	/* An exception the exit cut short is still to be delivered. */
	if ((pending & SVM_EVTINJ_VALID) &&
	    (pending & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_EXCEPTION &&
	    x86_exception_on_pending(pending & SVM_EVTINJ_VECTOR_MASK, &vector,
				     &has_error,
				     &error) == X86_EXC_TRIPLE_FAULT) {
		((struct svm_vcpu *)v->arch)->triple_fault = true;
		return;
	}
	ev = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXCEPTION | vector;
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
	if (guest_read_virt(v->vm, &m, vcpu_mode_pc(&m), code, len) == len &&
	    !memcmp(code, op, len))
		return len;
	e->reason = EXIT_FAILED;
	snprintf(
		e->why, sizeof(e->why),
		"unsupported encoding at rip 0x%llx (%02x %02x %02x): prefixes are not decoded for this exit",
		(unsigned long long)m.rip, code[0], code[1], code[2]);
	return 0;
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
		return; /* taken at STGI (svm_entry.S) and acknowledged */
	case SVM_EXIT_NMI:
		/* A host NMI: held while GIF = 0, it is taken at STGI
		 * through IDT vector 2 (APM 15.17), where host/nmi.c
		 * counts it. */
		return;
	case SVM_EXIT_VINTR:
		svm_request_irq_window(v, false);
		return;
	case SVM_EXIT_IRET:
		return; /* vmcb_nmi_after_exit() took it: the IRET runs now */
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
		e->npf.page_walk = c->exit_info1 & SVM_NPF_PAGE_WALK;
		e->npf.event_delivery = c->exit_int_info & SVM_EVTINJ_VALID;
		return;
	case SVM_EXIT_SHUTDOWN:
		e->reason = EXIT_SHUTDOWN;
		return;
	case SVM_EXIT_MC:
		e->reason = EXIT_MACHINE_CHECK;
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
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_XSETBV:
		svm_inject_exception(v, X86_EXC_UD, false, 0);
		return;
	}
	e->reason = EXIT_FAILED;
	if (code == SVM_EXIT_INVALID)
		snprintf(e->why, sizeof(e->why),
			 "VMRUN failed: invalid guest state in the VMCB");
	else
		snprintf(
			e->why, sizeof(e->why),
			"unhandled #VMEXIT code 0x%llx (info1 0x%llx, info2 0x%llx) at rip 0x%llx",
			(unsigned long long)code,
			(unsigned long long)c->exit_info1,
			(unsigned long long)c->exit_info2,
			(unsigned long long)vmcb_of(v)->save.rip);
}

/* With nested paging the guest's own paging may be off (APM 15.25.3). */
static bool svm_unpaged_guest(void)
{
	return true;
}

/* Everything per-vCPU lives in the VMCB or is switched by VMLOAD/VMSAVE.
 * The TLB is flushed when another vCPU ran here last: ASIDs should make
 * that unnecessary, but QEMU's TCG ignores them, and two VMs booting the
 * same kernel use the same guest CR3 values (15.16.1). */
static void svm_vcpu_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();
	struct svm_vcpu *x = v->arch;

	if (pc->current == v)
		return;
	x->flushed = false;
	pc->current = v;
}

/*
 * A #VMEXIT stores the guest's state in its VMCB and loads the host's
 * from VM_HSAVE_PA (APM 15.6). Multi-threaded QEMU TCG has returned a VMCB
 * that was sound before VMRUN holding the host's own state (rip right after
 * VMRUN, corral's CR3 and CS), through a data race in QEMU:
 * docs/qemu-errata.md. Running on from there would execute corral's
 * addresses as guest-physical ones; the VM stops instead, with the reason.
 */
static bool holds_host_state(const struct vmcb_save *g)
{
	return g->rip == (uint64_t)svm_vmrun_return && g->cr3 == read_cr3() &&
	       g->cpl == 0;
}

static void svm_vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct svm_vcpu *x = v->arch;
	struct vmcb *vmcb = x->vmcb;
	struct svm_percpu *host = this_cpu()->backend_data;
	uint32_t gen;

	memset(e, 0, sizeof(*e));
	if (x->triple_fault) {
		x->triple_fault = false;
		e->reason = EXIT_SHUTDOWN;
		return;
	}
	vmcb->save.rsp = v->gpr[GPR_RSP];
	vmcb->save.rax = v->gpr[GPR_RAX];
	gen = __atomic_load_n(&v->vm->stage2_gen, __ATOMIC_SEQ_CST);
	if (gen != v->stage2_seen)
		x->flushed = false; /* a mapping left the NPT */
	vmcb->control.tlb_control = x->flushed ? 0 : SVM_TLB_FLUSH_ALL;
	x->flushed = true;
	v->stage2_seen = gen;
	spec_before_entry(v->spec_ctrl);
	svm_enter(v, (uint64_t)vmcb, (uint64_t)host->host_vmcb);
	spec_after_exit(v->spec_ctrl);
	if (holds_host_state(&vmcb->save)) {
		e->reason = EXIT_FAILED;
		snprintf(
			e->why, sizeof(e->why),
			"its VMCB came back from VMRUN holding corral's own state (rip 0x%llx, cr3 0x%llx): the CPU or emulator lost the guest's state",
			(unsigned long long)vmcb->save.rip,
			(unsigned long long)vmcb->save.cr3);
		return;
	}
	v->gpr[GPR_RSP] = vmcb->save.rsp;
	v->gpr[GPR_RAX] = vmcb->save.rax;
	vmcb_events_after_exit(&vmcb->control);
	vmcb_nmi_after_exit(&vmcb->control, &x->nmi, vmcb->control.exit_code,
			    vmcb->save.rip);
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
	.vcpu_load = svm_vcpu_load,
	.vcpu_run = svm_vcpu_run,
	.get_mode = svm_get_mode,
	.skip_insn = svm_skip_insn,
	.set_efer = svm_set_efer,
	.irq_injectable = svm_irq_injectable,
	.inject_irq = svm_inject_irq,
	.request_irq_window = svm_request_irq_window,
	.nmi_injectable = svm_nmi_injectable,
	.inject_nmi = svm_inject_nmi,
	.guest_nmis = svm_guest_nmis,
	.request_nmi_window = svm_request_nmi_window,
	.inject_exception = svm_inject_exception,
	.set_deadline = svm_set_deadline,
	.unpaged_guest = svm_unpaged_guest,
	.allow_io = svm_allow_io,
	.stage2_format = &npt_format,
};
