/* SPDX-License-Identifier: MIT */
/* A small vsnprintf for the freestanding core: %s %c %d %i %u %x %X %p %%,
 * the l/ll/z length modifiers, a field width and the 0 and - flags. */
#ifndef CORRAL_FORMAT_H
#define CORRAL_FORMAT_H
#include <stdarg.h>
#include <stddef.h>

#ifdef CORRAL_HOST_TEST
/*
 * Host unit tests link lib/format.c into programs that have the C library
 * too. Under its own name this formatter does not take over the test
 * harness's snprintf (which may use conversions this one lacks), and the
 * compiler does not treat calls to it as the C library's builtin (folding
 * them, or warning about the truncation a test asks for), so the tests run
 * this code. <stdio.h> comes first so that its own declarations keep their
 * names.
 */
#include <stdio.h>
#undef vsnprintf
#undef snprintf
#define vsnprintf corral_vsnprintf
#define snprintf corral_snprintf
#endif

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
