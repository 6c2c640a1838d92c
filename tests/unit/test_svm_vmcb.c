// SPDX-License-Identifier: MIT
/*
 * The AMD-V VMCB set-up: intercepts and nested paging in the control area
 * (APM Vol. 2 15.9-15.13, 15.25), the guest state for a Linux 64-bit entry
 * (15.5.1), and the MSR and I/O permission maps (15.11, 15.10.1). Expected
 * bit positions are written out from the APM, not from vmcb_setup.c.
 */
#include <guest/linux_boot.h>
#include <arch/msr.h>
#include <stdlib.h>
#include <string.h>
#include <core/vcpu_backend.h>
#include <vmcb_irq.h>
#include <vmcb_setup.h>
#include <arch/x86.h>
#include <guest/msr_policy.h>
#include "test.h"

#define IOPM_PA 0x12340000ull
#define MSRPM_PA 0x12350000ull
#define NPT_ROOT 0x7654000ull

/* ---- control area ----------------------------------------------------- */

static void test_control_area(void)
{
	struct vmcb_control *c = malloc(sizeof(*c));

	memset(c, 0xa5, sizeof(*c)); /* init must not rely on a zeroed page */
	vmcb_init_control(c, IOPM_PA, MSRPM_PA, 3, NPT_ROOT);

	/* Vector 3 (offset 0x0c): bit by bit, as APM Vol. 2 appendix B lists them. */
	CHECK(c->intercept_misc1 & (1u << 0));	/* INTR */
	CHECK(c->intercept_misc1 & (1u << 1));	/* NMI */
	CHECK(c->intercept_misc1 & (1u << 15)); /* RDPMC */
	CHECK(c->intercept_misc1 & (1u << 18)); /* CPUID */
	CHECK(c->intercept_misc1 & (1u << 22)); /* INVD */
	CHECK(c->intercept_misc1 & (1u << 24)); /* HLT */
	CHECK(c->intercept_misc1 & (1u << 26)); /* INVLPGA: #UD */
	CHECK(c->intercept_misc1 & (1u << 27)); /* IOIO_PROT */
	CHECK(c->intercept_misc1 & (1u << 28)); /* MSR_PROT */
	CHECK(c->intercept_misc1 & (1u << 31)); /* SHUTDOWN */
	/* VINTR is requested only while waiting for an interrupt window. */
	CHECK(!(c->intercept_misc1 & SVM_INTERCEPT_VINTR));
	CHECK(!(c->intercept_misc1 & SVM_INTERCEPT_INIT));

	/* Vector 4 (offset 0x10). VMRUN must be intercepted or VMRUN fails
	 * its consistency checks (15.5.1). */
	CHECK(c->intercept_misc2 & (1u << 0));	/* VMRUN */
	CHECK(c->intercept_misc2 & (1u << 1));	/* VMMCALL */
	CHECK(c->intercept_misc2 & (1u << 2));	/* VMLOAD */
	CHECK(c->intercept_misc2 & (1u << 3));	/* VMSAVE */
	CHECK(c->intercept_misc2 & (1u << 4));	/* STGI */
	CHECK(c->intercept_misc2 & (1u << 5));	/* CLGI */
	CHECK(c->intercept_misc2 & (1u << 6));	/* SKINIT */
	CHECK(c->intercept_misc2 & (1u << 10)); /* MONITOR */
	CHECK(c->intercept_misc2 & (1u << 11)); /* MWAIT (unconditional) */
	CHECK(c->intercept_misc2 & (1u << 13)); /* XSETBV */
	CHECK_EQ(c->intercept_misc1, 0x9d448003u);
	CHECK_EQ(c->intercept_misc2, 0x2c7fu);

	/* Nothing else is intercepted: CR/DR accesses and exceptions but #MC
	 * stay in the guest, and the rest of the VMCB is clean. */
	CHECK_EQ(c->intercept_cr, 0);
	CHECK_EQ(c->intercept_dr, 0);
	CHECK_EQ(c->intercept_exceptions, 1u << 18);
	CHECK_EQ(c->intercept_misc3, 0);
	CHECK_EQ(c->tsc_offset, 0);
	CHECK_EQ(c->tlb_control, 0);
	CHECK_EQ(c->event_inj, 0);
	CHECK_EQ(c->lbr_virt, 0);
	CHECK_EQ(c->clean_bits, 0);

	CHECK_EQ(c->iopm_base_pa, IOPM_PA);
	CHECK_EQ(c->msrpm_base_pa, MSRPM_PA);
	CHECK_EQ(c->asid, 3);
	CHECK(c->vintr & (1u << 24));	/* V_INTR_MASKING */
	CHECK(!(c->vintr & (1u << 8))); /* no V_IRQ pending */
	CHECK_EQ(c->np_enable & 1, 1);	/* NP_ENABLE */
	CHECK_EQ(c->n_cr3, NPT_ROOT);

	/* Field offsets the hardware reads (appendix B, table B-1). */
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, intercept_misc1),
		 0x0c);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, intercept_misc2),
		 0x10);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, iopm_base_pa), 0x40);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, msrpm_base_pa), 0x48);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, asid), 0x58);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, vintr), 0x60);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, np_enable), 0x90);
	CHECK_EQ(__builtin_offsetof(struct vmcb_control, n_cr3), 0xb0);
	free(c);
}

