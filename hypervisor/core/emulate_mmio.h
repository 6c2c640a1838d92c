/* SPDX-License-Identifier: MIT */
/* Stage-2 faults on emulated regions: decode and dispatch (core/emulate_mmio.c). */
#ifndef CORRAL_CORE_EMULATE_MMIO_H
#define CORRAL_CORE_EMULATE_MMIO_H
#include <core/vcpu.h>

void handle_npf(struct vcpu *v, const struct vcpu_exit *e);
#endif
