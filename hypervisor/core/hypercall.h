/* SPDX-License-Identifier: MIT */
/* VMCALL/VMMCALL exits: the hypercall ABI of include/corral/hypercall.h. */
#ifndef CORRAL_CORE_HYPERCALL_H
#define CORRAL_CORE_HYPERCALL_H
#include <core/vcpu.h>

void handle_hypercall(struct vcpu *v, const struct vcpu_exit *e);
#endif