static void test_asid(void)
{
	/* ASID 0 belongs to the host (15.16). */
	for (uint32_t id = 0; id < 100; id++) {
		CHECK(svm_vm_asid(id, 8) != 0);
		CHECK(svm_vm_asid(id, 8) < 8);
		CHECK_EQ(svm_vm_asid(id, 0), 1);
		CHECK_EQ(svm_vm_asid(id, 1), 1);
	}
	CHECK_EQ(svm_vm_asid(0, 16), 1);
	CHECK_EQ(svm_vm_asid(1, 16), 2);
	CHECK_EQ(svm_vm_asid(14, 16), 15);
	CHECK_EQ(svm_vm_asid(15, 16), 1);
	CHECK(svm_vm_asid(3, 32768) != svm_vm_asid(4, 32768));
}

/* ---- save area ---------------------------------------------------------- */

static const struct vcpu_boot_state linux_entry = {
	.rip = 0x1000200,
	.rsp = 0x8ff0,
	.rsi = LB_ZERO_PAGE_GPA,
	.rflags = X86_RFLAGS_FIXED,
	.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG,
	.cr3 = LB_PML4_GPA,
	.cr4 = X86_CR4_PAE,
	.efer = X86_EFER_LME | X86_EFER_LMA,
	.gdt_base = LB_GDT_GPA,
	.gdt_limit = LB_GDT_LIMIT,
	.cs = LB_BOOT_CS,
	.ds = LB_BOOT_DS,
};

/* A GDT descriptor's attribute bits in the VMCB's compressed form (15.5.1):
 * descriptor bits 47:40 to 7:0, 55:52 to 11:8. */
static uint16_t attrib_of_descriptor(uint64_t d)
{
	return (uint16_t)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 8));
}

static void check_flat_data(const struct vmcb_seg *s, const char *name)
{
	if (s->selector != LB_BOOT_DS || s->attrib != 0xc93 ||
	    s->limit != 0xffffffff || s->base != 0)
		fprintf(stderr, "segment %s is not flat data\n", name);
	CHECK_EQ(s->selector, LB_BOOT_DS);
	CHECK_EQ(s->attrib, 0xc93);
	CHECK_EQ(s->limit, 0xffffffff);
	CHECK_EQ(s->base, 0);
}

