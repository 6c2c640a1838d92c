// SPDX-License-Identifier: MIT
/*
 * The VT-x vCPU: VMCS set-up (SDM Vol. 3C chapter 24/26), the run loop's
 * world switch and the decoding of exits into struct vcpu_exit.
 */
#include "vmx_cr.h"
#include "vmx_events.h"
#include "vmx.h"
#include "vmcs_fields.h"
#include "vmx_ops.h"
#include <bitmap.h>
#include <format.h>
#include <core/host_irq.h>
#include <host/spec_barriers.h>
#include <host/log.h>
#include <arch/msr.h>
#include <mm/page_alloc.h>
#include <host/percpu.h>
#include <mm/stage2.h>
#include <string.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <arch/x86.h>
#include <guest/exception_merge.h>
#include <guest/msr_policy.h>
#include <errno.h>

struct vmx_vm {
	uint64_t eptp;
	uint8_t *msr_bitmap;
	uint8_t *io_bitmap; /* A and B, contiguous */
};

/* MSRs the guest reaches directly (guest/msr_policy.h) that no VMCS field
 * holds: switched by vmx_vcpu_load when vCPUs share a pCPU. */
static const uint32_t switched_msrs[] = {
	MSR_KERNEL_GS_BASE, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SFMASK,
};
#define NR_SWITCHED_MSRS (sizeof(switched_msrs) / sizeof(switched_msrs[0]))

struct vmx_vcpu {
	void *vmcs;
	bool launched;
	bool invept_done;
	bool triple_fault; /* an injection merged into shutdown */
	uint64_t cr0_mask, cr4_mask;
	uint64_t msrs[NR_SWITCHED_MSRS];
	/* The guest's CR2, DR0-3 and DR6, which no VMCS field holds either
	 * (SDM Vol. 3C 28.3.1 saves only DR7): a #PF it took but has not read
	 * CR2 for yet must not see another vCPU's fault address, nor another
	 * VM's, and MOV DR does not exit, so breakpoints stay the guest's. */
	uint64_t cr2;
	uint64_t dr[4];
	uint64_t dr6;
};

int vmx_enter(struct vcpu *v, int launched);
void vmx_exit_entry(void);

#define EPTP_WB 6ull
#define EPTP_WALK_4 (3ull << 3)
#define AR_UNUSABLE (1u << 16)
#define AR_CODE64 0xa09b /* P, DPL0, S, type 11 (exec/read, accessed), L, G */
#define AR_DATA 0xc093	 /* P, DPL0, S, type 3 (read/write, accessed), D/B, G */
#define AR_TSS64_BUSY 0x008b
#define PAT_DEFAULT 0x0007040600070406ull
#define DR6_DEFAULT 0xffff0ff0ull /* the reset values (SDM Vol. 3A 9.1.1) */
#define DR7_DEFAULT 0x400
/* Guest CR bits corral owns: writes that change them exit (SDM 3C 25.3).
 * PG stays corral's even with unrestricted guest: turning it on or off
 * switches EFER.LMA and the "IA-32e mode guest" entry control together. */
#define CR0_HOST_OWNED (X86_CR0_PE | X86_CR0_NE | X86_CR0_PG)

/* ---- second-stage tables ------------------------------------------------ */

static void msr_bitmap_allow(uint8_t *bm, uint32_t msr)
{
	/* Layout (24.6.9): read-low, read-high, write-low, write-high, 1 KiB each. */
	uint32_t base = msr >= 0xc0000000 ? 1024 : 0;
	uint32_t bit = msr & 0x1fff;

	bm[base + bit / 8] &= ~(1u << (bit % 8));
	bm[2048 + base + bit / 8] &= ~(1u << (bit % 8));
}

/* Allocated once per VM; a restart reuses them. */
static struct vmx_vm *vm_arch(struct vm *vm)
{
	struct vmx_vm *a = vm->arch;

	if (a)
		return a;
	a = page_alloc(sizeof(*a), PAGE_SIZE, SZ_4G);
	if (!a)
		return NULL;
	memset(a, 0, sizeof(*a));
	a->msr_bitmap = page_alloc_zeroed_page();
	a->io_bitmap = page_alloc(2 * PAGE_SIZE, PAGE_SIZE, SZ_4G);
	if (!a->msr_bitmap || !a->io_bitmap)
		return NULL;
	vm->arch = a;
	return a;
}

