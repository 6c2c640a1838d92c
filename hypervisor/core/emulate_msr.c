// SPDX-License-Identifier: MIT
/*
 * Guest RDMSR/WRMSR. Everything not in the pass-through list of the backend
 * lands here; what is not on the allow-list below gets #GP (what real
 * hardware does for an MSR it lacks), logged once per MSR.
 */
#include <core/backend.h>
#include <core/emulate_msr.h>
#include <core/host_irq.h>
#include <vdev/kvmclock.h>
#include <guest/spec_ctrl_msr.h>
#include <host/log.h>
#include <host/spec_barriers.h>
#include <arch/msr.h>
#include <string.h>
#include <host/timekeeping.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <arch/x86.h>

#define MSR_IA32_PLATFORM_ID 0x017
#define MISC_ENABLE_FAST_STRING (1ull << 0)
#define MISC_ENABLE_BTS_UNAVAILABLE (1ull << 11)
#define MISC_ENABLE_PEBS_UNAVAILABLE (1ull << 12)
#define KVM_MSR_ENABLE 1ull
#define NSEC_PER_SEC 1000000000ull

/* Which MSRs this VM was told about; a hostile guest probing thousands
 * spends its VM's log budget (vm_log_budget) and then goes unlogged. */
static void log_msr_once(struct vm *vm, uint32_t msr, bool write)
{
	for (uint32_t i = 0; i < vm->nr_msr_logged; i++)
		if (vm->msr_logged[i] == msr)
			return;
	if (vm->nr_msr_logged < VM_MSR_LOG_SLOTS)
		vm->msr_logged[vm->nr_msr_logged++] = msr;
	else
		return;
	if (vm_log_budget(vm))
		pr_info("vm %s: %s of MSR 0x%x: #GP injected (logged once)",
			vm->name, write ? "write" : "read", msr);
}

static void set_result(struct vcpu *v, uint64_t val)
{
	v->gpr[GPR_RAX] = (uint32_t)val;
	v->gpr[GPR_RDX] = val >> 32;
}

static struct spec_ctrl_caps guest_spec_caps(void)
{
	return (struct spec_ctrl_caps){ spec_host_spec_ctrl_bits(),
					spec_host_ibpb() };
}

