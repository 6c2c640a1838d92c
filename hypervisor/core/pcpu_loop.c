// SPDX-License-Identifier: MIT
/*
 * Each pCPU runs its VMs' vCPUs from its own run queue (sched.c decides
 * whom; this file does it): a slice at a time, blocking vCPUs that halted,
 * and halting the pCPU itself when nobody can run, with the host LAPIC
 * timer set for the next guest timer. Between slices corral does its own
 * work (console input on CPU 0, stops and restarts), so the hypervisor is
 * never starved by a guest. docs/scheduling.md.
 */
#include <host/nmi.h>
#include <core/machine_check.h>
#include <core/console_mux.h>
#include <core/host_irq.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <core/pcpu_loop.h>
#include <host/percpu.h>
#include <core/sched.h>
#include <host/serial.h>
#include <host/spinlock.h>
#include <host/timekeeping.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <core/vm_devices.h>
#include <arch/x86.h>

#define SLICE_US 10000	   /* 10 ms: the longest a vCPU runs unchecked */
#define IDLE_POLL_US 20000 /* CPU 0 looks at the serial port this often */

static struct sched_rq rqs[MAX_CPUS];
static bool rq_ready[MAX_CPUS];
static struct vm **all_vms;
static uint32_t nr_all_vms;

void pcpu_set_vm_list(struct vm **vms, uint32_t nr)
{
	all_vms = vms;
	nr_all_vms = nr;
	console_mux_set_vms(vms, nr);
	machine_check_set_vms(vms, nr);
}

static struct sched_rq *rq_of(uint32_t cpu)
{
	if (!rq_ready[cpu]) {
		sched_rq_init(&rqs[cpu], tsc_hz / 1000000 * SLICE_US);
		rq_ready[cpu] = true;
	}
	return &rqs[cpu];
}

/* Each vCPU takes its slot on its pCPU's queue now, stopped: it becomes
 * runnable when it starts (service_vcpu). */
int pcpu_add_vm(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = vm->vcpus[i];
		struct sched_rq *rq = rq_of(v->pcpu);

		v->se.cls = vm->cfg->vm_class == VM_CLASS_DRIVER ?
				    SCHED_DRIVER :
				    SCHED_CLIENT;
		v->se.owner = v;
		if (sched_add(rq, &v->se, rdtsc())) {
			while (i--)
				sched_remove(rq_of(vm->vcpus[i]->pcpu),
					     &vm->vcpus[i]->se);
			return -ENOSPC;
		}
		sched_stop(rq, &v->se);
	}
	return 0;
}

void pcpu_kick(uint32_t cpu)
{
	if (cpu != this_cpu()->cpu_id)
		host_lapic_send_ipi(cpus[cpu]->apic_id, HOST_KICK_VECTOR);
}

/* The pCPU of a VM's vCPU 0 raises its UART interrupt for console input. */
static void uart_input(struct vm *vm)
{
	spin_lock(&vm->lock);
	vm->uart_rx_pending = false;
	vm_update_uart_irq(vm);
	spin_unlock(&vm->lock);
}

/* The VM stopped: this vCPU is out of the guest for good in this run. The
 * last of its VM's vCPUs to get here reports and maybe restarts it. */
static void ack_stop(struct sched_rq *rq, struct vcpu *v)
{
	struct vm *vm = v->vm;

	sched_stop(rq, &v->se);
	v->power = VCPU_OFF;
	v->acked_epoch = vm->epoch;
	if (__atomic_add_fetch(&vm->stop_acks, 1, __ATOMIC_SEQ_CST) ==
	    vm->nr_vcpus)
		vm_stopped(vm);
}

/* A blocked vCPU runs again for an NMI, or, unless it halted with
 * interrupts off, for an interrupt. */
static bool vcpu_wakes(struct vcpu *v)
{
	return vcpu_nmi_pending(v) || (!v->parked && vcpu_irq_pending(v));
}

/* What this pCPU must do for one of its vCPUs before it picks who runs:
 * take a stop, start it, wake it for an interrupt. */