static int vmx_vm_init(struct vm *vm, char *why, size_t n)
{
	struct vmx_vm *a = vm_arch(vm);
	uint64_t root;

	if (!a) {
		snprintf(why, n, "out of memory for VMX bitmaps");
		return -ENOMEM;
	}
	/* A restart: the old run's EPT goes. Every vCPU invalidates its
	 * EPTP's translations on its pCPU before it first enters (INVEPT
	 * in vmx_vcpu_run), so a reused root page brings back nothing. */
	stage2_free(vm->stage2_root, &ept_format);
	vm->stage2_root = 0;
	root = stage2_build(&vm->map, &ept_format);
	if (!root) {
		snprintf(why, n, "out of memory building the EPT");
		return -ENOMEM;
	}
	/* Every MSR exits (bit set) but the guest's own (SDM 3C 24.6.9). */
	memset(a->msr_bitmap, 0xff, PAGE_SIZE);
	for (size_t i = 0; i < guest_msr_passthrough_count; i++)
		msr_bitmap_allow(a->msr_bitmap, guest_msr_passthrough[i]);
	memset(a->io_bitmap, 0xff, 2 * PAGE_SIZE); /* every port exits */
	vm->stage2_root = root;
	a->eptp = root | EPTP_WALK_4 | EPTP_WB;
	return 0;
}

static void vmx_allow_io(struct vm *vm, uint16_t port, uint32_t count)
{
	struct vmx_vm *a = vm->arch;

	/* Bitmap A covers ports 0-0x7fff, B the rest, one bit each (24.6.4). */
	bitmap_clear_range(a->io_bitmap, port, count, 0x10000);
}

static void vmx_vm_destroy(struct vm *vm)
{
	/* Page-table pages are reclaimed with the VM's memory pool (issue 5). */
}

/* ---- VMCS set-up --------------------------------------------------------- */

static void write_host_state(void)
{
	struct percpu *pc = this_cpu();
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, GDT_SEL_CODE);
	vmwrite(VMCS_HOST_SS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_DS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_ES_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_FS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_GS_SEL, GDT_SEL_DATA);
	vmwrite(VMCS_HOST_TR_SEL, GDT_SEL_TSS);
	vmwrite(VMCS_HOST_FS_BASE, 0);
	vmwrite(VMCS_HOST_GS_BASE, (uint64_t)pc);
	vmwrite(VMCS_HOST_TR_BASE, (uint64_t)&pc->tss);
	vmwrite(VMCS_HOST_GDTR_BASE, (uint64_t)pc->gdt);
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, 0);
	vmwrite(VMCS_HOST_SYSENTER_ESP, 0);
	vmwrite(VMCS_HOST_SYSENTER_EIP, 0);
	vmwrite(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_entry);
}

static void write_segment(uint32_t sel_f, uint32_t base_f, uint32_t limit_f,
			  uint32_t ar_f, uint16_t sel, uint32_t limit,
			  uint32_t ar)
{
	vmwrite(sel_f, sel);
	vmwrite(base_f, 0);
	vmwrite(limit_f, limit);
	vmwrite(ar_f, ar);
}

/* The CR0 the guest runs with: its own value plus the bits VMX operation
 * fixes to 1, except PE and PG under unrestricted guest (SDM 3C 26.3.1.1). */
static uint64_t real_cr0(uint64_t val)
{
	uint64_t fixed0 = vmx_cr0_fixed0;

	if (vmx_ctl.unrestricted)
		fixed0 &= ~(uint64_t)(X86_CR0_PE | X86_CR0_PG);
	return vmx_fix_cr(val, fixed0, vmx_cr0_fixed1);
}

static uint16_t vpid_of(const struct vcpu *v)
{
	return (uint16_t)(1 + v->vm->id * VM_MAX_VCPUS + v->id);
}

static void write_guest_state(struct vmx_vcpu *x,
			      const struct vcpu_boot_state *s)
{
	uint16_t ds = s->ds;

	write_segment(VMCS_GUEST_CS_SEL, VMCS_GUEST_CS_BASE,
		      VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_AR, s->cs, 0xffffffff,
		      AR_CODE64);
	write_segment(VMCS_GUEST_DS_SEL, VMCS_GUEST_DS_BASE,
		      VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_AR, ds, 0xffffffff,
		      AR_DATA);
	write_segment(VMCS_GUEST_ES_SEL, VMCS_GUEST_ES_BASE,
		      VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_AR, ds, 0xffffffff,
		      AR_DATA);
	write_segment(VMCS_GUEST_SS_SEL, VMCS_GUEST_SS_BASE,
		      VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_AR, ds, 0xffffffff,
		      AR_DATA);
	write_segment(VMCS_GUEST_FS_SEL, VMCS_GUEST_FS_BASE,
		      VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_AR, ds, 0xffffffff,
		      AR_DATA);
	write_segment(VMCS_GUEST_GS_SEL, VMCS_GUEST_GS_BASE,
		      VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_AR, ds, 0xffffffff,
		      AR_DATA);
	/* A 64-bit guest needs a usable busy TSS (26.3.1.2) even if unused. */
	write_segment(VMCS_GUEST_TR_SEL, VMCS_GUEST_TR_BASE,
		      VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_AR, 0, 0x67,
		      AR_TSS64_BUSY);
	write_segment(VMCS_GUEST_LDTR_SEL, VMCS_GUEST_LDTR_BASE,
		      VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_AR, 0, 0,
		      AR_UNUSABLE);
	vmwrite(VMCS_GUEST_GDTR_BASE, s->gdt_base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, s->gdt_limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, 0);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, 0);

	x->cr0_mask = CR0_HOST_OWNED;
	x->cr4_mask = VMX_CR4_HOST_OWNED;
	vmwrite(VMCS_CR0_MASK, x->cr0_mask);
	vmwrite(VMCS_CR4_MASK, x->cr4_mask);
	vmwrite(VMCS_CR0_SHADOW, s->cr0);
	vmwrite(VMCS_CR4_SHADOW, s->cr4);
	vmwrite(VMCS_GUEST_CR0, real_cr0(s->cr0));
	vmwrite(VMCS_GUEST_CR3, s->cr3);
	vmwrite(VMCS_GUEST_CR4,
		vmx_fix_cr(s->cr4, vmx_cr4_fixed0, vmx_cr4_fixed1));
	vmwrite(VMCS_GUEST_IA32_EFER, s->efer);
	vmwrite(VMCS_GUEST_IA32_PAT, PAT_DEFAULT);
	vmwrite(VMCS_GUEST_DR7, DR7_DEFAULT);
	vmwrite(VMCS_GUEST_IA32_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_RSP, s->rsp);
	vmwrite(VMCS_GUEST_RIP, s->rip);
	vmwrite(VMCS_GUEST_RFLAGS, s->rflags | X86_RFLAGS_FIXED);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_LINK_POINTER, ~0ull);
}