static int read_msr(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct spec_ctrl_caps sc = guest_spec_caps();
	struct vcpu_mode m;

	switch (spec_ctrl_msr_read(&sc, v->spec_ctrl, msr, val)) {
	case SPEC_MSR_NOT_MINE:
		break;
	case SPEC_MSR_GP:
		return -EINVAL;
	default:
		return 0;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		return vlapic_msr_read(&v->lapic, msr, rdtsc(), val) ==
				       VLAPIC_OK ?
			       0 :
			       -EINVAL;
	switch (msr) {
	case MSR_IA32_APIC_BASE:
		*val = v->lapic.apic_base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*val = v->lapic.tsc_deadline;
		return 0;
	case MSR_EFER:
		backend()->get_mode(v, &m);
		*val = m.efer;
		return 0;
	case MSR_IA32_TSC:
		*val = rdtsc();
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*val = MISC_ENABLE_FAST_STRING | MISC_ENABLE_BTS_UNAVAILABLE |
		       MISC_ENABLE_PEBS_UNAVAILABLE;
		return 0;
	case MSR_IA32_FEATURE_CONTROL:
		*val = FEATURE_CONTROL_LOCKED; /* locked, VMX off */
		return 0;
	case MSR_IA32_BIOS_SIGN_ID:
	case MSR_IA32_PLATFORM_ID:
		*val = 0;
		return 0;
	case MSR_KVM_SYSTEM_TIME_NEW:
		*val = v->kvmclock_gpa;
		return 0;
	case MSR_AMD_NB_CFG:
	case MSR_AMD_HWCR:
		/* Linux reads these unchecked on AMD CPUs (as KVM does: 0). */
		*val = 0;
		return 0;
	}
	return -EINVAL;
}

static int kvm_system_time(struct vcpu *v, uint64_t val)
{
	uint64_t gpa = val & ~KVM_MSR_ENABLE;
	struct pvclock_vcpu_time_info *ti;

	v->kvmclock_gpa = val;
	if (!(val & KVM_MSR_ENABLE))
		return 0;
	ti = vm_gpa_to_host(v->vm, gpa, sizeof(*ti));
	if (!ti)
		return -EINVAL;
	/* The TSC is constant-rate, so one record stays valid for good. */
	pvclock_fill(ti, tsc_hz, v->vm->start_tsc, rdtsc());
	return 0;
}

static int kvm_wall_clock(struct vcpu *v, uint64_t gpa)
{
	struct pvclock_wall_clock *wc = vm_gpa_to_host(v->vm, gpa, sizeof(*wc));
	uint64_t at_start = boot_wall + (v->vm->start_tsc - boot_tsc) / tsc_hz;

	if (!wc)
		return -EINVAL;
	/* Wall time when the VM's kvmclock read zero. */
	wc->version |= 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wc->sec = (uint32_t)at_start;
	wc->nsec = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wc->version += 1;
	return 0;
}

#define X2APIC_EOI 0x80b

/* The vector an EOI completes, if it was level-triggered (so the IOAPIC's
 * Remote IRR must clear: 82093AA 3.2.4), else -1. */
static int level_vector_in_service(const struct vlapic *l)
{
	for (int w = 7; w >= 0; w--) {
		if (!l->isr[w])
			continue;
		int vec = w * 32 + 31 - __builtin_clz(l->isr[w]);

		return (l->tmr[w] & (1u << (vec % 32))) ? vec : -1;
	}
	return -1;
}

static int write_msr(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct spec_ctrl_caps sc = guest_spec_caps();
	uint64_t ipi;

	switch (spec_ctrl_msr_write(&sc, &v->spec_ctrl, msr, val)) {
	case SPEC_MSR_NOT_MINE:
		break;
	case SPEC_MSR_GP:
		return -EINVAL;
	case SPEC_MSR_IBPB:
		spec_ibpb();
		return 0;
	case SPEC_MSR_OK:
		return 0;
	}
	if (msr == X2APIC_EOI) {
		int level = level_vector_in_service(&v->lapic);

		if (vlapic_msr_write(&v->lapic, msr, val, rdtsc(), &ipi) !=
		    VLAPIC_OK)
			return -EINVAL;
		if (level >= 0) {
			/* Forwarded INTx lines drop first, then Remote IRR clears. */
			spin_lock(&v->vm->lock);
			for (unsigned pin = 0; pin < VIOAPIC_PINS; pin++)
				if ((v->vm->ioapic.redir[pin] & 0xff) ==
				    (unsigned)level)
					host_irq_guest_eoi(v->vm, (uint8_t)pin);
			vioapic_eoi(&v->vm->ioapic, (uint8_t)level);
			spin_unlock(&v->vm->lock);
		}
		return 0;
	}
	if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST) {
		switch (vlapic_msr_write(&v->lapic, msr, val, rdtsc(), &ipi)) {
		case VLAPIC_OK:
			return 0;
		case VLAPIC_IPI:
			vcpu_send_ipi(v, ipi);
			return 0;
		case VLAPIC_GP:
			return -EINVAL;
		}
	}
	switch (msr) {
	case MSR_EFER:
		return backend()->set_efer(v, val);
	case MSR_IA32_APIC_BASE:
		/* x2APIC stays on: leaving it would need xAPIC MMIO emulation. */
		return (val & ~APIC_BASE_BSP) ==
				       (v->lapic.apic_base & ~APIC_BASE_BSP) ?
			       0 :
			       -EINVAL;
	case MSR_IA32_TSC_DEADLINE:
		vlapic_write_tsc_deadline(&v->lapic, val);
		return 0;
	case MSR_IA32_BIOS_SIGN_ID:
	case MSR_IA32_MISC_ENABLE:
	case MSR_IA32_TSC:
	case MSR_AMD_NB_CFG:
	case MSR_AMD_HWCR:
		return 0; /* accepted and ignored */
	case MSR_KVM_SYSTEM_TIME_NEW:
		return kvm_system_time(v, val);
	case MSR_KVM_WALL_CLOCK_NEW:
		return kvm_wall_clock(v, val);
	}
	return -EINVAL;
}

void handle_rdmsr(struct vcpu *v, const struct vcpu_exit *e)
{
	uint64_t val = 0;

	if (read_msr(v, e->msr.index, &val)) {
		log_msr_once(v->vm, e->msr.index, false);
		backend()->inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	set_result(v, val);
	backend()->skip_insn(v, e->insn_len);
}

void handle_wrmsr(struct vcpu *v, const struct vcpu_exit *e)
{
	uint64_t val = (v->gpr[GPR_RDX] << 32) | (uint32_t)v->gpr[GPR_RAX];

	if (write_msr(v, e->msr.index, val)) {
		log_msr_once(v->vm, e->msr.index, true);
		backend()->inject_exception(v, X86_EXC_GP, true, 0);
		return;
	}
	backend()->skip_insn(v, e->insn_len);
}
