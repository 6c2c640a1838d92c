/* SPDX-License-Identifier: MIT */
/*
 * An exception raised while another is being delivered (SDM Vol. 3A 6.15,
 * "Interrupt 8—Double Fault Exception", table 6-5; APM Vol. 2 8.2.9): the
 * two are delivered one after the other, or merge into a double fault, or
 * (a fault on a double fault) shut the processor down. The backends apply
 * it when corral injects an exception while an event the exit cut short
 * is still to be delivered. Pure logic (unit.exception_merge).
 */
#ifndef CORRAL_GUEST_EXCEPTION_MERGE_H
#define CORRAL_GUEST_EXCEPTION_MERGE_H
#include <stdbool.h>
#include <stdint.h>

enum x86_exc_merge {
	X86_EXC_SERIAL,	      /* deliver the second; the first is lost */
	X86_EXC_DOUBLE_FAULT, /* deliver #DF (error code 0) instead */
	X86_EXC_TRIPLE_FAULT, /* shutdown: the VM's triple fault */
};

enum x86_exc_merge x86_exception_merge(uint8_t first, uint8_t second);

/* The exception to inject now, when exception `first` is still pending:
 * *vector, *has_error and *error become #DF's where the two merge. */
enum x86_exc_merge x86_exception_on_pending(uint8_t first, uint8_t *vector,
					    bool *has_error, uint32_t *error);

#endif
