// SPDX-License-Identifier: MIT
#include <core/host_irq.h>
#include <host/host_ioapic.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <host/spinlock.h>
#include <core/vcpu.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <arch/x86.h>

struct irq_route {
	struct vm *vm;
	uint8_t guest_vector;
	uint8_t guest_dest; /* an MSI's destination, as the guest set it */
	bool guest_logical;
	/* INTx: the host IOAPIC pin (masked while the guest handles it) and
	 * the guest IOAPIC pin it drives; 0xff when this is an MSI. */
	uint8_t host_pin, guest_pin;
};

static struct irq_route routes[256];
static struct spinlock lock;
static volatile uint32_t pending[8];

uint8_t host_irq_alloc(struct vm *vm, uint8_t guest_vector)
{
	uint8_t found = 0;

	spin_lock(&lock);
	for (unsigned v = HOST_IRQ_FIRST; v <= HOST_IRQ_LAST; v++) {
		if (!routes[v].vm) {
			routes[v] = (struct irq_route){ .vm = vm,
							.guest_vector =
								guest_vector,
							.host_pin = 0xff,
							.guest_pin = 0xff };
			found = (uint8_t)v;
			break;
		}
	}
	spin_unlock(&lock);
	return found;
}

void host_irq_set_guest_msi(uint8_t host_vector, uint8_t guest_vector,
			    uint8_t dest, bool logical)
{
	routes[host_vector].guest_vector = guest_vector;
	routes[host_vector].guest_dest = dest;
	routes[host_vector].guest_logical = logical;
}

void host_irq_free(uint8_t host_vector)
{
	spin_lock(&lock);
	routes[host_vector].vm = NULL;
	spin_unlock(&lock);
}

void host_irq_set_intx(uint8_t host_vector, uint8_t host_pin, uint8_t guest_pin)
{
	routes[host_vector].host_pin = host_pin;
	routes[host_vector].guest_pin = guest_pin;
}

void host_irq_received(uint8_t vector)
{
	if (vector == HOST_TIMER_VECTOR || vector == HOST_KICK_VECTOR) {
		host_lapic_eoi(); /* they only had to make the guest exit */
		return;
	}
	/* A level-triggered line stays masked until the guest's EOI, or the
	 * EOI below would make the IOAPIC deliver it again at once. */
	if (routes[vector].host_pin != 0xff && routes[vector].vm)
		host_ioapic_mask(routes[vector].host_pin, true);
	__atomic_or_fetch(&pending[vector / 32], 1u << (vector % 32),
			  __ATOMIC_SEQ_CST);
	host_lapic_eoi();
}

void host_irq_guest_eoi(struct vm *vm, uint8_t guest_pin)
{
	for (unsigned v = HOST_IRQ_FIRST; v <= HOST_IRQ_LAST; v++) {
		struct irq_route *r = &routes[v];

		if (r->vm == vm && r->guest_pin == guest_pin) {
			vioapic_set_pin(&vm->ioapic, guest_pin, false);
			host_ioapic_mask(r->host_pin, false);
		}
	}
}

/* Without interrupt remapping a device can raise any vector by writing to
 * 0xfeexxxxx: one nobody owns is dropped, and said so once per vector. */
static void log_stray(unsigned v)
{
	static uint32_t logged[8];

	if (logged[v / 32] & (1u << (v % 32)))
		return;
	logged[v / 32] |= 1u << (v % 32);
	pr_warn("host interrupt vector 0x%x has no owner (a stray or spoofed MSI): dropped",
		v);
}

void host_irq_route_pending(void)
{
	for (unsigned w = 0; w < 8; w++) {
		uint32_t bits =
			__atomic_exchange_n(&pending[w], 0, __ATOMIC_SEQ_CST);

		while (bits) {
			unsigned v = w * 32 + __builtin_ctz(bits);
			struct irq_route *r = &routes[v];

			bits &= bits - 1;
			if (!r->vm) {
				log_stray(v);
			} else if (r->vm->state != VM_RUNNING) {
				continue;
			} else if (r->guest_pin != 0xff) {
				spin_lock(&r->vm->lock);
				vioapic_set_pin(&r->vm->ioapic, r->guest_pin,
						true);
				spin_unlock(&r->vm->lock);
			} else if (r->guest_vector >= 16) {
				/* Edge: an MSI is a message, never a level. */
				vcpu_irq_deliver_msg(
					r->vm, r->guest_dest, r->guest_logical,
					r->guest_vector, false, false);
			}
		}
	}
}

void host_irq_poll(void)
{
	asm volatile("sti; nop; nop; cli" ::: "memory");
	host_irq_route_pending();
}
