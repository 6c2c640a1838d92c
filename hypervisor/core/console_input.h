/* SPDX-License-Identifier: MIT */
/*
 * The physical serial port's input: bytes go to the focused VM, except an
 * escape sequence (Ctrl-A, then one key) that switches focus or asks for a
 * list or help. Pure logic: the caller reads the port, acts on the result,
 * and holds whatever lock guards the parser. The keys are in docs/console.md.
 */
#ifndef CORRAL_CONSOLE_INPUT_H
#define CORRAL_CONSOLE_INPUT_H
#include <stdint.h>
#include <stdbool.h>

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

enum console_action {
	CONSOLE_NONE,	 /* swallowed (the escape itself) */
	CONSOLE_FORWARD, /* send byte *arg to the focused VM */
	CONSOLE_NEXT,	 /* focus the next VM */
	CONSOLE_PREV,	 /* focus the previous VM */
	CONSOLE_SELECT,	 /* focus VM number *arg, config order from 0 */
	CONSOLE_LIST,	 /* list the VMs and their state */
	CONSOLE_HELP,	 /* print console_help_lines */
	CONSOLE_UNKNOWN, /* Ctrl-A then key *arg: dropped, say so */
};

struct console_input {
	bool escaped; /* the last byte was an unconsumed Ctrl-A */
};

void console_input_init(struct console_input *ci);

/*
 * Feeds one byte; returns the action. *arg (if arg is not NULL) is the
 * byte to forward, the VM number to select, or the unknown key; 0 for the
 * other actions.
 */
enum console_action console_input_feed(struct console_input *ci, uint8_t byte,
				       unsigned int *arg);

/* Focus after NEXT or PREV: cycles over nr VMs and wraps; 0 when nr is 0.
 * A cur out of range goes to the first (forward) or last VM. */
unsigned int console_focus_next(unsigned int cur, unsigned int nr,
				bool forward);

/* The help text, one line each, NULL-terminated; no line ends in '\n'. */
extern const char *const console_help_lines[];

#endif
