/* SPDX-License-Identifier: MIT */
/*
 * The speculation barriers of the world switch (host/spec_policy.h says
 * which and why), chosen once at boot from the boot CPU's enumeration.
 */
#ifndef CORRAL_HOST_SPEC_BARRIERS_H
#define CORRAL_HOST_SPEC_BARRIERS_H
#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Reads the CPU's enumeration, chooses and logs the barriers. */
void spec_barriers_init(void);

/* Right before VMLAUNCH/VMRESUME/VMRUN: the guest's IA32_SPEC_CTRL in,
 * then the L1D flush. VERW, where it is needed instead (VT-x only: AMD
 * CPUs have no MDS), is the last instruction before VMLAUNCH/VMRESUME in
 * vmx_entry.S, after the guest's registers are loaded from memory:
 * spec_verw_at_entry says whether, spec_verw_selector is its operand. */
void spec_before_entry(uint64_t guest_spec_ctrl);
extern bool spec_verw_at_entry;
extern const uint16_t spec_verw_selector;

/* Right after the exit: corral's IA32_SPEC_CTRL (0) back. */
void spec_after_exit(uint64_t guest_spec_ctrl);

/* What a guest may have (guest/spec_ctrl_msr.h): the IA32_SPEC_CTRL bits
 * this CPU has, and whether it has IBPB; spec_ibpb() runs one. */
uint64_t spec_host_spec_ctrl_bits(void);
bool spec_host_ibpb(void);
void spec_ibpb(void);

/* The RSB fill after every exit is in the world switches themselves
 * (core/rsb_fill_asm.h): it must come before corral's first RET. */

/* Before this pCPU runs a vCPU of `vm`: IBPB if it last ran another VM. */
void spec_switch_to(const struct vm *vm);

#endif