static void test_save_area(void)
{
	struct vmcb_save *g = malloc(sizeof(*g));

	memset(g, 0x5a, sizeof(*g));
	vmcb_init_save(g, &linux_entry);

	/* CS: P, DPL 0, S, type 0xb (execute/read, accessed), L, G. */
	CHECK_EQ(g->cs.selector, LB_BOOT_CS);
	CHECK_EQ(g->cs.attrib, 0xa9b);
	CHECK(g->cs.attrib & (1u << 9));     /* L */
	CHECK(!(g->cs.attrib & (1u << 10))); /* D must be 0 with L */
	CHECK(g->cs.attrib & (1u << 7));     /* P */
	CHECK_EQ(g->cs.base, 0);
	CHECK_EQ(g->cs.limit, 0xffffffff);
	CHECK_EQ(g->cs.attrib & VMCB_ATTR_L, VMCB_ATTR_L);
	/* The same attributes as the descriptors in the guest's boot GDT. */
	CHECK_EQ(g->cs.attrib, attrib_of_descriptor(LB_GDT_CODE64));
	CHECK_EQ(g->ds.attrib, attrib_of_descriptor(LB_GDT_DATA));
	check_flat_data(&g->ds, "ds");
	check_flat_data(&g->es, "es");
	check_flat_data(&g->ss, "ss");
	check_flat_data(&g->fs, "fs");
	check_flat_data(&g->gs, "gs");

	/* TR: a present, busy 64-bit TSS of the minimum size; LDTR null. */
	CHECK_EQ(g->tr.selector, 0);
	CHECK_EQ(g->tr.attrib, 0x8b);
	CHECK_EQ(g->tr.limit, 0x67);
	CHECK_EQ(g->ldtr.selector, 0);
	CHECK_EQ(g->ldtr.attrib, 0);
	CHECK_EQ(g->gdtr.base, LB_GDT_GPA);
	CHECK_EQ(g->gdtr.limit, LB_GDT_LIMIT);
	CHECK_EQ(g->idtr.base, 0);
	CHECK_EQ(g->idtr.limit, 0);

	CHECK_EQ(g->cpl, 0);
	/* EFER.SVME must be set in the guest's EFER (15.5.1). */
	CHECK_EQ(g->efer, X86_EFER_SVME | X86_EFER_LME | X86_EFER_LMA);
	CHECK_EQ(g->efer & (1ull << 12), 1ull << 12);
	CHECK_EQ(g->cr0, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG);
	CHECK_EQ(g->cr3, LB_PML4_GPA);
	CHECK_EQ(g->cr4, X86_CR4_PAE);
	CHECK_EQ(g->rip, 0x1000200);
	CHECK_EQ(g->rsp, 0x8ff0);
	CHECK_EQ(g->rflags, 0x2);
	CHECK_EQ(g->rax, 0);
	CHECK_EQ(g->cr2, 0);
	CHECK_EQ(g->g_pat, 0x0007040600070406ull);
	CHECK_EQ(g->dr6, 0xffff0ff0);
	CHECK_EQ(g->dr7, 0x400);
	CHECK_EQ(g->dbgctl, 0);
	CHECK_EQ(g->star, 0);
	CHECK_EQ(g->kernel_gs_base, 0);

	/* RFLAGS bit 1 is forced even if the caller left it out. */
	{
		struct vcpu_boot_state s = linux_entry;

		s.rflags = 0;
		vmcb_init_save(g, &s);
		CHECK_EQ(g->rflags, 0x2);
	}
	free(g);
}

static void test_attrib_from_vmx_ar(void)
{
	CHECK_EQ(vmcb_attrib_from_vmx_ar(LB_BOOT_CS_AR), VMCB_ATTR_CODE64);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(LB_BOOT_DS_AR), VMCB_ATTR_DATA);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0xa09b), 0xa9b);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0xc093), 0xc93);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0x008b), 0x08b);
	/* VMX's "unusable" bit 16 and reserved bits 11:8 are dropped. */
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0x10000), 0);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0x0f00), 0);
	CHECK_EQ(vmcb_attrib_from_vmx_ar(0xf0ff), 0xfff);
}

/* ---- MSR permission map ------------------------------------------------- */

/* The read bit of msr as APM 15.11 lays it out, or -1 when outside. */
static long apm_msr_bit(uint32_t msr)
{
	if (msr <= 0x1fff)
		return (long)msr * 2;
	if (msr >= 0xc0000000u && msr <= 0xc0001fffu)
		return 0x800 * 8 + (long)(msr - 0xc0000000u) * 2;
	if (msr >= 0xc0010000u && msr <= 0xc0011fffu)
		return 0x1000 * 8 + (long)(msr - 0xc0010000u) * 2;
	return -1;
}

