// SPDX-License-Identifier: MIT
/*
 * Ctrl-A as the escape, as in screen and QEMU's -serial mon:stdio, so that
 * people who use those find it where they expect it. A key that means
 * nothing after the escape is dropped rather than forwarded: forwarding it
 * would hand the VM half of a mistyped command.
 */
#include <core/console_input.h>
#include <stddef.h>

const char *const console_help_lines[] = {
	"console keys: Ctrl-A then",
	"  n      focus the next VM",
	"  p      focus the previous VM",
	"  0-9    focus VM number 0-9 (config order)",
	"  l      list VMs and their state",
	"  h ?    this help",
	"  Ctrl-A send one Ctrl-A to the focused VM",
	NULL,
};

void console_input_init(struct console_input *ci)
{
	ci->escaped = false;
}

/* The key after Ctrl-A. */
static enum console_action escape_key(uint8_t byte, unsigned int *arg)
{
	*arg = 0;
	if (byte >= '0' && byte <= '9') {
		*arg = byte - '0';
		return CONSOLE_SELECT;
	}
	switch (byte) {
	case 'n':
		return CONSOLE_NEXT;
	case 'p':
		return CONSOLE_PREV;
	case 'l':
		return CONSOLE_LIST;
	case 'h':
	case '?':
		return CONSOLE_HELP;
	case CONSOLE_ESCAPE:
		*arg = CONSOLE_ESCAPE;
		return CONSOLE_FORWARD;
	}
	*arg = byte;
	return CONSOLE_UNKNOWN;
}

enum console_action console_input_feed(struct console_input *ci, uint8_t byte,
				       unsigned int *arg)
{
	unsigned int dummy;

	if (!arg)
		arg = &dummy;
	if (ci->escaped) {
		/* Whatever the key, the sequence ends here. */
		ci->escaped = false;
		return escape_key(byte, arg);
	}
	if (byte == CONSOLE_ESCAPE) {
		ci->escaped = true;
		*arg = 0;
		return CONSOLE_NONE;
	}
	*arg = byte;
	return CONSOLE_FORWARD;
}

unsigned int console_focus_next(unsigned int cur, unsigned int nr, bool forward)
{
	if (!nr)
		return 0;
	if (cur >= nr)
		return forward ? 0 : nr - 1;
	if (forward)
		return cur + 1 == nr ? 0 : cur + 1;
	return cur ? cur - 1 : nr - 1;
}
