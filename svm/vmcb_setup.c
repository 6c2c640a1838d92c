// SPDX-License-Identifier: MIT
/*
 * Pure VMCB set-up (APM Vol. 2 15.5, 15.9-15.13, 15.16): what a VM's
 * permission maps and a vCPU's fresh VMCB contain. The caller allocates the
 * pages and hands in their physical addresses; svm_vcpu.c does that.
 */
#include "vmcb_setup.h"
#include <arch/msr.h>
#include <string.h>
#include <core/vcpu_backend.h>
#include <arch/x86.h>

/* ---- MSR permission map (APM Vol. 2 15.11) -------------------------------- */

/*
 * Two bits per MSR, the read bit first, in three 2 KiB blocks:
 * 0000_0000-0000_1FFF at byte 0, C000_0000-C000_1FFF at 0x800 and
 * C001_0000-C001_1FFF at 0x1000; the last 2 KiB are reserved. An MSR in no
 * block has no bits and always exits. Returns the bit index of the read
 * bit, or -1.
 */
static long msrpm_bit(uint32_t msr)
{
	uint32_t base;

	if (msr < 0x2000)
		base = 0;
	else if (msr >= 0xc0000000u && msr < 0xc0002000u)
		base = 0x800;
	else if (msr >= 0xc0010000u && msr < 0xc0012000u)
		base = 0x1000;
	else
		return -1;
	return (long)base * 8 + (long)(msr & 0x1fff) * 2;
}

void svm_msrpm_init(uint8_t *msrpm, const uint32_t *passthrough, size_t n)
{
	memset(msrpm, 0xff, SVM_MSRPM_SIZE);
	for (size_t i = 0; i < n; i++) {
		long bit = msrpm_bit(passthrough[i]);

		if (bit < 0)
			continue; /* outside the map: always intercepted */
		/* Clear the read and the write bit; both are in one byte. */
		msrpm[bit / 8] &= (uint8_t) ~(3u << (bit % 8));
	}
}

bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write)
{
	long bit = msrpm_bit(msr);

	if (bit < 0)
		return true;
	bit += write;
	return msrpm[bit / 8] & (1u << (bit % 8));
}

/* ---- I/O permission map (APM Vol. 2 15.10.1) ------------------------------- */

void svm_iopm_init(uint8_t *iopm)
{
	memset(iopm, 0xff, SVM_IOPM_SIZE);
}

/*
 * One bit per port. A multi-byte access is intercepted if the bit of any
 * port it touches is set; that is why the map runs past port 0xffff into a
 * third 4 KiB page (an access at 0xffff of 4 bytes checks bits 0xffff to
 * 0x10002).
 */
bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, uint8_t size)
{
	for (uint32_t p = port; p < (uint32_t)port + size; p++)
		if (iopm[p / 8] & (1u << (p % 8)))
			return true;
	return false;
}

/* ---- ASID and VMCB ----------------------------------------------------------- */

uint32_t svm_vm_asid(uint32_t vm_id, uint32_t nr_asids)
{
	/* ASID 0 is the host's; one per VM, wrapping over nr_asids - 1 (15.16). */
	return 1 + vm_id % (nr_asids > 1 ? nr_asids - 1 : 1);
}

void vmcb_init_control(struct vmcb_control *c, uint64_t iopm_pa,
		       uint64_t msrpm_pa, uint32_t asid, uint64_t n_cr3)
{
	memset(c, 0, sizeof(*c));
	/* 15.9-15.13. INTR and NMI exit so the host keeps its interrupts;
	 * SHUTDOWN turns a guest triple fault into a VM event. */
	c->intercept_misc1 =
		SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI | SVM_INTERCEPT_RDPMC |
		SVM_INTERCEPT_CPUID | SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |
		SVM_INTERCEPT_IOIO | SVM_INTERCEPT_MSR |
		SVM_INTERCEPT_SHUTDOWN |
		/* The guest runs with EFER.SVME set, so INVLPGA would
		 * otherwise run: it is an SVM instruction, #UD like them. */
		SVM_INTERCEPT_INVLPGA;
	/* The VMRUN intercept is required: VMRUN fails its consistency checks
	 * without it (15.5.1). The other SVM instructions #UD in the guest. */
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_MONITOR |
			     SVM_INTERCEPT_MWAIT | SVM_INTERCEPT_XSETBV;
	/* #MC exits, so that corral reads the banks and decides whose error
	 * it was; the host handler is not called by itself (15.12). */
	c->intercept_exceptions = 1u << X86_EXC_MC;
	c->iopm_base_pa = iopm_pa;
	c->msrpm_base_pa = msrpm_pa;
	c->asid = asid;
	/* V_INTR_MASKING: the guest's IF masks only virtual interrupts;
	 * physical ones exit (15.21). */
	c->vintr = SVM_VINTR_MASKING;
	c->np_enable =
		SVM_NP_ENABLE; /* nested paging, n_cr3 its root (15.25) */
	c->n_cr3 = n_cr3;
}

static void seg(struct vmcb_seg *s, uint16_t sel, uint16_t attrib,
		uint32_t limit)
{
	*s = (struct vmcb_seg){ .selector = sel,
				.attrib = attrib,
				.limit = limit };
}

void vmcb_init_save(struct vmcb_save *g, const struct vcpu_boot_state *s)
{
	memset(g, 0, sizeof(*g));
	seg(&g->cs, s->cs, VMCB_ATTR_CODE64, 0xffffffff);
	seg(&g->ds, s->ds, VMCB_ATTR_DATA, 0xffffffff);
	seg(&g->es, s->ds, VMCB_ATTR_DATA, 0xffffffff);
	seg(&g->ss, s->ds, VMCB_ATTR_DATA, 0xffffffff);
	seg(&g->fs, s->ds, VMCB_ATTR_DATA, 0xffffffff);
	seg(&g->gs, s->ds, VMCB_ATTR_DATA, 0xffffffff);
	seg(&g->tr, 0, VMCB_ATTR_TSS64, 0x67);
	seg(&g->ldtr, 0, 0, 0);
	g->gdtr.base = s->gdt_base;
	g->gdtr.limit = s->gdt_limit;
	g->cpl = 0;
	g->efer = s->efer |
		  X86_EFER_SVME; /* required while the guest runs (15.5.1) */
	g->cr0 = s->cr0;
	g->cr3 = s->cr3;
	g->cr4 = s->cr4;
	g->rflags = s->rflags | X86_RFLAGS_FIXED;
	g->rip = s->rip;
	g->rsp = s->rsp;
	g->dr6 = VMCB_DR6_DEFAULT;
	g->dr7 = VMCB_DR7_DEFAULT;
	g->g_pat =
		VMCB_PAT_DEFAULT; /* the guest PAT under nested paging (15.25) */
}

uint16_t vmcb_attrib_from_vmx_ar(uint32_t ar)
{
	return (uint16_t)((ar & 0xff) | ((ar >> 4) & 0xf00));
}