static void test_msrpm_default(void)
{
	uint8_t *pm = malloc(SVM_MSRPM_SIZE);

	svm_msrpm_init(pm, guest_msr_passthrough, guest_msr_passthrough_count);

	/* What the hypervisor emulates exits on read and write. */
	static const uint32_t emulated[] = {
		MSR_EFER,
		MSR_IA32_APIC_BASE,
		MSR_IA32_TSC,
		MSR_IA32_TSC_DEADLINE,
		MSR_IA32_MISC_ENABLE,
		MSR_IA32_MTRR_DEF_TYPE,
		MSR_IA32_SPEC_CTRL,
		MSR_AMD_VM_CR,
		MSR_AMD_VM_HSAVE_PA,
		MSR_KVM_WALL_CLOCK_NEW,
		MSR_KVM_SYSTEM_TIME_NEW,
		0x4b564d02,
		0xc0010015,
	};
	for (size_t i = 0; i < sizeof(emulated) / sizeof(emulated[0]); i++) {
		CHECK(svm_msrpm_intercepts(pm, emulated[i], false));
		CHECK(svm_msrpm_intercepts(pm, emulated[i], true));
	}
	for (uint32_t msr = MSR_X2APIC_FIRST; msr <= MSR_X2APIC_LAST; msr++) {
		CHECK(svm_msrpm_intercepts(pm, msr, false));
		CHECK(svm_msrpm_intercepts(pm, msr, true));
	}

	/* The state VMRUN/#VMEXIT/VMLOAD/VMSAVE switch passes through. */
	CHECK_EQ(guest_msr_passthrough_count, 11);
	/* TSC_AUX is not in the VMCB: several vCPUs on one pCPU would share
	 * it, so it is intercepted (RDTSCP and RDPID are hidden anyway). */
	CHECK(svm_msrpm_intercepts(pm, MSR_TSC_AUX, true));
	CHECK(svm_msrpm_intercepts(pm, MSR_TSC_AUX, false));
	for (size_t i = 0; i < guest_msr_passthrough_count; i++) {
		uint32_t msr = guest_msr_passthrough[i];
		long bit = apm_msr_bit(msr);

		CHECK(bit >= 0);
		CHECK(!svm_msrpm_intercepts(pm, msr, false));
		CHECK(!svm_msrpm_intercepts(pm, msr, true));
		CHECK_EQ((pm[bit / 8] >> (bit % 8)) & 3, 0);
	}
	CHECK(!svm_msrpm_intercepts(pm, MSR_FS_BASE, false));
	CHECK(!svm_msrpm_intercepts(pm, MSR_GS_BASE, true));
	CHECK(!svm_msrpm_intercepts(pm, MSR_KERNEL_GS_BASE, true));
	CHECK(!svm_msrpm_intercepts(pm, MSR_LSTAR, true));
	CHECK(!svm_msrpm_intercepts(pm, MSR_IA32_SYSENTER_EIP, true));
	CHECK(!svm_msrpm_intercepts(pm, MSR_IA32_PAT, true));
	/* Neighbours of pass-through MSRs still exit. */
	CHECK(svm_msrpm_intercepts(pm, MSR_IA32_SYSENTER_EIP + 1, false));
	CHECK(svm_msrpm_intercepts(pm, MSR_TSC_AUX + 1, true));
	CHECK(svm_msrpm_intercepts(pm, MSR_STAR - 1, true)); /* EFER */

	/* Beyond the three ranges there are no bits: always intercepted. */
	CHECK(svm_msrpm_intercepts(pm, 0x2000, false));
	CHECK(svm_msrpm_intercepts(pm, 0xbfffffff, true));
	CHECK(svm_msrpm_intercepts(pm, 0xc0002000, false));
	CHECK(svm_msrpm_intercepts(pm, 0xc000ffff, true));
	CHECK(svm_msrpm_intercepts(pm, 0xc0012000, false));
	CHECK(svm_msrpm_intercepts(pm, 0xffffffff, true));

	/* Every byte outside the pass-through pairs, reserved 2 KiB
	 * included, stays all ones. */
	{
		size_t cleared = 0;

		for (size_t i = 0; i < SVM_MSRPM_SIZE * 8; i++)
			cleared += !((pm[i / 8] >> (i % 8)) & 1);
		CHECK_EQ(cleared, 2 * guest_msr_passthrough_count);
	}
	free(pm);
}

/* Pass-through of an MSR outside the map is ignored (it cannot be granted)
 * and must not write anywhere. */
static void test_msrpm_outside_list(void)
{
	static const uint32_t list[] = { 0x4b564d01, 0x2000, 0xffffffff };
	uint8_t *pm = malloc(SVM_MSRPM_SIZE);

	svm_msrpm_init(pm, list, 3);
	for (size_t i = 0; i < SVM_MSRPM_SIZE; i++)
		if (pm[i] != 0xff) {
			CHECK_EQ(pm[i], 0xff);
			break;
		}
	CHECK(svm_msrpm_intercepts(pm, 0x4b564d01, false));
	free(pm);
}

