/* SPDX-License-Identifier: MIT */
/*
 * Machine checks and VMs (docs/cpu-isolation.md, "Machine checks"): who
 * an error belongs to and what corral does about it. An error in a VM's
 * context, or in memory a VM owns, stops that VM and no other; a
 * corrected error is only logged; only what leaves corral itself unable
 * to go on (processor context corrupt, an uncorrected error consumed by
 * corral's own code) stops the machine.
 */
#ifndef CORRAL_MACHINE_CHECK_H
#define CORRAL_MACHINE_CHECK_H
#include <stdint.h>

struct vm;
struct vcpu;

/* The VMs whose memory a poisoned address may lie in. */
void machine_check_set_vms(struct vm **vms, uint32_t nr);
/* A backend reported an #MC that struck while v ran (EXIT_MACHINE_CHECK). */
void machine_check_in_guest(struct vcpu *v);
/* From each pCPU's loop: logs and acts on an #MC taken in corral, and
 * polls the banks for corrected errors when due. Returns the TSC of the
 * next poll, for an idle pCPU's wake-up. */
uint64_t machine_check_service(void);

#endif
