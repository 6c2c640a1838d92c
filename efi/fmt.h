/* SPDX-License-Identifier: MIT */
/*
 * A small vsnprintf for loader messages: %s %c %d %u %x %p %%, the
 * length modifiers l, ll and z, a '0' flag and a field width.
 */
#ifndef CORRAL_EFI_FMT_H
#define CORRAL_EFI_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Like vsnprintf(): always NUL-terminates (if cap > 0), returns the full length. */
size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* CORRAL_EFI_FMT_H */