/* The first MSR past each range must not alias that range's first MSR. */
static void test_msrpm_no_aliasing(void)
{
	static const uint32_t firsts[] = { 0x00000000, 0xc0000000, 0xc0010000 };
	static const uint32_t past[] = {
		0x00002000, 0x00004000, 0x40000000, 0x80000000,
		0xc0002000, 0xc0004000, 0xc0008000, 0xc0012000,
		0xc0014000, 0xc0020000, 0xc1000000,
	};
	uint8_t *pm = malloc(SVM_MSRPM_SIZE);

	svm_msrpm_init(pm, firsts, 3);
	for (size_t i = 0; i < 3; i++) {
		CHECK(!svm_msrpm_intercepts(pm, firsts[i], false));
		CHECK(!svm_msrpm_intercepts(pm, firsts[i], true));
	}
	for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
		CHECK(svm_msrpm_intercepts(pm, past[i], false));
		CHECK(svm_msrpm_intercepts(pm, past[i], true));
	}
	free(pm);
}

/* Read and write bits, one at a time, at both ends of each range. */
static void test_msrpm_bit_positions(void)
{
	static const struct {
		uint32_t msr;
		uint32_t
			byte; /* from APM 15.11, figure "MSR permissions map" */
		uint8_t read_bit;
	} ends[] = {
		{ 0x00000000, 0x000, 0 },  { 0x00000001, 0x000, 2 },
		{ 0x00000004, 0x001, 0 },  { 0x00001fff, 0x7ff, 6 },
		{ 0xc0000000, 0x800, 0 },  { 0xc0000080, 0x820, 0 },
		{ 0xc0001fff, 0xfff, 6 },  { 0xc0010000, 0x1000, 0 },
		{ 0xc0010117, 0x1045, 6 }, { 0xc0011fff, 0x17ff, 6 },
	};
	uint8_t *pm = malloc(SVM_MSRPM_SIZE);

	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		uint32_t msr = ends[i].msr;

		CHECK_EQ(apm_msr_bit(msr), ends[i].byte * 8 + ends[i].read_bit);

		/* Only the read bit: RDMSR exits, WRMSR does not. */
		memset(pm, 0, SVM_MSRPM_SIZE);
		pm[ends[i].byte] = 1u << ends[i].read_bit;
		CHECK(svm_msrpm_intercepts(pm, msr, false));
		CHECK(!svm_msrpm_intercepts(pm, msr, true));

		/* Only the write bit (the next one up). */
		pm[ends[i].byte] = 2u << ends[i].read_bit;
		CHECK(!svm_msrpm_intercepts(pm, msr, false));
		CHECK(svm_msrpm_intercepts(pm, msr, true));

		/* Everything except this MSR's two bits. */
		memset(pm, 0xff, SVM_MSRPM_SIZE);
		pm[ends[i].byte] &= (uint8_t) ~(3u << ends[i].read_bit);
		CHECK(!svm_msrpm_intercepts(pm, msr, false));
		CHECK(!svm_msrpm_intercepts(pm, msr, true));

		/* And init with just this MSR clears exactly those bits. */
		svm_msrpm_init(pm, &msr, 1);
		CHECK_EQ(pm[ends[i].byte], (uint8_t) ~(3u << ends[i].read_bit));
		CHECK(!svm_msrpm_intercepts(pm, msr, false));
		CHECK(!svm_msrpm_intercepts(pm, msr, true));
		if (msr & 0x1fff)
			CHECK(svm_msrpm_intercepts(pm, msr - 1, true));
		if ((msr & 0x1fff) != 0x1fff)
			CHECK(svm_msrpm_intercepts(pm, msr + 1, false));
	}
	free(pm);
}

/* ---- I/O permission map --------------------------------------------------- */