static void write_controls(struct vcpu *v, const struct vcpu_boot_state *s)
{
	struct vmx_vm *a = v->vm->arch;
	uint32_t entry = vmx_ctl.entry;

	if (s->efer & X86_EFER_LMA)
		entry |= ENTRY_IA32E_MODE_GUEST;
	vmwrite(VMCS_PIN_CONTROLS, vmx_ctl.pin);
	vmwrite(VMCS_PROC_CONTROLS, vmx_ctl.proc);
	vmwrite(VMCS_PROC_CONTROLS2, vmx_ctl.proc2);
	vmwrite(VMCS_EXIT_CONTROLS, vmx_ctl.exit);
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	vmwrite(VMCS_EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
	vmwrite(VMCS_PF_ERROR_MASK, 0);
	vmwrite(VMCS_PF_ERROR_MATCH, 0);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	vmwrite(VMCS_TSC_OFFSET, 0);
	vmwrite(VMCS_MSR_BITMAP, (uint64_t)a->msr_bitmap);
	vmwrite(VMCS_IO_BITMAP_A, (uint64_t)a->io_bitmap);
	vmwrite(VMCS_IO_BITMAP_B, (uint64_t)a->io_bitmap + PAGE_SIZE);
	vmwrite(VMCS_EPT_POINTER, a->eptp);
	if (vmx_ctl.vpid)
		vmwrite(VMCS_VPID, vpid_of(v));
	vmwrite(VMCS_PREEMPTION_TIMER, ~0u);
}

static void save_live_registers(struct vmx_vcpu *x)
{
	x->cr2 = read_cr2();
	x->dr[0] = read_dr0();
	x->dr[1] = read_dr1();
	x->dr[2] = read_dr2();
	x->dr[3] = read_dr3();
	x->dr6 = read_dr6();
}

static void load_live_registers(const struct vmx_vcpu *x)
{
	write_cr2(x->cr2);
	write_dr0(x->dr[0]);
	write_dr1(x->dr[1]);
	write_dr2(x->dr[2]);
	write_dr3(x->dr[3]);
	write_dr6(x->dr6);
}

/* Keeps the previous vCPU's syscall MSRs, CR2 and debug registers and
 * installs v's. corral itself takes no page faults and sets no breakpoints,
 * so these hold the running guest's values from its last exit until the
 * next vCPU is loaded. */
static void switch_guest_registers(struct percpu *pc, struct vcpu *v)
{
	struct vmx_vcpu *x = v->arch;

	if (pc->current && pc->current != v) {
		struct vmx_vcpu *old = pc->current->arch;

		for (size_t i = 0; i < NR_SWITCHED_MSRS; i++)
			old->msrs[i] = rdmsr(switched_msrs[i]);
		save_live_registers(old);
	}
	for (size_t i = 0; i < NR_SWITCHED_MSRS; i++)
		wrmsr(switched_msrs[i], x->msrs[i]);
	load_live_registers(x);
	pc->current = v;
}

static void vmx_vcpu_load(struct vcpu *v)
{
	struct percpu *pc = this_cpu();

	if (pc->current == v)
		return;
	vmptrld((uint64_t)((struct vmx_vcpu *)v->arch)->vmcs);
	switch_guest_registers(pc, v);
}

static int vmx_vcpu_init(struct vcpu *v, const struct vcpu_boot_state *s,
			 char *why, size_t n)
{
	struct vmx_vcpu *x = v->arch;
	void *vmcs = x ? x->vmcs : NULL; /* a restart reuses the VMCS */

	if (!x)
		x = page_alloc(sizeof(*x), PAGE_SIZE, SZ_4G);
	if (x && !vmcs)
		vmcs = vmx_alloc_region();
	if (!x || !vmcs) {
		snprintf(why, n, "out of memory for the VMCS");
		return -ENOMEM;
	}
	memset(x, 0, sizeof(*x));
	x->vmcs = vmcs;
	x->dr6 = DR6_DEFAULT;
	if (!vmclear((uint64_t)x->vmcs) || !vmptrld((uint64_t)x->vmcs)) {
		snprintf(why, n, "VMCLEAR/VMPTRLD failed");
		return -EIO;
	}
	v->arch = x;
	switch_guest_registers(this_cpu(), v); /* the VMCS just loaded is v's */
	write_controls(v, s);
	write_host_state();
	write_guest_state(x, s);
	v->gpr[GPR_RSI] = s->rsi;
	v->gpr[GPR_RSP] = s->rsp;
	return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
	struct vmx_vcpu *x = v->arch;

	if (x && x->vmcs)
		vmclear((uint64_t)x->vmcs);
	if (this_cpu()->current == v)
		this_cpu()->current = NULL;
}

/* ---- state accessors ----------------------------------------------------- */

static uint64_t guest_cr(uint32_t real, uint32_t shadow, uint64_t mask)
{
	return (vmread(real) & ~mask) | (vmread(shadow) & mask);
}

/* CR0 as the guest reads it. */
static uint64_t guest_cr0(struct vcpu *v)
{
	return guest_cr(VMCS_GUEST_CR0, VMCS_CR0_SHADOW,
			((struct vmx_vcpu *)v->arch)->cr0_mask);
}

static void vmx_get_mode(struct vcpu *v, struct vcpu_mode *m)
{
	struct vmx_vcpu *x = v->arch;
	uint32_t cs_ar = vmread(VMCS_GUEST_CS_AR);

	m->rip = vmread(VMCS_GUEST_RIP);
	m->cs_base = vmread(VMCS_GUEST_CS_BASE);
	m->rflags = vmread(VMCS_GUEST_RFLAGS);
	m->cr0 = guest_cr0(v);
	m->cr3 = vmread(VMCS_GUEST_CR3);
	m->cr4 = guest_cr(VMCS_GUEST_CR4, VMCS_CR4_SHADOW, x->cr4_mask);
	m->efer = vmread(VMCS_GUEST_IA32_EFER);
	m->long_mode = (m->efer & X86_EFER_LMA) && (cs_ar & (1u << 13));
	m->default_32 = cs_ar & (1u << 14);
	m->cpl = (vmread(VMCS_GUEST_SS_AR) >> 5) & 3;
}

static void vmx_skip_insn(struct vcpu *v, uint8_t len)
{
	uint32_t intr = vmread(VMCS_GUEST_INTERRUPTIBILITY);

	vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + len);
	if (intr & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) {
		intr &= ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY, intr);
	}
	/* The instruction completed: a single-stepping guest gets its #DB. */
	vmwrite(VMCS_GUEST_PENDING_DBG,
		vmx_pending_dbg(vmread(VMCS_GUEST_PENDING_DBG),
				vmread(VMCS_GUEST_RFLAGS), intr, true));
}