static void service_vcpu(struct sched_rq *rq, struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (vm->finished)
		return;
	if (__atomic_load_n(&vm->state, __ATOMIC_SEQ_CST) == VM_STOPPED) {
		if (v->acked_epoch != vm->epoch)
			ack_stop(rq, v);
		return;
	}
	if (v->power == VCPU_START) {
		if (!vcpu_start(v))
			sched_add(rq, &v->se, rdtsc());
		return;
	}
	if (v->id == 0 && vm->uart_rx_pending)
		uart_input(vm);
	if (v->se.state == SCHED_BLOCKED && vcpu_wakes(v)) {
		v->parked = false;
		sched_wake(rq, &v->se);
	}
}

#define for_each_vcpu_on(cpu, vm, v)                                           \
	for (uint32_t _i = 0; _i < nr_all_vms; _i++)                           \
		for (uint32_t _j = 0; (vm = all_vms[_i]) && _j < vm->nr_vcpus; \
		     _j++)                                                     \
			if ((v = vm->vcpus[_j])->pcpu == (cpu))

static void service_vcpus(struct sched_rq *rq, uint32_t cpu)
{
	struct vm *vm;
	struct vcpu *v;

	host_irq_route_pending();
	for_each_vcpu_on(cpu, vm, v) service_vcpu(rq, v);
}

/* Would service_vcpu() have something to do for `v`? */
static bool needs_service(struct vcpu *v)
{
	struct vm *vm = v->vm;

	if (vm->finished)
		return false;
	if (vm->state == VM_STOPPED)
		return v->acked_epoch != vm->epoch;
	if (v->power == VCPU_START || (v->id == 0 && vm->uart_rx_pending))
		return true;
	return v->se.state == SCHED_BLOCKED && vcpu_wakes(v);
}

bool pcpu_other_work(const struct vcpu *current)
{
	struct vm *vm;
	struct vcpu *v;

	for_each_vcpu_on(current->pcpu, vm,
			 v) if (v != current && needs_service(v)) return true;
	/* Console input for the current VM itself. */
	return current->id == 0 && current->vm->uart_rx_pending;
}

/* Every pCPU stays in its loop while any VM lives, its own or not: it
 * polls its machine-check banks and takes host NMIs and #MCs. */
static bool any_vm_left(void)
{
	for (uint32_t i = 0; i < nr_all_vms; i++)
		if (!__atomic_load_n(&all_vms[i]->finished, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void idle(struct sched_rq *rq, uint32_t cpu, uint64_t mce_poll)
{
	uint64_t wake = sched_next_wake(rq);
	uint64_t poll =
		cpu == 0 ? rdtsc() + tsc_hz / 1000000 * IDLE_POLL_US : mce_poll;

	if (!wake || (poll && poll < wake))
		wake = poll;
	host_lapic_arm(wake);
	/* STI;HLT is atomic against a wake-up in between (SDM 2A STI). */
	asm volatile("sti; hlt; cli" ::: "memory");
	host_lapic_arm(0);
}

static void run_one(struct sched_rq *rq, struct sched_entity *e)
{
	struct vcpu *v = e->owner;
	uint64_t start = rdtsc(), end, wake;
	enum vcpu_run_result r;

	/* A sleeper's timer cuts the slice short: timers fire on time. */
	end = sched_slice_end(rq, e, start);
	wake = sched_next_wake(rq);
	if (wake && wake > start && wake < end)
		end = wake;
	r = vcpu_run_slice(v, end);
	sched_ran(rq, e, rdtsc() - start);
	if (r == VCPU_BLOCKED)
		sched_block(rq, e,
			    v->parked ? 0 : vlapic_next_deadline(&v->lapic));
	/* VCPU_STOPPED: service_vcpu() acknowledges the stop next. */
}

void pcpu_loop(uint32_t cpu)
{
	struct sched_rq *rq = rq_of(cpu);

	while (any_vm_left()) {
		struct sched_entity *e;
		uint64_t mce_poll;

		if (cpu == 0)
			console_mux_poll();
		host_nmi_report();
		mce_poll = machine_check_service();
		service_vcpus(rq, cpu);
		e = sched_pick(rq, rdtsc());
		if (e)
			run_one(rq, e);
		else
			idle(rq, cpu, mce_poll);
	}
}