static void test_iopm_all_ports(void)
{
	/* Exactly 12 KiB, so ASan catches a read past the map's end. */
	uint8_t *io = malloc(SVM_IOPM_SIZE);

	CHECK_EQ(SVM_IOPM_SIZE, 12288);
	CHECK_EQ(SVM_MSRPM_SIZE, 8192);
	svm_iopm_init(io);
	for (uint32_t port = 0; port <= 0xffff; port++) {
		if (!svm_iopm_intercepts(io, (uint16_t)port, 1) ||
		    !svm_iopm_intercepts(io, (uint16_t)port, 2) ||
		    !svm_iopm_intercepts(io, (uint16_t)port, 4)) {
			CHECK(!"port not intercepted");
			fprintf(stderr, "port 0x%x\n", port);
			break;
		}
	}
	for (size_t i = 0; i < SVM_IOPM_SIZE; i++)
		if (io[i] != 0xff) {
			CHECK_EQ(io[i], 0xff);
			break;
		}
	CHECK(svm_iopm_intercepts(io, 0x3f8, 1));
	CHECK(svm_iopm_intercepts(io, 0xcf8, 4));
	CHECK(svm_iopm_intercepts(io, 0xffff, 4));
	free(io);
}

static void clear_port(uint8_t *io, uint32_t port)
{
	io[port / 8] &= (uint8_t) ~(1u << (port % 8));
}

static void test_iopm_multibyte(void)
{
	uint8_t *io = malloc(SVM_IOPM_SIZE);

	/* Ports 0xcf8-0xcfb passed through, 0xcfc still intercepted. */
	svm_iopm_init(io);
	for (uint32_t p = 0xcf8; p < 0xcfc; p++)
		clear_port(io, p);
	CHECK(!svm_iopm_intercepts(io, 0xcf8, 4));
	CHECK(!svm_iopm_intercepts(io, 0xcf8, 1));
	CHECK(!svm_iopm_intercepts(io, 0xcfa, 2));
	CHECK(!svm_iopm_intercepts(io, 0xcfb, 1));
	CHECK(svm_iopm_intercepts(io, 0xcf9, 4)); /* touches 0xcfc */
	CHECK(svm_iopm_intercepts(io, 0xcfb, 2));
	CHECK(svm_iopm_intercepts(io, 0xcf7, 2)); /* touches 0xcf7 */
	CHECK(svm_iopm_intercepts(io, 0xcf6, 4));

	/* Straddling a byte of the map: ports 0x3f8-0x3ff are one byte,
	 * 0x400 the next. */
	svm_iopm_init(io);
	for (uint32_t p = 0x3fc; p < 0x400; p++)
		clear_port(io, p);
	CHECK_EQ(io[0x3f8 / 8], 0x0f);
	CHECK(!svm_iopm_intercepts(io, 0x3fc, 4));
	CHECK(svm_iopm_intercepts(io, 0x3fe, 4)); /* 0x400, 0x401 */
	CHECK(svm_iopm_intercepts(io, 0x3ff, 2)); /* 0x400 */
	CHECK(!svm_iopm_intercepts(io, 0x3ff, 1));

	/* The other way round: only one port's bit set. */
	memset(io, 0, SVM_IOPM_SIZE);
	io[0x400 / 8] = 1; /* port 0x400 */
	CHECK(svm_iopm_intercepts(io, 0x3fd, 4));
	CHECK(!svm_iopm_intercepts(io, 0x3fc, 4));
	CHECK(svm_iopm_intercepts(io, 0x3ff, 2));
	CHECK(!svm_iopm_intercepts(io, 0x3fe, 2));
	CHECK(svm_iopm_intercepts(io, 0x400, 1));
	CHECK(!svm_iopm_intercepts(io, 0x401, 4));

	/* Past port 0xffff: bits 0x10000-0x10002 in the third page decide
	 * multi-byte accesses at the top of the port space (15.10.1). */
	memset(io, 0, SVM_IOPM_SIZE);
	CHECK(!svm_iopm_intercepts(io, 0xffff, 4));
	io[0x10002 / 8] = 1u << (0x10002 % 8);
	CHECK_EQ(0x10002 / 8, 0x2000); /* the first byte of the third page */
	CHECK(svm_iopm_intercepts(io, 0xffff, 4));
	CHECK(!svm_iopm_intercepts(io, 0xffff, 2));
	CHECK(!svm_iopm_intercepts(io, 0xffff, 1));
	CHECK(!svm_iopm_intercepts(io, 0xfffc, 4));
	io[0x2000] = 1u << 0; /* bit 0x10000 */
	CHECK(svm_iopm_intercepts(io, 0xffff, 2));
	CHECK(svm_iopm_intercepts(io, 0xfffd, 4));
	CHECK(!svm_iopm_intercepts(io, 0xfffc, 4));
	free(io);
}

