/* SPDX-License-Identifier: MIT */
/* RDMSR/WRMSR exits for the MSRs corral emulates (core/emulate_msr.c). */
#ifndef CORRAL_CORE_EMULATE_MSR_H
#define CORRAL_CORE_EMULATE_MSR_H
#include <core/vcpu.h>

void handle_rdmsr(struct vcpu *v, const struct vcpu_exit *e);
void handle_wrmsr(struct vcpu *v, const struct vcpu_exit *e);
#endif
