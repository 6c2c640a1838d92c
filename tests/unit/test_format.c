// SPDX-License-Identifier: MIT
/*
 * lib/format.c, the one bounded formatter of the hypervisor and the loader:
 * each conversion, field widths, the 0 and - flags, the l/ll/z length
 * modifiers and truncation. format.h names it corral_snprintf here, so the
 * C library's snprintf cannot stand in for it.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include <format.h>
#include "test.h"

#define SENTINEL 'X'

/* Formats into a roomy buffer; checks both the text and the length. */
__attribute__((format(printf, 3, 4))) static void
expect(int line, const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!strcmp(buf, want) && n == (int)strlen(want)) {
		test_passed++;
		return;
	}
	test_failed++;
	fprintf(stderr, "%s:%d: \"%s\" gave \"%s\" (%d), want \"%s\" (%zu)\n",
		__FILE__, line, fmt, buf, n, want, strlen(want));
}

#define EXPECT(want, ...) expect(__LINE__, want, __VA_ARGS__)

/*
 * Formats that -Wformat rightly flags in a literal ("%-05d", "%q"), read
 * through a variable so that the test still compiles without warnings.
 */
static const char *volatile odd_fmt;

static void test_conversions(void)
{
	EXPECT("plain text", "plain text");
	EXPECT("100%", "100%%");
	EXPECT("", "%s", "");
	EXPECT("abc", "%s", "abc");
	EXPECT("<x>", "<%c>", 'x');
	EXPECT("0 42 -42", "%d %d %d", 0, 42, -42);
	EXPECT("2147483647 -2147483648", "%d %d", INT_MAX, INT_MIN);
	EXPECT("-7", "%i", -7);
	EXPECT("4294967295", "%u", UINT_MAX);
	EXPECT("beef BEEF", "%x %X", 0xbeefu, 0xbeefu);
	EXPECT("ffffffff 0", "%x %x", UINT_MAX, 0u);
	EXPECT("0x1234", "%p", (void *)0x1234);
	EXPECT("0x0", "%p", (void *)0);
}

static void test_null_string(void)
{
	/* volatile: a null %s the compiler can see is a warning, rightly. */
	const char *volatile null = NULL;

	EXPECT("(null)", "%s", null);
	EXPECT("  (null)", "%8s", null);
}

static void test_width_and_flags(void)
{
	EXPECT("   42|", "%5d|", 42);
	EXPECT("00042|", "%05d|", 42);
	EXPECT("42   |", "%-5d|", 42);
	EXPECT("  -42|", "%5d|", -42);
	EXPECT("-0042|", "%05d|", -42);
	EXPECT("-42  |", "%-5d|", -42);
	EXPECT("123456", "%3d", 123456);
	EXPECT("0000beef", "%08x", 0xbeefu);
	EXPECT("00000000deadbeef", "%016llx", 0xdeadbeefull);
	EXPECT("007", "%03u", 7u);
	EXPECT("  abc|", "%5s|", "abc");
	EXPECT("abc  |", "%-5s|", "abc");
	EXPECT("abcdef", "%3s", "abcdef");

	/* As in C, '-' wins over '0': no zeros after a number. */
	odd_fmt = "%-05d|";
	EXPECT("42   |", odd_fmt, 42);
}

static void test_length_modifiers(void)
{
	EXPECT("-9223372036854775808", "%ld", LONG_MIN);
	EXPECT("18446744073709551615", "%lu", ULONG_MAX);
	EXPECT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT("9223372036854775807", "%lli", LLONG_MAX);
	EXPECT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT("ffffffffffffffff FFFFFFFFFFFFFFFF", "%llx %llX", ULLONG_MAX,
	       ULLONG_MAX);
	EXPECT("18446744073709551615", "%zu", SIZE_MAX);
	EXPECT("1000", "%zx", (size_t)0x1000);
	/* Each argument is read at its own size, so the next one lines up. */
	EXPECT("1 1099511627776 -3 4", "%d %lld %ld %u", 1, 1ll << 40, -3l, 4u);
}

static void test_odd_formats(void)
{
	/* An unknown conversion is copied through, so a mistake shows. */
	odd_fmt = "a%qb";
	EXPECT("a%qb", odd_fmt, 0);
	/* A lone '%' at the end is dropped without reading past the NUL. */
	odd_fmt = "ab%";
	EXPECT("ab", odd_fmt, 0);
}

static void test_truncation(void)
{
	char buf[16];
	int n;

	/* Cut to size - 1 bytes plus a NUL; nothing past buf[size - 1]. */
	memset(buf, SENTINEL, sizeof(buf));
	n = snprintf(buf, 8, "%s-%d", "abcdef", 42);
	CHECK_EQ(n, 9);
	CHECK(!strcmp(buf, "abcdef-"));
	CHECK_EQ(buf[8], SENTINEL);

	/* Cut in the middle of a number and of padding. */
	n = snprintf(buf, 4, "%d", 123456);
	CHECK_EQ(n, 6);
	CHECK(!strcmp(buf, "123"));
	n = snprintf(buf, 4, "%8x", 0xabu);
	CHECK_EQ(n, 8);
	CHECK(!strcmp(buf, "   "));

	/* Exactly fitting text is not cut. */
	n = snprintf(buf, 4, "%s", "abc");
	CHECK_EQ(n, 3);
	CHECK(!strcmp(buf, "abc"));

	/* Room for the NUL only. */
	memset(buf, SENTINEL, sizeof(buf));
	n = snprintf(buf, 1, "%s", "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], SENTINEL);

	/* No room at all: nothing is written, the length is still told. */
	memset(buf, SENTINEL, sizeof(buf));
	n = snprintf(buf, 0, "%s", "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(buf[0], SENTINEL);
	CHECK_EQ(snprintf(NULL, 0, "%d", -12345), 6);
}

int main(void)
{
	test_conversions();
	test_null_string();
	test_width_and_flags();
	test_length_modifiers();
	test_odd_formats();
	test_truncation();
	return test_summary();
}
