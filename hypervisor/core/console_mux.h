/* SPDX-License-Identifier: MIT */
/* The serial console's input, multiplexed over the VMs (core/console_mux.c). */
#ifndef CORRAL_CORE_CONSOLE_MUX_H
#define CORRAL_CORE_CONSOLE_MUX_H
#include <stdint.h>

struct vm;

/* The VMs input can go to, in the order Ctrl-A <digit> numbers them. */
void console_mux_set_vms(struct vm **vms, uint32_t nr);
/* Reads what the serial port has and acts on it (CPU 0 only). */
void console_mux_poll(void);

#endif
