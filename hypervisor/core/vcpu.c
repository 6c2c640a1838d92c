// SPDX-License-Identifier: MIT
/*
 * The vCPU run loop: deliver pending interrupts, enter the guest, handle the
 * exit; HLT waits here until the vCPU's next interrupt or timer.
 */
#include <guest/cpuid_policy.h>
#include <corral/hypercall.h>
#include <core/backend.h>
#include <core/emulate_io.h>
#include <core/emulate_mmio.h>
#include <core/emulate_msr.h>
#include <core/hypercall.h>
#include <core/host_irq.h>
#include <core/iommu.h>
#include <host/log.h>
#include <host/nmi.h>
#include <host/spec_barriers.h>
#include <core/machine_check.h>
#include <core/pcpu_loop.h>
#include <host/percpu.h>
#include <string.h>
#include <host/timekeeping.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <arch/x86.h>

static struct cpuid_regs host_cpuid(uint32_t leaf, uint32_t sub)
{
	return cpuid_count(leaf, sub);
}

static void handle_cpuid(struct vcpu *v, const struct vcpu_exit *e)
{
	struct cpuid_policy p = {
		.apic_id = v->lapic.id,
		.nr_vcpus = v->vm->nr_vcpus,
		.hypercall_abi = CORRAL_HYPERCALL_ABI_VERSION,
	};
	struct cpuid_regs r =
		cpuid_guest((uint32_t)v->gpr[GPR_RAX],
			    (uint32_t)v->gpr[GPR_RCX], &p, host_cpuid);

	v->gpr[GPR_RAX] = r.eax;
	v->gpr[GPR_RBX] = r.ebx;
	v->gpr[GPR_RCX] = r.ecx;
	v->gpr[GPR_RDX] = r.edx;
	backend()->skip_insn(v, e->insn_len ? e->insn_len : 2);
}

/* A pending NMI goes in before any interrupt (SDM 3A 6.9), or waits for
 * the guest's IRET or the end of an interrupt shadow. */
static void deliver_nmi(struct vcpu *v)
{
	const struct vcpu_backend *b = backend();

	if (!vcpu_nmi_pending(v))
		return;
	if (!b->nmi_injectable(v)) {
		b->request_nmi_window(v, true);
		return;
	}
	__atomic_store_n(&v->nmi_pending, false, __ATOMIC_SEQ_CST);
	b->inject_nmi(v);
	b->request_nmi_window(v, false);
}

/* Moves the highest deliverable vector into the guest, or asks for an exit
 * as soon as the guest can take it (SDM 3C 26.3.2.5 / APM 15.21.4). */
static void deliver_interrupts(struct vcpu *v)
{
	const struct vcpu_backend *b = backend();
	int vec;

	host_irq_route_pending();
	deliver_nmi(v);
	if (!vcpu_irq_pending(v)) {
		b->request_irq_window(v, false);
		return;
	}
	vec = vlapic_pending(&v->lapic);
	if (b->irq_injectable(v)) {
		vlapic_accept(&v->lapic, (uint8_t)vec);
		b->inject_irq(v, (uint8_t)vec);
		v->injected_irqs++;
		b->request_irq_window(v, false);
	} else {
		b->request_irq_window(v, true);
	}
}

/* HLT: the vCPU has nothing to do until an interrupt or its timer. Returns
 * true when it must block (the scheduler then runs something else). */
static bool handle_hlt(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vcpu_mode m;

	backend()->skip_insn(v, e->insn_len ? e->insn_len : 1);
	backend()->get_mode(v, &m);
	if (vcpu_nmi_pending(v))
		return false;
	if (!(m.rflags & X86_RFLAGS_IF)) {
		/* Only an NMI can wake it: Linux's stopped CPUs and its halt
		 * without ACPI. Parked, it runs again only for an NMI. */
		if (!v->parked) {
			v->parked = true;
			vm_vcpu_parked(v);
		}
		return true;
	}
	return !vcpu_irq_pending(v);
}

/* Exits that reach the VM's platform devices, which its other vCPUs may
 * be using on other pCPUs at the same time: one at a time (vm->lock). */
