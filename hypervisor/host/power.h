/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_POWER_H
#define CORRAL_POWER_H

/* Turns the machine off: UEFI ResetSystem(EfiResetShutdown), then the
 * emulators' shutdown ports; halts if all of that returns. */
__attribute__((noreturn)) void machine_power_off(void);

#endif
