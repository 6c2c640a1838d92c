/* SPDX-License-Identifier: MIT */
/* Port I/O exits: the VM's port devices, then the defaults (core/emulate_io.c). */
#ifndef CORRAL_CORE_EMULATE_IO_H
#define CORRAL_CORE_EMULATE_IO_H
#include <core/vcpu.h>

void handle_io(struct vcpu *v, const struct vcpu_exit *e);
#endif
