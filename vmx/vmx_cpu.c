// SPDX-License-Identifier: MIT
/*
 * Turning VMX on for one physical CPU (SDM Vol. 3C 24.7, 24.8): feature
 * check, IA32_FEATURE_CONTROL, CR0/CR4 fixed bits, VMXON. The controls are
 * computed once, on the BSP, and reused by every vCPU.
 */
#include "vmx.h"
#include "vmx_ops.h"
#include <format.h>
#include <host/log.h>
#include <arch/msr.h>
#include <mm/page_alloc.h>
#include <host/percpu.h>
#include <arch/x86.h>
#include <errno.h>

#define CPUID_1_ECX_VMX (1u << 5)

struct vmx_controls vmx_ctl;
uint64_t vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;
static uint32_t vmcs_revision;

static void read_caps(struct vmx_cap_msrs *c)
{
	c->basic = rdmsr(MSR_IA32_VMX_BASIC);
	c->pinbased = rdmsr(MSR_IA32_VMX_PINBASED_CTLS);
	c->procbased = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS);
	c->exit = rdmsr(MSR_IA32_VMX_EXIT_CTLS);
	c->entry = rdmsr(MSR_IA32_VMX_ENTRY_CTLS);
	if (c->basic & VMX_BASIC_TRUE_CTLS) {
		c->true_pinbased = rdmsr(MSR_IA32_VMX_TRUE_PINBASED_CTLS);
		c->true_procbased = rdmsr(MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
		c->true_exit = rdmsr(MSR_IA32_VMX_TRUE_EXIT_CTLS);
		c->true_entry = rdmsr(MSR_IA32_VMX_TRUE_ENTRY_CTLS);
	}
	c->misc = rdmsr(MSR_IA32_VMX_MISC);
	c->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	c->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	c->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	c->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* Secondary and EPT MSRs exist only when the primary allows secondary. */
	if ((c->procbased >> 32) & PROC_ACTIVATE_SECONDARY) {
		c->procbased2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
		c->ept_vpid = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	}
}

static void log_caps(const struct vmx_cap_msrs *c)
{
	pr_debug(
		"vmx: basic %llx pin %llx/%llx proc %llx/%llx exit %llx/%llx entry %llx/%llx",
		(unsigned long long)c->basic, (unsigned long long)c->pinbased,
		(unsigned long long)c->true_pinbased,
		(unsigned long long)c->procbased,
		(unsigned long long)c->true_procbased,
		(unsigned long long)c->exit, (unsigned long long)c->true_exit,
		(unsigned long long)c->entry,
		(unsigned long long)c->true_entry);
	pr_debug(
		"vmx: proc2 %llx ept/vpid %llx misc %llx cr0 %llx/%llx cr4 %llx/%llx",
		(unsigned long long)c->procbased2,
		(unsigned long long)c->ept_vpid, (unsigned long long)c->misc,
		(unsigned long long)c->cr0_fixed0,
		(unsigned long long)c->cr0_fixed1,
		(unsigned long long)c->cr4_fixed0,
		(unsigned long long)c->cr4_fixed1);
}

int vmx_probe(char *why, size_t n)
{
	struct vmx_cap_msrs caps = { 0 };
	struct cpuid_regs id = cpuid(1);
	uint64_t fc;

	if (!(id.ecx & CPUID_1_ECX_VMX)) {
		snprintf(why, n, "CPUID reports no VT-x");
		return -ENODEV;
	}
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) &&
	    !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX)) {
		snprintf(
			why, n,
			"VT-x is disabled by the firmware (IA32_FEATURE_CONTROL locked)");
		return -ENODEV;
	}
	read_caps(&caps);
	log_caps(&caps);
	if (vmx_compute_controls(&caps, &vmx_ctl, why, n))
		return -ENODEV;
	if (!vmx_ctl.ept_2m) {
		/* ept/ept_format.c emits 2 MiB leaves wherever alignment allows. */
		snprintf(
			why, n,
			"the CPU lacks the required EPT feature: 2 MiB pages (IA32_VMX_EPT_VPID_CAP bit 16)");
		return -ENODEV;
	}
	if (!vmx_ctl.preemption_timer) {
		snprintf(
			why, n,
			"the CPU lacks the required VMX control: VMX preemption timer (pin-based bit 6)");
		return -ENODEV;
	}
	vmcs_revision = caps.basic & VMX_BASIC_REVISION_MASK;
	vmx_cr0_fixed0 = caps.cr0_fixed0;
	vmx_cr0_fixed1 = caps.cr0_fixed1;
	vmx_cr4_fixed0 = caps.cr4_fixed0;
	vmx_cr4_fixed1 = caps.cr4_fixed1;
	pr_info("vmx: controls pin %08x proc %08x proc2 %08x exit %08x entry %08x, preemption timer rate %u%s%s",
		vmx_ctl.pin, vmx_ctl.proc, vmx_ctl.proc2, vmx_ctl.exit,
		vmx_ctl.entry, vmx_ctl.preemption_timer_rate,
		vmx_ctl.vpid ? ", VPID" : "", vmx_ctl.ept_2m ? ", EPT 2M" : "");
	return 0;
}

void *vmx_alloc_region(void)
{
	uint32_t *p = page_alloc_zeroed_page();

	if (p)
		p[0] = vmcs_revision; /* VMXON region and VMCS start alike (24.2) */
	return p;
}

int vmx_cpu_enable(struct percpu *pc, char *why, size_t n)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	void *region;

	if (!(fc & FEATURE_CONTROL_LOCKED))
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | FEATURE_CONTROL_LOCKED |
			      FEATURE_CONTROL_VMX_OUTSIDE_SMX);
	write_cr0(vmx_fix_cr(read_cr0(), vmx_cr0_fixed0, vmx_cr0_fixed1));
	write_cr4(vmx_fix_cr(read_cr4() | X86_CR4_VMXE, vmx_cr4_fixed0,
			     vmx_cr4_fixed1));
	region = vmx_alloc_region();
	if (!region) {
		snprintf(why, n, "out of memory for the VMXON region");
		return -ENOMEM;
	}
	if (!vmxon((uint64_t)region)) {
		snprintf(why, n, "VMXON failed");
		return -EIO;
	}
	pc->backend_data = region;
	return 0;
}