/* Entry needs BS = TF in an STI/MOV-SS shadow; an exit on the
 * instruction in the shadow (before it completed) can leave them apart. */
static void fix_pending_dbg(void)
{
	uint64_t old = vmread(VMCS_GUEST_PENDING_DBG);
	uint64_t now =
		vmx_pending_dbg(old, vmread(VMCS_GUEST_RFLAGS),
				vmread(VMCS_GUEST_INTERRUPTIBILITY), false);

	if (now != old)
		vmwrite(VMCS_GUEST_PENDING_DBG, now);
}

static int vmx_set_efer(struct vcpu *v, uint64_t efer)
{
	uint64_t old = vmread(VMCS_GUEST_IA32_EFER);
	uint64_t allowed =
		X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE;

	if (efer & ~allowed)
		return -EINVAL;
	/* LMA is the CPU's to set; LME may not change while paging is on. */
	efer = (efer & ~X86_EFER_LMA) | (old & X86_EFER_LMA);
	if (((efer ^ old) & X86_EFER_LME) &&
	    (vmread(VMCS_GUEST_CR0) & X86_CR0_PG))
		return -EINVAL;
	vmwrite(VMCS_GUEST_IA32_EFER, efer);
	return 0;
}

static bool vmx_irq_injectable(struct vcpu *v)
{
	return vmx_irq_allowed(vmread(VMCS_ENTRY_INTR_INFO),
			       vmread(VMCS_GUEST_RFLAGS),
			       vmread(VMCS_GUEST_INTERRUPTIBILITY));
}

/* With virtual NMIs the CPU sets and clears NMI blocking itself (SDM 3C
 * 26.7.1, the guest's IRET). Without them corral offers no guest NMIs. */
static bool vmx_nmi_injectable(struct vcpu *v)
{
	return vmx_nmi_allowed(vmread(VMCS_ENTRY_INTR_INFO),
			       vmread(VMCS_GUEST_INTERRUPTIBILITY),
			       vmx_ctl.guest_nmis);
}

