// SPDX-License-Identifier: MIT
/*
 * The console input parser (hypervisor/console_input.c): plain bytes are
 * forwarded untouched, every Ctrl-A key maps to its action, Ctrl-A Ctrl-A
 * sends one Ctrl-A, an unknown key is reported and dropped, an escape split
 * across calls (and parsers) keeps its state, and focus wraps both ways.
 */
#include <core/console_input.h>
#include <stddef.h>
#include <string.h>
#include "test.h"

static struct console_input ci;

static enum console_action feed(uint8_t byte, unsigned int *arg)
{
	*arg = 0xdead;
	return console_input_feed(&ci, byte, arg);
}

/* Ctrl-A then `key`: the escape itself must be swallowed. */
static enum console_action escape(uint8_t key, unsigned int *arg)
{
	CHECK_EQ(feed(CONSOLE_ESCAPE, arg), CONSOLE_NONE);
	CHECK_EQ(*arg, 0);
	return feed(key, arg);
}

static void test_plain_bytes(void)
{
	unsigned int arg;

	console_input_init(&ci);
	/* Every byte but Ctrl-A goes through as it is, NUL and 0xff too. */
	for (unsigned int b = 0; b < 256; b++) {
		if (b == CONSOLE_ESCAPE)
			continue;
		CHECK_EQ(feed((uint8_t)b, &arg), CONSOLE_FORWARD);
		CHECK_EQ(arg, b);
	}
	/* Keys that are commands after Ctrl-A are plain text without it. */
	CHECK_EQ(feed('n', &arg), CONSOLE_FORWARD);
	CHECK_EQ(arg, 'n');
	CHECK_EQ(feed('?', &arg), CONSOLE_FORWARD);
	/* A NULL arg is allowed. */
	CHECK_EQ(console_input_feed(&ci, 'x', NULL), CONSOLE_FORWARD);
}

static void test_escapes(void)
{
	unsigned int arg;

	console_input_init(&ci);
	CHECK_EQ(escape('n', &arg), CONSOLE_NEXT);
	CHECK_EQ(arg, 0);
	CHECK_EQ(escape('p', &arg), CONSOLE_PREV);
	CHECK_EQ(escape('l', &arg), CONSOLE_LIST);
	CHECK_EQ(escape('h', &arg), CONSOLE_HELP);
	CHECK_EQ(escape('?', &arg), CONSOLE_HELP);
	for (unsigned int d = 0; d <= 9; d++) {
		CHECK_EQ(escape((uint8_t)('0' + d), &arg), CONSOLE_SELECT);
		CHECK_EQ(arg, d);
	}
	/* After a command, bytes are plain again. */
	CHECK_EQ(feed('n', &arg), CONSOLE_FORWARD);
	CHECK_EQ(arg, 'n');
	/* A NULL arg is allowed in an escape too. */
	CHECK_EQ(console_input_feed(&ci, CONSOLE_ESCAPE, NULL), CONSOLE_NONE);
	CHECK_EQ(console_input_feed(&ci, '7', NULL), CONSOLE_SELECT);
}

static void test_double_escape(void)
{
	unsigned int arg;

	console_input_init(&ci);
	/* Ctrl-A Ctrl-A: one literal Ctrl-A, and the escape is over. */
	CHECK_EQ(escape(CONSOLE_ESCAPE, &arg), CONSOLE_FORWARD);
	CHECK_EQ(arg, CONSOLE_ESCAPE);
	CHECK_EQ(feed('n', &arg), CONSOLE_FORWARD);
	/* Three in a row: a literal, then a new escape. */
	CHECK_EQ(escape(CONSOLE_ESCAPE, &arg), CONSOLE_FORWARD);
	CHECK_EQ(feed(CONSOLE_ESCAPE, &arg), CONSOLE_NONE);
	CHECK_EQ(feed('n', &arg), CONSOLE_NEXT);
	/* Four: two literals. */
	CHECK_EQ(escape(CONSOLE_ESCAPE, &arg), CONSOLE_FORWARD);
	CHECK_EQ(escape(CONSOLE_ESCAPE, &arg), CONSOLE_FORWARD);
	CHECK_EQ(feed('p', &arg), CONSOLE_FORWARD);
}

