// SPDX-License-Identifier: MIT
/*
 * Port I/O from guests. Every port exits (the I/O bitmaps are all ones);
 * the VM's devices claim theirs through its port registry (core/vm_pio.c,
 * filled by core/vm_devices.c), and any other port reads as all ones (an
 * absent ISA device) and is logged once per VM.
 */
#include <core/backend.h>
#include <core/emulate_io.h>
#include <host/log.h>
#include <core/vm.h>
#include <arch/x86.h>

static void log_port_once(struct vm *vm, uint16_t port, bool in, uint8_t size)
{
	if (vm->io_logged[port / 8] & (1u << (port % 8)))
		return;
	vm->io_logged[port / 8] |= 1u << (port % 8);
	if (!vm_log_budget(vm))
		return;
	pr_info("vm %s: %s of unemulated port 0x%x (%u bytes): %s", vm->name,
		in ? "read" : "write", port, size,
		in ? "reads as all ones" : "ignored");
}

static void merge_in(struct vcpu *v, uint8_t size, uint32_t val)
{
	uint64_t *rax = &v->gpr[GPR_RAX];

	if (size == 4)
		*rax = val; /* a 32-bit destination zero-extends */
	else if (size == 2)
		*rax = (*rax & ~0xffffull) | (val & 0xffff);
	else
		*rax = (*rax & ~0xffull) | (val & 0xff);
}

static void act_on_pm_event(struct vm *vm)
{
	if (vm->pm.event == VPM_POWEROFF)
		vm_stop(vm, VM_STOP_POWEROFF, "ACPI S5 (soft-off)");
	else if (vm->pm.event == VPM_RESET)
		vm_stop(vm, VM_STOP_REBOOT, "reset through port 0xcf9");
	vm->pm.event = VPM_NONE;
}

void handle_io(struct vcpu *v, const struct vcpu_exit *e)
{
	struct vm *vm = v->vm;
	uint8_t size = e->io.size;
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	uint32_t val = e->io.in ? 0 : (uint32_t)v->gpr[GPR_RAX] & mask;

	if (e->io.string) {
		vm_stop(vm, VM_STOP_CRASH,
			"string I/O (INS/OUTS) on port 0x%x is not supported",
			e->io.port);
		return;
	}
	if (!vm_pio_access(vm, e->io.port, size, e->io.in, &val)) {
		log_port_once(vm, e->io.port, e->io.in, size);
		val = 0xffffffff;
	}
	if (e->io.in)
		merge_in(v, size, val & mask);
	backend()->skip_insn(v, e->insn_len);
	if (vm->pm.event != VPM_NONE)
		act_on_pm_event(vm);
}