/* ---- interrupts (APM Vol. 2 15.20, 15.21.4) ---------------------------- */

#define RFLAGS_IF (1ull << 9)
#define V_IRQ (1u << 8)		 /* VMCB 0x060 bit 8 */
#define V_INTR_PRIO (0xfu << 16) /* bits 19:16 */
#define V_IGN_TPR (1u << 20)
#define V_INTR_MASKING (1u << 24)
#define INTERCEPT_VINTR (1u << 4) /* VMCB 0x00c bit 4 */
#define EVENT_VALID (1ull << 31)
#define EVENT_TYPE_EXCEPTION (3ull << 8)

static void fresh_control(struct vmcb_control *c)
{
	vmcb_init_control(c, IOPM_PA, MSRPM_PA, 3, NPT_ROOT);
}

static void test_irq_inject(void)
{
	struct vmcb_control *c = malloc(sizeof(*c));

	fresh_control(c);
	CHECK(vmcb_irq_injectable(c, RFLAGS_IF));
	CHECK(!vmcb_irq_injectable(c, 0)); /* IF clear */
	c->interrupt_shadow = 1;
	CHECK(!vmcb_irq_injectable(c, RFLAGS_IF)); /* after STI or MOV SS */
	c->interrupt_shadow = 0;

	vmcb_irq_inject(c, 0xec);
	CHECK(c->vintr & V_IRQ);
	CHECK(c->vintr & V_IGN_TPR);
	CHECK((c->vintr & V_INTR_PRIO) == V_INTR_PRIO);
	CHECK(c->vintr & V_INTR_MASKING); /* left as vmcb_init_control set it */
	CHECK_EQ(c->vintr_vector, 0xec);
	CHECK(!(c->intercept_misc1 & INTERCEPT_VINTR));
	CHECK(c->event_inj == 0); /* interrupts never go through EVENTINJ */
	CHECK(vmcb_irq_in_flight(c));
	/* One vector at a time: the next waits until the guest took this one. */
	CHECK(!vmcb_irq_injectable(c, RFLAGS_IF));
	/* Neither a window request nor its cancellation touches it. */
	vmcb_irq_window(c, true);
	vmcb_irq_window(c, false);
	CHECK(c->vintr & V_IRQ);
	CHECK_EQ(c->vintr_vector, 0xec);
	CHECK(!(c->intercept_misc1 & INTERCEPT_VINTR));

	/* The guest took it: the CPU cleared V_IRQ at #VMEXIT. */
	c->vintr &= ~V_IRQ;
	c->exit_int_info = 0;
	vmcb_events_after_exit(c);
	CHECK(!vmcb_irq_in_flight(c));
	CHECK(vmcb_irq_injectable(c, RFLAGS_IF));
	free(c);
}

static void test_irq_window(void)
{
	struct vmcb_control *c = malloc(sizeof(*c));

	fresh_control(c);
	vmcb_irq_window(c, true);
	CHECK(c->vintr & V_IRQ);
	CHECK(c->vintr & V_IGN_TPR);
	CHECK(c->intercept_misc1 & INTERCEPT_VINTR);
	CHECK(!vmcb_irq_in_flight(c)); /* a request, not a vector */
	CHECK(vmcb_irq_injectable(c, RFLAGS_IF));
	/* Injecting when the window opened turns the request into a vector. */
	vmcb_irq_inject(c, 0x30);
	CHECK(!(c->intercept_misc1 & INTERCEPT_VINTR));
	CHECK(vmcb_irq_in_flight(c));
	CHECK_EQ(c->vintr_vector, 0x30);

	fresh_control(c);
	vmcb_irq_window(c, true);
	vmcb_irq_window(c, false);
	CHECK(!(c->vintr & V_IRQ));
	CHECK(!(c->intercept_misc1 & INTERCEPT_VINTR));
	CHECK(c->vintr & V_INTR_MASKING);
	free(c);
}

