/* SPDX-License-Identifier: MIT */
/*
 * Machine-check architecture, the hardware side (SDM Vol. 3B chapter 16,
 * APM Vol. 2 chapter 9): turning it on at boot, reading and clearing the
 * error-reporting banks, and the #MC handler for errors that strike while
 * corral itself runs. What an error means is host/mce_policy.h; what
 * corral then does with its VMs is core/machine_check.h.
 */
#ifndef CORRAL_HOST_MCE_H
#define CORRAL_HOST_MCE_H
#include <stdbool.h>
#include <host/mce_policy.h>

/* On the calling CPU: CR4.MCE, every bank's error reporting, and a log of
 * what the banks held from before corral started (then cleared). */
void mce_cpu_init(void);

/* Reads this CPU's banks that hold an error into *r and clears them.
 * from_exception: after an #MC, which also reads and clears MCG_STATUS
 * (MCIP: a second #MC while it is set shuts the CPU down). */
void mce_collect(struct mce_record *r, bool from_exception, bool in_guest);

/* An #MC in corral (IDT vector 18, on its own stack). A fatal one stops
 * the machine here; any other is left in this CPU's struct percpu for
 * mce_take_pending(), since an #MC can strike while a lock is held. */
void host_mce_received(const uint64_t *iret_frame);

/* The record host_mce_received() left on this CPU, if any: true and *r. */
bool mce_take_pending(struct mce_record *r);

/* Logs every bank of a record, one line each, naming the CPU and where
 * the error struck (`where`: "in vm NAME", "in corral", ...). */
void mce_log_record(const struct mce_record *r, const char *where);

#endif
