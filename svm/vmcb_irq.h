/* SPDX-License-Identifier: MIT */
/*
 * How the AMD-V backend hands interrupts to a guest, as pure functions on a
 * VMCB so that the host unit tests (tests/unit/test_svm_vmcb.c) run them.
 *
 * An external interrupt goes in as a virtual interrupt (V_IRQ with the vector
 * in V_INTR_VECTOR, APM Vol. 2 15.21.4), not through EVENTINJ. corral only
 * does so while the guest can take it (RFLAGS.IF set, no interrupt shadow),
 * so the guest takes it at the first instruction boundary after VMRUN, as it
 * would an EVENTINJ interrupt; if a physical interrupt exits first, V_IRQ is
 * still set at #VMEXIT and the vector stays in flight for the next VMRUN.
 * Exceptions still use EVENTINJ. docs/qemu-errata.md says why not EVENTINJ
 * for interrupts: QEMU's TCG delivers an EVENTINJ interrupt a second time,
 * as an exception, if a vCPU kick comes before the next exit.
 *
 * The same V_IRQ bit, with VINTR intercepted and no vector, asks for an exit
 * as soon as the guest can take an interrupt (an interrupt window).
 */
#ifndef CORRAL_VMCB_IRQ_H
#define CORRAL_VMCB_IRQ_H
#include "vmcb.h"
#include <stdbool.h>
#include <stdint.h>

/* Is a vector programmed in V_IRQ that the guest has not taken yet? */
bool vmcb_irq_in_flight(const struct vmcb_control *c);
/* Can an interrupt be given to the guest at the next VMRUN: nothing in
 * flight or in EVENTINJ, RFLAGS.IF set and no interrupt shadow? */
bool vmcb_irq_injectable(const struct vmcb_control *c, uint64_t rflags);
/* Programs vector as a virtual interrupt, ending any window request. */
void vmcb_irq_inject(struct vmcb_control *c, uint8_t vector);
/* Requests (on) or cancels an exit at the next interrupt window. Does
 * nothing while a vector is in flight: that one goes first. */
void vmcb_irq_window(struct vmcb_control *c, bool on);
/*
 * Guest NMIs. Without vNMI, AMD-V leaves NMI blocking to the hypervisor
 * (APM 15.20-15.21): from the injection until the guest's IRET has
 * completed. corral intercepts IRET and counts it complete at the first
 * exit after it whose RIP is elsewhere (the IRET itself exits before it
 * runs).
 */
struct svm_nmi {
	bool masked;	/* injected; its IRET has not completed */
	bool iret_seen; /* the IRET exited, at iret_rip */
	uint64_t iret_rip;
};

/* Nothing in EVENTINJ, no NMI blocking, no interrupt shadow? */
bool vmcb_nmi_injectable(const struct vmcb_control *c, const struct svm_nmi *n);
/* EVENTINJ type NMI; blocks NMIs and intercepts IRET. */
void vmcb_nmi_inject(struct vmcb_control *c, struct svm_nmi *n);
/* At every exit, with the guest's RIP: an IRET exit stops the intercept;
 * the first exit after it elsewhere ends the blocking. */
void vmcb_nmi_after_exit(struct vmcb_control *c, struct svm_nmi *n,
			 uint64_t exit_code, uint64_t rip);

/* After #VMEXIT: EVENTINJ is consumed, and an event the exit cut short
 * (EXITINTINFO, APM 15.7.2) is delivered again at the next VMRUN, an
 * interrupt through V_IRQ and anything else through EVENTINJ. */
void vmcb_events_after_exit(struct vmcb_control *c);

#endif
