// SPDX-License-Identifier: MIT
#include "vmcb_irq.h"
#include <arch/x86.h>

#define VINTR_REQUEST \
	(SVM_VINTR_V_IRQ | SVM_VINTR_IGN_TPR | SVM_VINTR_PRIO_MASK)

static bool window_requested(const struct vmcb_control *c)
{
	return c->intercept_misc1 & SVM_INTERCEPT_VINTR;
}

bool vmcb_irq_in_flight(const struct vmcb_control *c)
{
	return (c->vintr & SVM_VINTR_V_IRQ) && !window_requested(c);
}

bool vmcb_irq_injectable(const struct vmcb_control *c, uint64_t rflags)
{
	return !(c->event_inj & SVM_EVTINJ_VALID) && !vmcb_irq_in_flight(c) &&
	       (rflags & X86_RFLAGS_IF) &&
	       !(c->interrupt_shadow & SVM_INTERRUPT_SHADOW);
}

/* V_IGN_TPR: corral's virtual local APIC has already weighed the vector
 * against the task priority, so V_TPR must not hold it back (15.21.4). */
void vmcb_irq_inject(struct vmcb_control *c, uint8_t vector)
{
	c->vintr |= VINTR_REQUEST;
	c->vintr_vector = vector;
	c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
}

void vmcb_irq_window(struct vmcb_control *c, bool on)
{
	if (vmcb_irq_in_flight(c))
		return;
	if (on) {
		c->vintr |= VINTR_REQUEST;
		c->vintr_vector = 0;
		c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
	} else {
		c->vintr &= ~VINTR_REQUEST;
		c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	}
}

bool vmcb_nmi_injectable(const struct vmcb_control *c, const struct svm_nmi *n)
{
	return !(c->event_inj & SVM_EVTINJ_VALID) && !n->masked &&
	       !(c->interrupt_shadow & SVM_INTERRUPT_SHADOW);
}

void vmcb_nmi_inject(struct vmcb_control *c, struct svm_nmi *n)
{
	c->event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI | SVM_NMI_VECTOR;
	c->intercept_misc1 |= SVM_INTERCEPT_IRET;
	n->masked = true;
	n->iret_seen = false;
}

void vmcb_nmi_after_exit(struct vmcb_control *c, struct svm_nmi *n,
			 uint64_t exit_code, uint64_t rip)
{
	if (!n->masked)
		return;
	if (exit_code == SVM_EXIT_IRET) {
		c->intercept_misc1 &= ~SVM_INTERCEPT_IRET;
		n->iret_seen = true;
		n->iret_rip = rip;
	} else if (n->iret_seen && rip != n->iret_rip) {
		n->masked = false;
		n->iret_seen = false;
	}
}

/*
 * INTn, INT3 and INTO that an exit cut short are the guest's own
 * instructions, and RIP still points at them: running them again raises
 * them again. Re-injected through EVENTINJ instead, they would return to
 * the instruction itself (no NextRIP) and be raised twice.
 */
static bool guest_soft_event(uint64_t ev)
{
	uint64_t type = ev & SVM_EVTINJ_TYPE_MASK;
	uint64_t vec = ev & SVM_EVTINJ_VECTOR_MASK;

	return type == SVM_EVTINJ_TYPE_SOFT ||
	       (type == SVM_EVTINJ_TYPE_EXCEPTION &&
		(vec == X86_VEC_BP || vec == X86_VEC_OF));
}

void vmcb_events_after_exit(struct vmcb_control *c)
{
	uint64_t cut = c->exit_int_info;

	c->event_inj = 0;
	if (!(cut & SVM_EVTINJ_VALID) || guest_soft_event(cut))
		return;
	if ((cut & SVM_EVTINJ_TYPE_MASK) == SVM_EVTINJ_TYPE_INTR)
		vmcb_irq_inject(c, (uint8_t)(cut & SVM_EVTINJ_VECTOR_MASK));
	else
		c->event_inj = cut;
}
