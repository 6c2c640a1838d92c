/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_SMP_H
#define CORRAL_SMP_H
#include <stdint.h>

struct percpu;

/* Chooses the vCPU backend this CPU supports (VT-x, else AMD-V); panics,
 * naming what is missing, if neither works. */
void backend_probe_and_select(void);
/* Finds the CPUs (MADT; the boot CPU alone without ACPI), enables the
 * backend on the BSP and starts every AP into 64-bit mode with it on. */
void smp_init(struct percpu *bsp);
/* Lets every AP run fn(cpu_id). */
void smp_release_aps(void (*fn)(uint32_t cpu));

#endif
