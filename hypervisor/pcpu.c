// SPDX-License-Identifier: MIT
/*
 * Each pCPU runs its VMs' vCPUs from its own run queue (sched.c decides
 * whom; this file does it): a slice at a time, blocking vCPUs that halted,
 * and halting the pCPU itself when nobody can run, with the host LAPIC
 * timer set for the next guest timer. Between slices corral does its own
 * work (console input on CPU 0, stops and restarts), so the hypervisor is
 * never starved by a guest. docs/scheduling.md.
 */
#include <console_input.h>
#include <exits.h>
#include <host_irq.h>
#include <host_lapic.h>
#include <log.h>
#include <pcpu.h>
#include <percpu.h>
#include <sched.h>
#include <serial.h>
#include <spinlock.h>
#include <timekeeping.h>
#include <vcpu.h>
#include <vm.h>
#include <x86.h>

#define SLICE_US 10000		/* 10 ms: the longest a vCPU runs unchecked */
#define IDLE_POLL_US 20000	/* CPU 0 looks at the serial port this often */

static struct sched_rq rqs[MAX_CPUS];
static bool rq_ready[MAX_CPUS];
static struct vm **all_vms;
static uint32_t nr_all_vms;

void pcpu_set_vm_list(struct vm **vms, uint32_t nr)
{
	all_vms = vms;
	nr_all_vms = nr;
}

static struct sched_rq *rq_of(uint32_t cpu)
{
	if (!rq_ready[cpu]) {
		sched_rq_init(&rqs[cpu], tsc_hz / 1000000 * SLICE_US);
		rq_ready[cpu] = true;
	}
	return &rqs[cpu];
}

int pcpu_add_vm(struct vm *vm)
{
	struct vcpu *v = vm->vcpus[0];

	v->se.cls = vm->cfg->vm_class == VM_CLASS_DRIVER ? SCHED_DRIVER : SCHED_CLIENT;
	v->se.owner = v;
	return sched_add(rq_of(vm->pcpu), &v->se, rdtsc());
}

void pcpu_kick(uint32_t cpu)
{
	if (cpu != this_cpu()->cpu_id)
		host_lapic_send_ipi(cpus[cpu]->apic_id, HOST_KICK_VECTOR);
}

/* ---- console input (CPU 0) ----------------------------------------------- */

static struct console_input console;
static unsigned focus;

static const char *state_name(const struct vm *vm)
{
	if (vm->finished)
		return "stopped";
	if (vm->state != VM_RUNNING)
		return "starting";
	return vm->vcpus[0]->se.state == SCHED_BLOCKED ? "idle (halted)" : "running";
}

static void list_vms(void)
{
	pr_info("console: %u VM(s); input goes to [%s]; Ctrl-A h for help",
		nr_all_vms, nr_all_vms ? all_vms[focus]->name : "-");
	for (uint32_t i = 0; i < nr_all_vms; i++)
		pr_info("console:  %c%u %-16s cpu %u  %s, %u restart(s)",
			i == focus ? '*' : ' ', i, all_vms[i]->name, all_vms[i]->pcpu,
			state_name(all_vms[i]), all_vms[i]->restarts);
}

static void forward(uint8_t byte)
{
	struct vm *vm = all_vms[focus];

	spin_lock(&vm->uart_lock);
	if (!vuart_rx_push(&vm->uart, byte))
		vm->uart_overruns++;
	vm->uart_rx_pending = true;
	spin_unlock(&vm->uart_lock);
	pcpu_kick(vm->pcpu);
}

static void console_action(enum console_action a, unsigned arg)
{
	switch (a) {
	case CONSOLE_FORWARD:
		forward((uint8_t)arg);
		return;
	case CONSOLE_NEXT:
	case CONSOLE_PREV:
		focus = console_focus_next(focus, nr_all_vms, a == CONSOLE_NEXT);
		pr_info("console: input now goes to [%s]", all_vms[focus]->name);
		return;
	case CONSOLE_SELECT:
		if (arg < nr_all_vms)
			focus = arg;
		pr_info("console: input now goes to [%s]", all_vms[focus]->name);
		return;
	case CONSOLE_LIST:
		list_vms();
		return;
	case CONSOLE_HELP:
		for (unsigned i = 0; console_help_lines[i]; i++)
			pr_info("console: %s", console_help_lines[i]);
		return;
	case CONSOLE_UNKNOWN:
		pr_info("console: Ctrl-A 0x%02x means nothing (Ctrl-A h for help)", arg);
		return;
	default:
		return;
	}
}

