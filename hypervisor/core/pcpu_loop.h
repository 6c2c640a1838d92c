/* SPDX-License-Identifier: MIT */
/* What each physical CPU does once VMs exist: schedule their vCPUs. */
#ifndef CORRAL_PCPU_H
#define CORRAL_PCPU_H
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;

/* Puts the VM's vCPUs on their pCPUs' run queues (before the pCPUs start). */
int pcpu_add_vm(struct vm *vm);
/* The scheduler loop of this pCPU; returns when no VM (on any pCPU) will
 * run again. */
void pcpu_loop(uint32_t cpu);
/* Makes a pCPU look at its run queue now (an IPI), e.g. after console
 * input for one of its VMs. */
void pcpu_kick(uint32_t cpu);
void pcpu_set_vm_list(struct vm **vms, uint32_t nr);
/* Something on current's pCPU wants the hypervisor's attention: another
 * vCPU became runnable (an interrupt, a wake-up, input) or must take its
 * VM's stop. Ends current's slice early. */
bool pcpu_other_work(const struct vcpu *current);

#endif
