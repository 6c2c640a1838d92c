/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_SMP_H
#define CORRAL_SMP_H
#include <stdint.h>

struct percpu;

/* Finds the CPUs (MADT; the boot CPU alone without ACPI), runs setup() on
 * the BSP, then starts every AP into 64-bit mode, each running setup() on
 * itself before it reports in. */
void smp_init(struct percpu *bsp, void (*setup)(struct percpu *pc));
/* Lets every AP run fn(cpu_id). */
void smp_release_aps(void (*fn)(uint32_t cpu));

#endif