static bool vmx_guest_nmis(void)
{
	return vmx_ctl.guest_nmis;
}

static void vmx_inject_nmi(struct vcpu *v)
{
	vmwrite(VMCS_ENTRY_INTR_INFO,
		INTR_INFO_VALID | INTR_TYPE_NMI | NMI_VECTOR);
}

static void vmx_inject_irq(struct vcpu *v, uint8_t vector)
{
	vmwrite(VMCS_ENTRY_INTR_INFO,
		INTR_INFO_VALID | INTR_TYPE_EXTERNAL | vector);
}

static void set_proc_bit(uint32_t bit, bool on)
{
	uint32_t p = vmread(VMCS_PROC_CONTROLS);

	vmwrite(VMCS_PROC_CONTROLS, on ? p | bit : p & ~bit);
}

static void vmx_request_irq_window(struct vcpu *v, bool on)
{
	set_proc_bit(PROC_INTERRUPT_WINDOW_EXITING, on);
}

static void vmx_request_nmi_window(struct vcpu *v, bool on)
{
	if (vmx_ctl.guest_nmis)
		set_proc_bit(PROC_NMI_WINDOW_EXITING, on);
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error,
				 uint32_t error)
{
	uint32_t pending = vmread(VMCS_ENTRY_INTR_INFO);
	uint32_t info;

	/* An exception the exit cut short is still to be delivered. */
	if ((pending & INTR_INFO_VALID) &&
	    (pending & INTR_TYPE_MASK) == INTR_TYPE_HW_EXCEPTION &&
	    x86_exception_on_pending(pending & 0xff, &vector, &has_error,
				     &error) == X86_EXC_TRIPLE_FAULT) {
		((struct vmx_vcpu *)v->arch)->triple_fault = true;
		return;
	}
	info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (has_error && vmx_error_code_allowed(vmread(VMCS_GUEST_CR0))) {
		info |= INTR_INFO_DELIVER_ERROR;
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR, error);
	}
	vmwrite(VMCS_ENTRY_INTR_INFO, info);
}

static bool vmx_unpaged_guest(void)
{
	return vmx_ctl.unrestricted;
}

static void vmx_set_deadline(struct vcpu *v, uint64_t tsc)
{
	uint64_t now = rdtsc(), ticks;

	if (!tsc)
		ticks = ~0u;
	else if (tsc <= now)
		ticks = 0;
	else
		ticks = (tsc - now) >> vmx_ctl.preemption_timer_rate;
	vmwrite(VMCS_PREEMPTION_TIMER, ticks > ~0u ? ~0u : ticks);
}

/* ---- exits ---------------------------------------------------------------- */

/* An event whose delivery was interrupted by the exit is delivered again
 * on the next entry (SDM 3C 28.2.4, 27.2.4). */
static void reinject_idt_vectoring(void)
{
	uint32_t info = vmread(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	vmwrite(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
	if (info & INTR_INFO_DELIVER_ERROR)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERROR,
			vmread(VMCS_IDT_VECTORING_ERROR));
	if ((info & INTR_TYPE_MASK) >= INTR_TYPE_SW_INTERRUPT)
		vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
	/* An NMI cut short was never delivered: it goes in again, which
	 * needs NMI blocking clear (SDM 3C 26.3.1.5). */
	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI)
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			vmread(VMCS_GUEST_INTERRUPTIBILITY) &
				~INTERRUPTIBILITY_NMI);
}

static uint64_t *cr_gpr(struct vcpu *v, uint64_t qual)
{
	return &v->gpr[(qual >> 8) & 0xf];
}

/* The guest's linear translations change meaning: drop them. If INVVPID
 * fails, the INVEPT before the next entry drops them too (it flushes every
 * mapping tagged with the EPTP, SDM 3C 29.4.3). Without VPID every entry
 * and exit flushes them anyway (SDM 3C 29.4.3.1). */
static void flush_guest_tlb(struct vcpu *v)
{
	if (vmx_ctl.vpid && !invvpid(INVVPID_SINGLE_CONTEXT, vpid_of(v)))
		((struct vmx_vcpu *)v->arch)->invept_done = false;
}

/* PAE paging: the four PDPTEs at CR3[31:5] go into the VMCS (vmx_cr.h).
 * -EINVAL (the MOV's #GP) if one is bad or not in the VM's RAM. */
static int load_pdptes(struct vcpu *v, uint64_t cr3)
{
	const uint64_t *t = vm_gpa_to_host(v->vm, cr3 & 0xffffffe0ull, 32);
	unsigned maxphyaddr = cpuid(0x80000008u).eax & 0xff;

	if (!t)
		return -EINVAL;
	for (int i = 0; i < 4; i++)
		if (!vmx_pdpte_valid(t[i], maxphyaddr))
			return -EINVAL;
	for (int i = 0; i < 4; i++)
		vmwrite(VMCS_GUEST_PDPTE0 + 2 * i, t[i]);
	return 0;
}

