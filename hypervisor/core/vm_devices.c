// SPDX-License-Identifier: MIT
/*
 * A VM's platform devices: the UART, the I/O APIC, the ACPI PM block with
 * its reset and CMOS ports, and the MP wakeup mailbox. The models are pure
 * (vdev/); this file connects them to the VM: their ports and MMIO regions,
 * their interrupts, the console, and waking secondary vCPUs.
 */
#include <core/assign.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <core/vm_devices.h>
#include <core/vm_pci.h>
#include <format.h>
#include <guest/guest_acpi.h>
#include <guest/linux_boot.h>
#include <host/log.h>
#include <host/timekeeping.h>
#include <arch/x86.h>

#define POST_PORT 0x80

static void console_emit(void *ctx, const char *line, size_t n)
{
	struct vm *vm = ctx;
	char prefix[40];

	snprintf(prefix, sizeof(prefix), "[%s] ", vm->name);
	log_raw_line(prefix, line, n);
}

static void ioapic_deliver(void *ctx, const struct vioapic_msg *m)
{
	struct vm *vm = ctx;

	/* Fixed, lowest priority and NMI; SMI, INIT and ExtINT entries are
	 * not something Linux programs. */
	if (m->delivery_mode == LAPIC_DELIVERY_NMI)
		vcpu_nmi_deliver_msg(vm, (uint8_t)m->dest, m->logical);
	else if (m->delivery_mode == LAPIC_DELIVERY_FIXED ||
		 m->delivery_mode == LAPIC_DELIVERY_LOWEST)
		vcpu_irq_deliver_msg(vm, (uint8_t)m->dest, m->logical,
				     m->vector, m->level,
				     m->delivery_mode == LAPIC_DELIVERY_LOWEST);
}

void vm_update_uart_irq(struct vm *vm)
{
	vioapic_set_pin(&vm->ioapic, VUART_IRQ, vuart_irq_level(&vm->uart));
}

static uint64_t ioapic_mmio_read(void *ctx, uint64_t off, uint8_t size)
{
	return vioapic_read(ctx, off & ~3ull);
}

static void ioapic_mmio_write(void *ctx, uint64_t off, uint8_t size,
			      uint64_t val)
{
	vioapic_write(ctx, off & ~3ull, (uint32_t)val);
}

static uint64_t mailbox_mmio_read(void *ctx, uint64_t off, uint8_t size)
{
	struct vm *vm = ctx;

	return mp_mailbox_read(&vm->mailbox, off, size);
}

/* The guest asks for a secondary vCPU (under vm->lock, so one at a time). */
static void wake_ap(struct vm *vm, const struct mp_wakeup_request *req)
{
	struct vcpu *v =
		req->apic_id < vm->nr_vcpus ? vm->vcpus[req->apic_id] : NULL;

	/* A guest may ask again and again: the log budget bounds the lines. */
	if (!v || v->id == 0) {
		if (vm_log_budget(vm))
			pr_warn("vm %s: MP wakeup of APIC id %u: no such secondary vCPU",
				vm->name, req->apic_id);
		return;
	}
	if (v->power != VCPU_OFF && !v->parked) {
		if (vm_log_budget(vm))
			pr_warn("vm %s: MP wakeup of vCPU %u, which is running: ignored",
				vm->name, v->id);
		return;
	}
	v->start = vm->ap_boot;
	v->start.rip = req->vector;
	__atomic_store_n(&v->power, VCPU_START, __ATOMIC_SEQ_CST);
	vcpu_kick(v);
}

static void mailbox_mmio_write(void *ctx, uint64_t off, uint8_t size,
			       uint64_t val)
{
	struct vm *vm = ctx;
	struct mp_wakeup_request req;

	if (!mp_mailbox_write(&vm->mailbox, off, size, val, &req))
		return;
	wake_ap(vm, &req);
	mp_mailbox_ack(&vm->mailbox);
}

static bool uart_pio(void *ctx, uint16_t port, uint8_t size, bool in,
		     uint32_t *val)
{
	struct vm *vm = ctx;

	if (in)
		*val = vuart_read(&vm->uart, port - VUART_BASE);
	else
		vuart_write(&vm->uart, port - VUART_BASE, (uint8_t)*val);
	vm_update_uart_irq(vm);
	return true;
}

static bool pm_pio(void *ctx, uint16_t port, uint8_t size, bool in,
		   uint32_t *val)
{
	struct vm *vm = ctx;

	return vpm_io(&vm->pm, port, size, in, val, rdtsc());
}

static bool conf1_pio(void *ctx, uint16_t port, uint8_t size, bool in,
		      uint32_t *val)
{
	return vm_pci_conf1(ctx, port, size, in, val);
}

/* Linux's I/O delay writes port 0x80 (POST codes): write-only, silent. */
static bool post_pio(void *ctx, uint16_t port, uint8_t size, bool in,
		     uint32_t *val)
{
	return !in;
}

/* In the order they are asked: 0xcf9 (PM reset, one byte) lies inside
 * conf1's 0xcf8 dword, which takes only 4-byte accesses. */
static void add_ports(struct vm *vm)
{
	const struct pio_region ports[] = {
		{ VUART_BASE, 8, uart_pio, vm },
		{ GACPI_RESET_PORT, 1, pm_pio, vm },
		{ VPM_CMOS_INDEX_PORT, 2, pm_pio, vm },
		{ GACPI_PM1A_EVT_PORT,
		  GACPI_PM_TMR_PORT + 4 - GACPI_PM1A_EVT_PORT, pm_pio, vm },
		{ PCI_CONF1_ADDR_PORT, 8, conf1_pio, vm },
		{ POST_PORT, 1, post_pio, vm },
	};

	vm->nr_pio = 0;
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		vm_add_pio(vm, &ports[i]);
}

void vm_devices_init(struct vm *vm)
{
	struct mmio_region ioapic = { VIOAPIC_BASE, VIOAPIC_SIZE,
				      ioapic_mmio_read, ioapic_mmio_write,
				      &vm->ioapic };
	struct mmio_region mailbox = { LB_MP_MAILBOX_GPA, LB_MP_MAILBOX_SIZE,
				       mailbox_mmio_read, mailbox_mmio_write,
				       vm };

	spin_lock(
		&vm->lock); /* console input may arrive from CPU 0 meanwhile */
	vuart_init(&vm->uart, console_emit, vm);
	spin_unlock(&vm->lock);
	vioapic_init(&vm->ioapic, (uint8_t)vm->nr_vcpus, ioapic_deliver, vm);
	vm_add_mmio(vm, &ioapic);
	mp_mailbox_init(&vm->mailbox);
	if (vm->nr_vcpus > 1)
		vm_add_mmio(vm, &mailbox);
	vpm_init(&vm->pm, tsc_hz, rdtsc(), wall_now());
	add_ports(vm);
}
