// SPDX-License-Identifier: MIT
/*
 * The serial console's input, shared by every VM: bytes go to the VM that
 * has the focus, and Ctrl-A commands (core/console_input.c parses them)
 * move the focus or list the VMs. CPU 0 polls it between slices.
 * docs/console.md.
 */
#include <core/console_input.h>
#include <core/console_mux.h>
#include <core/pcpu_loop.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <host/log.h>
#include <host/serial.h>
#include <host/spinlock.h>

static struct vm **all_vms;
static uint32_t nr_all_vms;
static struct console_input console;
static unsigned focus;

void console_mux_set_vms(struct vm **vms, uint32_t nr)
{
	all_vms = vms;
	nr_all_vms = nr;
	console_input_init(&console);
}

static const char *state_name(const struct vm *vm)
{
	if (vm->finished)
		return "stopped";
	if (vm->state != VM_RUNNING)
		return "stopping";
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->se.state == SCHED_RUNNABLE)
			return "running";
	return "idle (halted)";
}

static void list_vms(void)
{
	pr_info("console: %u VM(s); input goes to [%s]; Ctrl-A h for help",
		nr_all_vms, nr_all_vms ? all_vms[focus]->name : "-");
	for (uint32_t i = 0; i < nr_all_vms; i++)
		pr_info("console:  %c%u %-16s cpu %u  %u vCPU(s), %s, %u restart(s)",
			i == focus ? '*' : ' ', i, all_vms[i]->name,
			all_vms[i]->vcpus[0]->pcpu, all_vms[i]->nr_vcpus,
			state_name(all_vms[i]), all_vms[i]->restarts);
}

static void forward(uint8_t byte)
{
	struct vm *vm = all_vms[focus];

	spin_lock(&vm->lock);
	if (vuart_rx_push(&vm->uart, byte))
		vm->uart_overruns++;
	vm->uart_rx_pending = true;
	spin_unlock(&vm->lock);
	pcpu_kick(vm->vcpus[0]->pcpu);
}

static void console_action(enum console_action a, unsigned arg)
{
	switch (a) {
	case CONSOLE_FORWARD:
		forward((uint8_t)arg);
		return;
	case CONSOLE_NEXT:
	case CONSOLE_PREV:
		focus = console_focus_next(focus, nr_all_vms,
					   a == CONSOLE_NEXT);
		pr_info("console: input now goes to [%s]",
			all_vms[focus]->name);
		return;
	case CONSOLE_SELECT:
		if (arg < nr_all_vms)
			focus = arg;
		pr_info("console: input now goes to [%s]",
			all_vms[focus]->name);
		return;
	case CONSOLE_LIST:
		list_vms();
		return;
	case CONSOLE_HELP:
		for (unsigned i = 0; console_help_lines[i]; i++)
			pr_info("console: %s", console_help_lines[i]);
		return;
	case CONSOLE_UNKNOWN:
		pr_info("console: Ctrl-A 0x%02x means nothing (Ctrl-A h for help)",
			arg);
		return;
	default:
		return;
	}
}

void console_mux_poll(void)
{
	int c;
	unsigned arg;

	if (!nr_all_vms)
		return;
	/* The feed sets arg: call it before reading arg (C leaves the order
	 * in which a call's arguments are evaluated open). */
	while ((c = serial_getc()) >= 0) {
		enum console_action a =
			console_input_feed(&console, (uint8_t)c, &arg);

		console_action(a, arg);
	}
}