static void handle_platform_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	spin_lock(&v->vm->lock);
	if (e->reason == EXIT_IO)
		handle_io(v, e);
	else if (e->reason == EXIT_NPF)
		handle_npf(v, e);
	else
		handle_hypercall(v, e);
	spin_unlock(&v->vm->lock);
}

static void handle_exit(struct vcpu *v, const struct vcpu_exit *e)
{
	switch (e->reason) {
	case EXIT_NONE:
		return;
	case EXIT_CPUID:
		handle_cpuid(v, e);
		return;
	case EXIT_RDMSR:
		handle_rdmsr(v, e);
		return;
	case EXIT_WRMSR:
		handle_wrmsr(v, e);
		return;
	case EXIT_IO:
	case EXIT_NPF:
	case EXIT_HYPERCALL:
		handle_platform_exit(v, e);
		return;
	case EXIT_HLT:
		v->halted = handle_hlt(v, e);
		return;
	case EXIT_SHUTDOWN:
		vm_stop(v->vm, VM_STOP_CRASH, "triple fault (shutdown)");
		return;
	case EXIT_MACHINE_CHECK:
		machine_check_in_guest(v);
		return;
	case EXIT_FAILED:
	case NR_EXIT_REASONS:
		vm_stop(v->vm, VM_STOP_ERROR, "%s", e->why);
		return;
	}
}

static uint64_t min_deadline(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

int vcpu_start(struct vcpu *v)
{
	struct vm *vm = v->vm;
	char why[128];

	if (v->arch)
		backend()->vcpu_destroy(v);
	memset(v->gpr, 0, sizeof(v->gpr));
	if (this_cpu()->fpu_owner == &v->fpu)
		this_cpu()->fpu_owner =
			NULL; /* a fresh start, nothing to keep */
	fpu_area_init(&v->fpu);
	vlapic_init(&v->lapic, v->id, v->id == 0);
	for (unsigned w = 0; w < 8; w++) {
		__atomic_store_n(&v->posted_edge[w], 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&v->posted_level[w], 0, __ATOMIC_SEQ_CST);
	}
	__atomic_store_n(&v->kicked, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->nmi_pending, false, __ATOMIC_SEQ_CST);
	v->spec_ctrl = 0;
	v->kvmclock_gpa = 0;
	v->halted = false;
	v->parked = false;
	if (backend()->vcpu_init(v, &v->start, why, sizeof(why))) {
		pr_err("vm %s: vCPU %u: %s", vm->name, v->id, why);
		vm_stop(vm, VM_STOP_ERROR, "vCPU %u: %s", v->id, why);
		return -EINVAL;
	}
	v->power = VCPU_ON;
	if (v->id)
		pr_info("vm %s: vCPU %u started at 0x%llx on cpu %u", vm->name,
			v->id, (unsigned long long)v->start.rip, v->pcpu);
	return 0;
}

enum vcpu_run_result vcpu_run_slice(struct vcpu *v, uint64_t slice_end)
{
	struct vcpu_exit e;

	v->halted = false;
	spec_switch_to(v->vm);
	backend()->vcpu_load(v);
	fpu_switch(&this_cpu()->fpu_owner, &v->fpu);
	while (v->vm->state == VM_RUNNING) {
		deliver_interrupts(v);
		backend()->set_deadline(
			v, min_deadline(vlapic_next_deadline(&v->lapic),
					slice_end));
		__atomic_store_n(&v->in_guest, true, __ATOMIC_SEQ_CST);
		backend()->vcpu_run(v, &e);
		__atomic_store_n(&v->in_guest, false, __ATOMIC_SEQ_CST);
		v->exits_by_reason[e.reason]++;
		handle_exit(v, &e);
		host_nmi_report();
		if (v->vm->nr_devices)
			iommu_poll_faults();
		if (v->halted)
			return VCPU_BLOCKED;
		if (rdtsc() >= slice_end || pcpu_other_work(v))
			return VCPU_PREEMPTED;
	}
	return VCPU_STOPPED;
}