/* Before a CR0/CR4 write that leaves the guest in PAE paging. */
static int pdptes_for(struct vcpu *v, uint64_t cr0, uint64_t cr4)
{
	uint64_t efer = vmread(VMCS_GUEST_IA32_EFER);

	/* Paging on with LME set is IA-32e mode, whatever LMA says now. */
	if ((cr0 & X86_CR0_PG) && (efer & X86_EFER_LME))
		efer |= X86_EFER_LMA;
	if (!vmx_pae_paging(cr0, cr4, efer))
		return 0;
	return load_pdptes(v, vmread(VMCS_GUEST_CR3));
}

/*
 * Paging turned on or off: with EFER.LME that enters or leaves IA-32e mode
 * (SDM 3A 9.8.5), which VMX keeps in EFER.LMA and the "IA-32e mode guest"
 * entry control (SDM 3C 26.2.4). Returns -EINVAL for #GP.
 */
static int switch_paging(struct vcpu *v, bool on)
{
	uint64_t efer = vmread(VMCS_GUEST_IA32_EFER);
	uint32_t entry = vmread(VMCS_ENTRY_CONTROLS);

	if (on && (efer & X86_EFER_LME)) {
		if (!(vmread(VMCS_GUEST_CR4) & X86_CR4_PAE))
			return -EINVAL;
		efer |= X86_EFER_LMA;
		entry |= ENTRY_IA32E_MODE_GUEST;
	} else if (!on) {
		efer &= ~X86_EFER_LMA;
		entry &= ~ENTRY_IA32E_MODE_GUEST;
	}
	vmwrite(VMCS_GUEST_IA32_EFER, efer);
	vmwrite(VMCS_ENTRY_CONTROLS, entry);
	flush_guest_tlb(v);
	return 0;
}

static enum vmx_cr_write guest_write_cr0(struct vcpu *v, uint64_t val)
{
	struct vmx_vcpu *x = v->arch;
	uint64_t old = vmread(VMCS_GUEST_CR0);
	enum vmx_cr_write r = vmx_cr0_write_check(val, vmx_ctl.unrestricted);

	if (r == VMX_CR_WRITE_DONE &&
	    pdptes_for(v, val, vmread(VMCS_GUEST_CR4)))
		r = VMX_CR_WRITE_GP;
	if (r == VMX_CR_WRITE_DONE && ((val ^ old) & X86_CR0_PG) &&
	    switch_paging(v, val & X86_CR0_PG))
		r = VMX_CR_WRITE_GP;
	if (r == VMX_CR_WRITE_GP)
		vmx_inject_exception(v, X86_EXC_GP, true, 0);
	if (r != VMX_CR_WRITE_DONE)
		return r;
	vmwrite(VMCS_CR0_SHADOW, val & x->cr0_mask);
	vmwrite(VMCS_GUEST_CR0, real_cr0(val));
	return r;
}

static enum vmx_cr_write guest_write_cr4(struct vcpu *v, uint64_t val)
{
	enum vmx_cr_write r = vmx_cr4_write_check(val);

	if (r == VMX_CR_WRITE_DONE &&
	    pdptes_for(v, vmread(VMCS_GUEST_CR0), val))
		r = VMX_CR_WRITE_GP;
	if (r == VMX_CR_WRITE_GP) {
		vmx_inject_exception(v, X86_EXC_GP, true, 0);
		return r;
	}
	vmwrite(VMCS_CR4_SHADOW, val);
	vmwrite(VMCS_GUEST_CR4,
		vmx_fix_cr(val, vmx_cr4_fixed0, vmx_cr4_fixed1));
	return r;
}

/* Only without the TRUE controls, where CR3-load exiting cannot be
 * turned off. */
static enum vmx_cr_write guest_write_cr3(struct vcpu *v, uint64_t val)
{
	if (vmread(VMCS_GUEST_CR4) & X86_CR4_PCIDE)
		val &= ~VMX_CR3_NOFLUSH;
	if (vmx_pae_paging(vmread(VMCS_GUEST_CR0), vmread(VMCS_GUEST_CR4),
			   vmread(VMCS_GUEST_IA32_EFER)) &&
	    load_pdptes(v, val)) {
		vmx_inject_exception(v, X86_EXC_GP, true, 0);
		return VMX_CR_WRITE_GP;
	}
	vmwrite(VMCS_GUEST_CR3, val);
	flush_guest_tlb(v);
	return VMX_CR_WRITE_DONE;
}