static void test_events_after_exit(void)
{
	struct vmcb_control *c = malloc(sizeof(*c));

	/* An exception cut short goes back through EVENTINJ, error code too. */
	fresh_control(c);
	c->event_inj = EVENT_VALID | EVENT_TYPE_EXCEPTION | 14;
	c->exit_int_info = EVENT_VALID | EVENT_TYPE_EXCEPTION | (1ull << 11) |
			   14 | (6ull << 32);
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == c->exit_int_info);
	CHECK(!vmcb_irq_injectable(c, RFLAGS_IF)); /* it goes first */

	/* An interrupt cut short (say, by a nested page fault on the guest's
	 * stack) is in flight again through V_IRQ, not EVENTINJ. */
	fresh_control(c);
	c->exit_int_info = EVENT_VALID | 0x41;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == 0);
	CHECK(vmcb_irq_in_flight(c));
	CHECK_EQ(c->vintr_vector, 0x41);

	/* INTn (type 4), INT3 and INTO cut short run again from RIP, which
	 * still points at them: nothing is re-injected. */
	fresh_control(c);
	c->exit_int_info = EVENT_VALID | (4ull << 8) | 0x80;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == 0);
	CHECK(!vmcb_irq_in_flight(c));
	c->exit_int_info = EVENT_VALID | EVENT_TYPE_EXCEPTION | 3;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == 0);
	c->exit_int_info = EVENT_VALID | EVENT_TYPE_EXCEPTION | 4;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == 0);
	/* #DB (1) is a fault or trap of its own: it goes back. */
	c->exit_int_info = EVENT_VALID | EVENT_TYPE_EXCEPTION | 1;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == c->exit_int_info);

	/* Nothing cut short: EVENTINJ is cleared, an in-flight vector kept. */
	fresh_control(c);
	vmcb_irq_inject(c, 0x51);
	c->event_inj = EVENT_VALID | EVENT_TYPE_EXCEPTION | 6;
	c->exit_int_info = 0;
	vmcb_events_after_exit(c);
	CHECK(c->event_inj == 0);
	CHECK(vmcb_irq_in_flight(c));
	CHECK_EQ(c->vintr_vector, 0x51);
	free(c);
}

/* Guest NMIs without vNMI (APM 15.20-15.21): blocked from the injection
 * until the guest's IRET has completed, which corral sees as the first
 * exit after the IRET exit with RIP elsewhere. */
static void test_nmi(void)
{
	struct vmcb_control *c = malloc(sizeof(*c));
	struct svm_nmi n = { 0 };

	fresh_control(c);
	CHECK(vmcb_nmi_injectable(c, &n));
	c->interrupt_shadow = 1; /* after STI or MOV SS: not now */
	CHECK(!vmcb_nmi_injectable(c, &n));
	c->interrupt_shadow = 0;

	vmcb_nmi_inject(c, &n);
	CHECK(c->event_inj == (EVENT_VALID | (2ull << 8) | 2));
	CHECK(c->intercept_misc1 & (1u << 20)); /* IRET intercepted */
	CHECK(!vmcb_nmi_injectable(c, &n));

	/* Any exit inside the handler keeps NMIs blocked. */
	c->event_inj = 0;
	vmcb_nmi_after_exit(c, &n, 0x60, 0xffffffff81001000ull);
	CHECK(!vmcb_nmi_injectable(c, &n));
	/* The IRET exits before it runs: still blocked, intercept off. */
	vmcb_nmi_after_exit(c, &n, 0x74, 0xffffffff81002000ull);
	CHECK(!(c->intercept_misc1 & (1u << 20)));
	CHECK(!vmcb_nmi_injectable(c, &n));
	/* An exit at the same RIP: the IRET has not completed yet. */
	vmcb_nmi_after_exit(c, &n, 0x60, 0xffffffff81002000ull);
	CHECK(!vmcb_nmi_injectable(c, &n));
	/* RIP moved on: the IRET completed, NMIs open again. */
	vmcb_nmi_after_exit(c, &n, 0x60, 0xffffffff81003456ull);
	CHECK(vmcb_nmi_injectable(c, &n));

	/* Something else in EVENTINJ (an exception being re-delivered)
	 * goes first. */
	c->event_inj = EVENT_VALID | EVENT_TYPE_EXCEPTION | 14;
	CHECK(!vmcb_nmi_injectable(c, &n));
	free(c);
}

int main(void)
{
	test_control_area();
	test_asid();
	test_save_area();
	test_attrib_from_vmx_ar();
	test_msrpm_default();
	test_msrpm_outside_list();
	test_msrpm_no_aliasing();
	test_msrpm_bit_positions();
	test_iopm_all_ports();
	test_iopm_multibyte();
	test_irq_inject();
	test_irq_window();
	test_events_after_exit();
	test_nmi();
	return test_summary();
}
