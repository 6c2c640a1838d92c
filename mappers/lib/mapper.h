/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What corral-netd and corral-blkd share beyond the window mapping: their
 * machine-readable lines, and following a slot from one generation to the
 * next on /dev/corral.
 */
#ifndef CORRAL_MAPPER_H
#define CORRAL_MAPPER_H
#include <stdbool.h>
#include <stdint.h>

#include <corral/core_ioctl.h>

/* The program's tag ("NETD"): its lines are "<tag> ..." and
 * "<tag>-ERROR ...". */
extern const char *mapper_tag;
extern int core_fd; /* /dev/corral */

/* A line on stdout, flushed (a test reads it as it comes). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "<tag>-ERROR what: strerror(errno)", or a plain line when the slot
 * changed meanwhile (ESTALE: no error, its next event serves it);
 * returns -errno. */
int fail(const char *what);

/* How a program serves slots of its type. */
struct slot_server {
	uint32_t type; /* CH_TYPE_*: other slots are another mapper's */
	/* Is generation `gen` of slot s what it serves already? */
	bool (*serving)(uint32_t s, uint32_t gen);
	/* Serve the live slot `in`; 0 or -errno. */
	int (*serve)(const struct corral_slot_info *in);
	/* Let go of slot s; 1 if that ended a session (a live generation
	 * the program began to serve, acknowledged or not). */
	int (*release)(uint32_t s);
};

/* Slot s changed: what served its old generation goes; a live slot is
 * served anew. Returns the sessions that ended. */
int mapper_slot_changed(const struct slot_server *sv, uint32_t s);

/* How long a test's mapper runs: "--serve N [--slots LIST]" at argv[1].
 * N client sessions, or for ever (-1); LIST (comma-separated slot
 * numbers) names the slots whose sessions count, all by default: a
 * hostile client's sessions are not to be counted on. */
struct mapper_run {
	long serve_max;
	uint32_t counted; /* a bit per slot */
};

/* Fills *run from the options; returns the index of the first other
 * argument. */
int mapper_run_options(int argc, char **argv, struct mapper_run *run);

#endif