/* Control-register exits (qualification: SDM 3C table 28-3). */
static void handle_cr(struct vcpu *v, struct vcpu_exit *e)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
	unsigned cr = q & 0xf, type = (q >> 4) & 3;
	uint64_t *reg = cr_gpr(v, q);
	enum vmx_cr_write r = VMX_CR_WRITE_DONE;

	if (type == 0 && cr == 0)
		r = guest_write_cr0(v, *reg);
	else if (type == 0 && cr == 4)
		r = guest_write_cr4(v, *reg);
	else if (type == 0 && cr == 3)
		r = guest_write_cr3(v, *reg);
	else if (type == 1 && cr == 3)
		*reg = vmread(VMCS_GUEST_CR3);
	else if (type == 0 && cr == 8)
		v->lapic.tpr = (*reg & 0xf) << 4;
	else if (type == 1 && cr == 8)
		*reg = v->lapic.tpr >> 4;
	else if (type == 2) /* CLTS */
		vmwrite(VMCS_GUEST_CR0, vmread(VMCS_GUEST_CR0) & ~8ull);
	else if (type == 3) /* LMSW, source in bits 31:16 */
		r = guest_write_cr0(v, vmx_lmsw_cr0(guest_cr0(v), q >> 16));
	else
		r = VMX_CR_WRITE_UNSUPPORTED;
	if (r == VMX_CR_WRITE_UNSUPPORTED) {
		e->reason = EXIT_FAILED;
		snprintf(
			e->why, sizeof(e->why),
			"unsupported control-register access (CR%u, type %u, value 0x%llx)",
			cr, type, (unsigned long long)*reg);
		return;
	}
	if (vmx_cr_write_retires(r))
		vmx_skip_insn(v, vmread(VMCS_EXIT_INSN_LEN));
}

static void decode_io(struct vcpu_exit *e)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);

	/* SDM 3C table 28-5: size-1 in bits 2:0, IN in bit 3, port in 31:16. */
	e->reason = EXIT_IO;
	e->io.size = (q & 7) + 1;
	e->io.in = q & (1u << 3);
	e->io.string = q & (1u << 4);
	e->io.rep = q & (1u << 5);
	e->io.port = q >> 16;
}

static void decode_ept_violation(struct vcpu_exit *e)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);

	/* SDM 3C table 28-7: bit 1 write, bit 2 instruction fetch; bit 7
	 * the linear address is valid, and then bit 8 says it was the
	 * translated address, not a paging-structure entry. */
	e->reason = EXIT_NPF;
	e->insn_len = 0;
	e->npf.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	e->npf.write = q & 2;
	e->npf.fetch = q & 4;
	e->npf.page_walk = !(q & (1u << 7)) || !(q & (1u << 8));
	e->npf.event_delivery =
		vmread(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID;
}

/* "Acknowledge interrupt on exit" hands us the vector (SDM 3C 28.2.2). */
static void host_interrupt(void)
{
	uint32_t info = vmread(VMCS_EXIT_INTR_INFO);

	host_irq_received(info & 0xff);
}

/*
 * A host NMI made the exit (pin-based "NMI exiting"): it was not delivered
 * to the host, and NMIs stay blocked until the next IRET. INT 2 runs the
 * host's NMI handler now, and its IRETQ lifts that blocking. A machine
 * check (exception bitmap bit 18) goes to the core, which reads the banks.
 */
static void exception_or_nmi_exit(struct vcpu_exit *e)
{
	uint32_t info = vmread(VMCS_EXIT_INTR_INFO);

	switch (vmx_exception_exit_kind(info)) {
	case VMX_EXC_EXIT_NMI:
		asm volatile("int $2" ::: "memory");
		return;
	case VMX_EXC_EXIT_MACHINE_CHECK:
		e->reason = EXIT_MACHINE_CHECK;
		return;
	case VMX_EXC_EXIT_OTHER:
		break;
	}
	e->reason = EXIT_FAILED;
	snprintf(
		e->why, sizeof(e->why),
		"exception exit corral did not ask for (interruption info 0x%x)",
		info);
}

static void decode_exit(struct vcpu *v, uint32_t reason, struct vcpu_exit *e)
{
	e->insn_len = vmread(VMCS_EXIT_INSN_LEN);
	switch (reason) {
	case EXIT_REASON_EXTERNAL_INTERRUPT:
		host_interrupt();
		return;
	case EXIT_REASON_PREEMPTION_TIMER:
		return;
	case EXIT_REASON_EXCEPTION_NMI:
		exception_or_nmi_exit(e);
		return;
	case EXIT_REASON_INTERRUPT_WINDOW:
		vmx_request_irq_window(v, false);
		return;
	case EXIT_REASON_NMI_WINDOW:
		vmx_request_nmi_window(v, false);
		return;
	case EXIT_REASON_TRIPLE_FAULT:
		e->reason = EXIT_SHUTDOWN;
		return;
	case EXIT_REASON_CPUID:
		e->reason = EXIT_CPUID;
		return;
	case EXIT_REASON_HLT:
		e->reason = EXIT_HLT;
		return;
	case EXIT_REASON_VMCALL:
		e->reason = EXIT_HYPERCALL;
		return;
	case EXIT_REASON_RDMSR:
	case EXIT_REASON_WRMSR:
		e->reason =
			reason == EXIT_REASON_RDMSR ? EXIT_RDMSR : EXIT_WRMSR;
		e->msr.index = (uint32_t)v->gpr[GPR_RCX];
		return;
	case EXIT_REASON_IO:
		decode_io(e);
		return;
	case EXIT_REASON_EPT_VIOLATION:
		decode_ept_violation(e);
		return;
	case EXIT_REASON_CR_ACCESS:
		handle_cr(v, e);
		return;
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		vmx_skip_insn(v, e->insn_len);
		return;
	case EXIT_REASON_RDPMC:
		vmx_inject_exception(v, X86_EXC_GP, true, 0);
		return;
	case EXIT_REASON_MWAIT:
	case EXIT_REASON_MONITOR:
	case EXIT_REASON_GETSEC:
	case EXIT_REASON_XSETBV:
	case 19 ... 27: /* VMX instructions */
	case EXIT_REASON_INVEPT:
	case EXIT_REASON_INVVPID:
		vmx_inject_exception(v, X86_EXC_UD, false, 0);
		return;
	}
	e->reason = EXIT_FAILED;
	snprintf(
		e->why, sizeof(e->why),
		"unhandled VM exit reason %u (qualification 0x%llx) at rip 0x%llx",
		reason, (unsigned long long)vmread(VMCS_EXIT_QUALIFICATION),
		(unsigned long long)vmread(VMCS_GUEST_RIP));
}

