/* SPDX-License-Identifier: MIT */
/* What each physical CPU does once VMs exist: schedule their vCPUs. */
#ifndef CORRAL_PCPU_H
#define CORRAL_PCPU_H
#include <stdint.h>

struct vm;

/* Puts the VM's vCPU on its pCPU's run queue (before the pCPUs start). */
int pcpu_add_vm(struct vm *vm);
/* The scheduler loop of this pCPU; returns when none of its VMs will run
 * again. */
void pcpu_loop(uint32_t cpu);
/* Makes a pCPU look at its run queue now (an IPI), e.g. after console
 * input for one of its VMs. */
void pcpu_kick(uint32_t cpu);
void pcpu_set_vm_list(struct vm **vms, uint32_t nr);
/* Another VM on current's pCPU has become runnable (an interrupt or input
 * arrived for it): end current's slice early. */
bool pcpu_other_work(const struct vm *current);

#endif
