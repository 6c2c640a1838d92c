/* SPDX-License-Identifier: MIT */
/* A small vsnprintf for the freestanding core: %s %c %d %i %u %x %X %p %%,
 * the l/ll/z length modifiers, a field width and the 0 and - flags. */
#ifndef CORRAL_FORMAT_H
#define CORRAL_FORMAT_H
#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