static void entry_failed(struct vcpu_exit *e, uint32_t reason, bool vmfail)
{
	/* SDM 3C 27.8: an #MC during VM entry; the banks say more. */
	if (!vmfail && (reason & 0xffff) == EXIT_REASON_MCE_DURING_ENTRY) {
		e->reason = EXIT_MACHINE_CHECK;
		return;
	}
	e->reason = EXIT_FAILED;
	if (vmfail)
		snprintf(e->why, sizeof(e->why),
			 "VMLAUNCH/VMRESUME failed: VM-instruction error %llu",
			 (unsigned long long)vmread(VMCS_INSN_ERROR));
	else
		snprintf(
			e->why, sizeof(e->why),
			"VM entry failed: exit reason %u (%s), qualification %llu",
			reason & 0xffff,
			(reason & 0xffff) == EXIT_REASON_INVALID_GUEST_STATE ?
				"invalid guest state" :
				"MSR loading",
			(unsigned long long)vmread(VMCS_EXIT_QUALIFICATION));
}

static void vmx_vcpu_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct vmx_vcpu *x = v->arch;
	uint32_t reason, gen;

	memset(e, 0, sizeof(*e));
	if (x->triple_fault) {
		x->triple_fault = false;
		e->reason = EXIT_SHUTDOWN;
		return;
	}
	gen = __atomic_load_n(&v->vm->stage2_gen, __ATOMIC_SEQ_CST);
	if (gen != v->stage2_seen)
		x->invept_done = false; /* a mapping left the EPT */
	if (!x->invept_done) {
		if (!invept(INVEPT_SINGLE_CONTEXT,
			    ((struct vmx_vm *)v->vm->arch)->eptp)) {
			e->reason = EXIT_FAILED;
			snprintf(
				e->why, sizeof(e->why),
				"INVEPT failed: stale translations could remain");
			return;
		}
		x->invept_done = true;
	}
	v->stage2_seen = gen;
	vmwrite(VMCS_GUEST_RSP, v->gpr[GPR_RSP]);
	fix_pending_dbg();
	spec_before_entry(v->spec_ctrl);
	if (vmx_enter(v, x->launched)) {
		spec_after_exit(v->spec_ctrl);
		entry_failed(e, 0, true);
		return;
	}
	spec_after_exit(v->spec_ctrl);
	x->launched = true;
	v->gpr[GPR_RSP] = vmread(VMCS_GUEST_RSP);
	reason = vmread(VMCS_EXIT_REASON);
	if (reason & EXIT_REASON_ENTRY_FAILED) {
		entry_failed(e, reason, false);
		return;
	}
	reinject_idt_vectoring();
	decode_exit(v, reason & 0xffff, e);
}

const struct vcpu_backend vmx_backend = {
	.name = "vmx",
	.probe = vmx_probe,
	.cpu_enable = vmx_cpu_enable,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.vcpu_init = vmx_vcpu_init,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vcpu_load = vmx_vcpu_load,
	.vcpu_run = vmx_vcpu_run,
	.get_mode = vmx_get_mode,
	.skip_insn = vmx_skip_insn,
	.set_efer = vmx_set_efer,
	.irq_injectable = vmx_irq_injectable,
	.inject_irq = vmx_inject_irq,
	.request_irq_window = vmx_request_irq_window,
	.nmi_injectable = vmx_nmi_injectable,
	.inject_nmi = vmx_inject_nmi,
	.guest_nmis = vmx_guest_nmis,
	.request_nmi_window = vmx_request_nmi_window,
	.inject_exception = vmx_inject_exception,
	.set_deadline = vmx_set_deadline,
	.unpaged_guest = vmx_unpaged_guest,
	.allow_io = vmx_allow_io,
	.stage2_format = &ept_format,
};