static void poll_console(void)
{
	int c;
	unsigned arg;

	if (!nr_all_vms)
		return;
	while ((c = serial_getc()) >= 0)
		console_action(console_input_feed(&console, (uint8_t)c, &arg), arg);
}

/* ---- the loop --------------------------------------------------------------- */

/* Interrupts that arrived for this pCPU's VMs (devices, console input)
 * make their blocked vCPUs runnable again. */
static void wake_vcpus(struct sched_rq *rq, uint32_t cpu)
{
	host_irq_route_pending();
	for (uint32_t i = 0; i < nr_all_vms; i++) {
		struct vm *vm = all_vms[i];
		struct vcpu *v = vm->vcpus[0];

		if (vm->pcpu != cpu || vm->finished)
			continue;
		if (vm->uart_rx_pending) {
			spin_lock(&vm->uart_lock);
			vm->uart_rx_pending = false;
			vm_update_uart_irq(vm);
			spin_unlock(&vm->uart_lock);
		}
		if (v->se.state == SCHED_BLOCKED) {
			vlapic_timer_update(&v->lapic, rdtsc());
			if (vlapic_pending(&v->lapic) >= 0)
				sched_wake(rq, &v->se);
		}
	}
}

bool pcpu_other_work(const struct vm *current)
{
	for (uint32_t i = 0; i < nr_all_vms; i++) {
		struct vm *vm = all_vms[i];
		struct vcpu *v = vm->vcpus[0];

		if (vm == current || vm->pcpu != current->pcpu || vm->finished)
			continue;
		if (vm->uart_rx_pending)
			return true;
		if (v->se.state == SCHED_BLOCKED && vlapic_pending(&v->lapic) >= 0)
			return true;
	}
	return false;
}

static bool any_left(uint32_t cpu)
{
	for (uint32_t i = 0; i < nr_all_vms; i++)
		if (all_vms[i]->pcpu == cpu && !all_vms[i]->finished)
			return true;
	return false;
}

static void idle(struct sched_rq *rq, uint32_t cpu)
{
	uint64_t wake = sched_next_wake(rq);
	uint64_t poll = cpu == 0 ? rdtsc() + tsc_hz / 1000000 * IDLE_POLL_US : 0;

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
	struct vm *vm = v->vm;
	uint64_t start = rdtsc(), end, wake;
	enum vcpu_run_result r;

	if (vm->state == VM_CREATED && !vm_start(vm)) {
		sched_stop(rq, e);
		vm_stopped(vm);
		return;
	}
	/* A sleeper's timer cuts the slice short: timers fire on time. */
	end = sched_slice_end(rq, e, start);
	wake = sched_next_wake(rq);
	if (wake && wake > start && wake < end)
		end = wake;
	r = vcpu_run_slice(v, end);
	sched_ran(rq, e, rdtsc() - start);
	if (r == VCPU_BLOCKED)
		sched_block(rq, e, vlapic_next_deadline(&v->lapic));
	else if (r == VCPU_STOPPED && !vm_stopped(vm))
		sched_stop(rq, e);
}

void pcpu_loop(uint32_t cpu)
{
	struct sched_rq *rq = rq_of(cpu);

	if (cpu == 0)
		console_input_init(&console);
	while (any_left(cpu)) {
		struct sched_entity *e;

		if (cpu == 0)
			poll_console();
		wake_vcpus(rq, cpu);
		e = sched_pick(rq, rdtsc());
		if (e)
			run_one(rq, e);
		else
			idle(rq, cpu);
	}
}
