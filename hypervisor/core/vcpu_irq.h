/* SPDX-License-Identifier: MIT */
/*
 * Interrupts for vCPUs, from any pCPU. A sender never touches another
 * vCPU's vLAPIC: it sets the vector in the target's posted bitmaps
 * (atomically) and kicks the target's pCPU, which moves the bits into the
 * vLAPIC before it next enters or wakes that vCPU. So the vLAPIC model
 * needs no lock, and a halted vCPU on another pCPU wakes at once.
 */
#ifndef CORRAL_VCPU_IRQ_H
#define CORRAL_VCPU_IRQ_H
#include <stdbool.h>
#include <stdint.h>

struct vcpu;
struct vm;

/* Raises `vector` in v's vLAPIC (level: TMR set, as from the I/O APIC). */
void vcpu_post_irq(struct vcpu *v, uint8_t vector, bool level);
/* Makes v's pCPU look at v now (an IPI unless it is this pCPU). */
void vcpu_kick(struct vcpu *v);
/* On v's pCPU: moves posted vectors into the vLAPIC and fires an expired
 * timer; true if an interrupt is deliverable. */
bool vcpu_irq_pending(struct vcpu *v);

/* An NMI for `v` (an NMI IPI or an I/O APIC NMI entry), from any pCPU. */
void vcpu_post_nmi(struct vcpu *v);

/* Is an NMI waiting for `v`? (Owner pCPU.) */
bool vcpu_nmi_pending(const struct vcpu *v);
/* A fixed or lowest-priority message with an 8-bit destination (an I/O
 * APIC entry or an MSI without remapping) for the VM's vCPUs. */
void vcpu_irq_deliver_msg(struct vm *vm, uint8_t dest, bool logical,
			  uint8_t vector, bool level, bool lowest);
/* An MSI written by an emulated device: false if it is not a message
 * corral delivers (not in the 0xFEEx_xxxx window, or SMI/INIT/ExtINT). */
bool vcpu_msi_deliver(struct vm *vm, uint64_t addr, uint32_t data);
/* An NMI message (an I/O APIC entry with delivery mode NMI) for every
 * vCPU the 8-bit destination names. */
void vcpu_nmi_deliver_msg(struct vm *vm, uint8_t dest, bool logical);
/* A guest's write to its ICR that the vLAPIC could not complete itself:
 * fixed and lowest-priority IPIs go to their targets; others are logged. */
void vcpu_send_ipi(struct vcpu *from, uint64_t icr);

#endif