static void test_unknown(void)
{
	static const uint8_t keys[] = { 'x',  'N',  'P',  'L',	'H',  'q',
					' ',  '\r', '\n', 0x00, 0x1b, 0x02,
					0x7f, 0xff, '/',  ':' };
	unsigned int arg;

	console_input_init(&ci);
	for (size_t i = 0; i < sizeof(keys); i++) {
		CHECK_EQ(escape(keys[i], &arg), CONSOLE_UNKNOWN);
		CHECK_EQ(arg, keys[i]); /* so the caller can name it */
		/* Dropped: the next byte is plain, not a second key. */
		CHECK_EQ(feed('n', &arg), CONSOLE_FORWARD);
		CHECK_EQ(arg, 'n');
	}
}

static void test_split_escape(void)
{
	struct console_input other;
	unsigned int arg;

	/* The escape and its key arrive in separate reads of the port,
	 * with the parser's state the only memory between them. */
	console_input_init(&ci);
	CHECK_EQ(console_input_feed(&ci, CONSOLE_ESCAPE, &arg), CONSOLE_NONE);
	CHECK(ci.escaped);
	CHECK_EQ(console_input_feed(&ci, '3', &arg), CONSOLE_SELECT);
	CHECK_EQ(arg, 3);
	CHECK(!ci.escaped);
	/* Two parsers do not share state. */
	console_input_init(&other);
	CHECK_EQ(console_input_feed(&ci, CONSOLE_ESCAPE, &arg), CONSOLE_NONE);
	CHECK_EQ(console_input_feed(&other, 'l', &arg), CONSOLE_FORWARD);
	CHECK_EQ(console_input_feed(&ci, 'l', &arg), CONSOLE_LIST);
	/* init drops a half-typed escape. */
	CHECK_EQ(console_input_feed(&ci, CONSOLE_ESCAPE, &arg), CONSOLE_NONE);
	console_input_init(&ci);
	CHECK_EQ(console_input_feed(&ci, 'l', &arg), CONSOLE_FORWARD);
}

static void test_focus(void)
{
	/* Forward wraps from the last to the first. */
	CHECK_EQ(console_focus_next(0, 3, true), 1);
	CHECK_EQ(console_focus_next(1, 3, true), 2);
	CHECK_EQ(console_focus_next(2, 3, true), 0);
	/* Backward wraps from the first to the last. */
	CHECK_EQ(console_focus_next(0, 3, false), 2);
	CHECK_EQ(console_focus_next(2, 3, false), 1);
	CHECK_EQ(console_focus_next(1, 3, false), 0);
	/* One VM: focus stays. None: 0. */
	CHECK_EQ(console_focus_next(0, 1, true), 0);
	CHECK_EQ(console_focus_next(0, 1, false), 0);
	CHECK_EQ(console_focus_next(0, 0, true), 0);
	CHECK_EQ(console_focus_next(5, 0, false), 0);
	/* Out of range (a VM went away): first or last. */
	CHECK_EQ(console_focus_next(7, 3, true), 0);
	CHECK_EQ(console_focus_next(7, 3, false), 2);
	/* No overflow at the top. */
	CHECK_EQ(console_focus_next(0xfffffffeu, 0xffffffffu, true), 0);
	CHECK_EQ(console_focus_next(0, 0xffffffffu, false), 0xfffffffeu);
	/* A full cycle either way visits every VM once. */
	for (unsigned int nr = 1; nr <= 10; nr++) {
		unsigned int f = 0, b = 0, seen = 0;

		for (unsigned int i = 0; i < nr; i++) {
			seen |= 1u << f;
			f = console_focus_next(f, nr, true);
			b = console_focus_next(b, nr, false);
		}
		CHECK_EQ(f, 0);
		CHECK_EQ(b, 0);
		CHECK_EQ(seen, (1u << nr) - 1);
	}
}

static void test_help_text(void)
{
	size_t n = 0;

	/* Every key the parser knows is in the help. */
	for (; console_help_lines[n]; n++)
		CHECK(!strchr(console_help_lines[n], '\n'));
	CHECK(n >= 7);
}

int main(void)
{
	test_plain_bytes();
	test_escapes();
	test_double_escape();
	test_unknown();
	test_split_escape();
	test_focus();
	test_help_text();
	return test_summary();
}
