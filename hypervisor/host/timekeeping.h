/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_TIMEKEEPING_H
#define CORRAL_TIMEKEEPING_H
#include <stdint.h>

extern uint64_t tsc_hz;
extern uint64_t boot_tsc;
extern uint64_t boot_wall; /* Unix seconds at boot_tsc, from the host RTC */

/* Measures the TSC against the PIT (or CPUID leaf 0x15/0x16) and reads the
 * host RTC. Panics if the TSC rate cannot be found. */
void timekeeping_init(void);
uint64_t wall_now(void);

#endif
