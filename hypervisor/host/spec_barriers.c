// SPDX-License-Identifier: MIT
/* The speculation barriers of the world switch (host/spec_barriers.h). */
#include <arch/msr.h>
#include <arch/x86.h>
#include <host/log.h>
#include <host/percpu.h>
#include <host/spec_barriers.h>
#include <host/spec_policy.h>

#define CPUID7_EDX_MD_CLEAR (1u << 10)
#define CPUID7_EDX_IBRS_IBPB (1u << 26)
#define CPUID7_EDX_STIBP (1u << 27)
#define CPUID7_EDX_SSBD (1u << 31)
#define CPUID7_EDX_L1D_FLUSH (1u << 28)
#define CPUID7_EDX_ARCH_CAPS (1u << 29)
#define CPUID_E8_EBX_IBPB (1u << 12)
#define CPUID_E8_EBX_IBRS (1u << 14)
#define CPUID_E8_EBX_STIBP (1u << 15)
#define CPUID_E8_EBX_SSBD (1u << 24)
#define SPEC_CTRL_IBRS (1ull << 0)
#define SPEC_CTRL_STIBP (1ull << 1)
#define SPEC_CTRL_SSBD (1ull << 2)
#define PRED_CMD_IBPB 1
#define FLUSH_CMD_L1D 1

static struct spec_barriers barriers;
static uint64_t spec_ctrl_bits; /* what IA32_SPEC_CTRL has here */
static bool has_ibpb;

static void read_enum(struct spec_enum *e)
{
	struct cpuid_regs l7 = { 0 }, e8 = { 0 };

	e->intel = cpu_is_intel();
	if (cpuid(0).eax >= 7)
		l7 = cpuid_count(7, 0);
	if (cpuid(0x80000000u).eax >= 0x80000008u)
		e8 = cpuid(0x80000008u);
	e->ibpb = (e->intel && (l7.edx & CPUID7_EDX_IBRS_IBPB)) ||
		  (!e->intel && (e8.ebx & CPUID_E8_EBX_IBPB));
	e->md_clear = l7.edx & CPUID7_EDX_MD_CLEAR;
	e->l1d_flush = l7.edx & CPUID7_EDX_L1D_FLUSH;
	e->arch_caps = (l7.edx & CPUID7_EDX_ARCH_CAPS) ?
			       rdmsr(MSR_IA32_ARCH_CAPABILITIES) :
			       0;
	has_ibpb = e->ibpb;
	if (e->intel)
		spec_ctrl_bits =
			((l7.edx & CPUID7_EDX_IBRS_IBPB) ? SPEC_CTRL_IBRS : 0) |
			((l7.edx & CPUID7_EDX_STIBP) ? SPEC_CTRL_STIBP : 0) |
			((l7.edx & CPUID7_EDX_SSBD) ? SPEC_CTRL_SSBD : 0);
	else
		spec_ctrl_bits =
			((e8.ebx & CPUID_E8_EBX_IBRS) ? SPEC_CTRL_IBRS : 0) |
			((e8.ebx & CPUID_E8_EBX_STIBP) ? SPEC_CTRL_STIBP : 0) |
			((e8.ebx & CPUID_E8_EBX_SSBD) ? SPEC_CTRL_SSBD : 0);
}

uint64_t spec_host_spec_ctrl_bits(void)
{
	return spec_ctrl_bits;
}

bool spec_host_ibpb(void)
{
	return has_ibpb;
}

void spec_ibpb(void)
{
	if (has_ibpb)
		wrmsr(MSR_IA32_PRED_CMD, PRED_CMD_IBPB);
}

/* Read by vmx_entry.S, which runs VERW after the last memory access of
 * corral's that could leave its data in the CPU's buffers. */
bool spec_verw_at_entry;
const uint16_t spec_verw_selector = GDT_SEL_DATA;

void spec_barriers_init(void)
{
	struct spec_enum e;
	char buf[256];

	read_enum(&e);
	spec_policy_choose(&e, &barriers);
	spec_verw_at_entry =
		barriers.verw_before_entry && !barriers.l1d_flush_before_entry;
	pr_info("spec: %s",
		spec_policy_describe(&e, &barriers, buf, sizeof(buf)));
	pr_info("spec: guests get IA32_SPEC_CTRL bits 0x%llx (IBRS 1, STIBP 2, SSBD 4) and %s",
		(unsigned long long)spec_ctrl_bits,
		has_ibpb ? "IBPB" : "no IBPB");
}

/* corral itself runs with IA32_SPEC_CTRL = 0; a guest's own value is in
 * the CPU only while it runs. */
void spec_before_entry(uint64_t guest_spec_ctrl)
{
	if (guest_spec_ctrl)
		wrmsr(MSR_IA32_SPEC_CTRL, guest_spec_ctrl);
	if (barriers.l1d_flush_before_entry)
		wrmsr(MSR_IA32_FLUSH_CMD, FLUSH_CMD_L1D);
}

void spec_after_exit(uint64_t guest_spec_ctrl)
{
	if (guest_spec_ctrl)
		wrmsr(MSR_IA32_SPEC_CTRL, 0);
}

void spec_switch_to(const struct vm *vm)
{
	struct percpu *pc = this_cpu();

	if (pc->last_vm == vm)
		return;
	pc->last_vm = vm;
	if (barriers.ibpb_on_vm_switch)
		spec_ibpb();
}
