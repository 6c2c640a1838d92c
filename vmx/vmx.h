/* SPDX-License-Identifier: MIT */
/* Internal to vmx/: shared between its files, never included by the core. */
#ifndef CORRAL_VMX_H
#define CORRAL_VMX_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "vmx_caps.h"

struct percpu;

extern struct vmx_controls vmx_ctl;
extern uint64_t vmx_cr0_fixed0, vmx_cr0_fixed1, vmx_cr4_fixed0, vmx_cr4_fixed1;

int vmx_probe(char *why, size_t n);
int vmx_cpu_enable(struct percpu *pc, char *why, size_t n);
void *vmx_alloc_region(void);

#endif
