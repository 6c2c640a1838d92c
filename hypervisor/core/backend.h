/* SPDX-License-Identifier: MIT */
/* The vCPU backend chosen at boot (core/backend.c). */
#ifndef CORRAL_CORE_BACKEND_H
#define CORRAL_CORE_BACKEND_H
#include <core/vcpu_backend.h>

struct percpu;

/* Chooses the vCPU backend this CPU supports (VT-x, else AMD-V); panics,
 * naming what is missing, if neither works. */
void backend_probe_and_select(void);
/* The backend backend_probe_and_select() chose. */
const struct vcpu_backend *backend(void);
/* Turns the backend on for this CPU (VMXON / EFER.SVME) and its local APIC
 * timer on; smp_init() runs it on every CPU. Panics when it cannot. */
void backend_enable_cpu(struct percpu *pc);

#endif
