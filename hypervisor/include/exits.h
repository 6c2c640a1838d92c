/* SPDX-License-Identifier: MIT */
/* The core's exit handlers, one file each (vcpu.c dispatches). */
#ifndef CORRAL_EXITS_H
#define CORRAL_EXITS_H
#include <vcpu.h>

void handle_io(struct vcpu *v, const struct vcpu_exit *e);
void handle_rdmsr(struct vcpu *v, const struct vcpu_exit *e);
void handle_wrmsr(struct vcpu *v, const struct vcpu_exit *e);
void handle_npf(struct vcpu *v, const struct vcpu_exit *e);
void handle_hypercall(struct vcpu *v, const struct vcpu_exit *e);
/* Re-evaluates the UART interrupt line after any UART access. */
void vm_update_uart_irq(struct vm *vm);

#endif
