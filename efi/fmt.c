// SPDX-License-Identifier: MIT
/*
 * Message formatting without a C library. Only what the loader's messages
 * use; unknown conversions are copied through so a mistake stays visible.
 */
#include <stdint.h>
#include "fmt.h"

#define FMT_NUM_DIGITS_MAX 24 /* 2^64 has 20 decimal digits */

struct fmt_out {
	char *buf;
	size_t cap;
	size_t len;
};

struct fmt_spec {
	char pad;
	unsigned int width;
	unsigned int longs; /* 0: int, 1: long, 2: long long; z counts as 1 */
};

static void put(struct fmt_out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct fmt_out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put(o, *s++);
}

static void put_num(struct fmt_out *o, uint64_t v, unsigned int base,
		    const struct fmt_spec *sp)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[FMT_NUM_DIGITS_MAX];
	unsigned int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	for (unsigned int i = n; i < sp->width; i++)
		put(o, sp->pad);
	while (n)
		put(o, tmp[--n]);
}

static uint64_t arg_unsigned(const struct fmt_spec *sp, va_list *ap)
{
	if (sp->longs >= 2)
		return va_arg(*ap, unsigned long long);
	if (sp->longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t arg_signed(const struct fmt_spec *sp, va_list *ap)
{
	if (sp->longs >= 2)
		return va_arg(*ap, long long);
	if (sp->longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void put_signed(struct fmt_out *o, int64_t v, const struct fmt_spec *sp)
{
	if (v < 0) {
		put(o, '-');
		put_num(o, -(uint64_t)v, 10, sp);
		return;
	}
	put_num(o, (uint64_t)v, 10, sp);
}

/* Reads flags, width and length after '%'; returns the conversion char. */
static const char *parse_spec(const char *f, struct fmt_spec *sp)
{
	sp->pad = ' ';
	sp->width = 0;
	sp->longs = 0;
	if (*f == '0') {
		sp->pad = '0';
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (unsigned int)(*f++ - '0');
	/* size_t is unsigned long on x86-64 (LP64), so z reads like l. */
	while (*f == 'l' || *f == 'z') {
		sp->longs = (*f == 'z') ? 1 : sp->longs + 1;
		f++;
	}
	return f;
}

static void convert(struct fmt_out *o, char c, const struct fmt_spec *sp,
		    va_list *ap)
{
	switch (c) {
	case 's':
		put_str(o, va_arg(*ap, const char *));
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 'd':
		put_signed(o, arg_signed(sp, ap), sp);
		break;
	case 'u':
		put_num(o, arg_unsigned(sp, ap), 10, sp);
		break;
	case 'x':
		put_num(o, arg_unsigned(sp, ap), 16, sp);
		break;
	case 'p':
		put_str(o, "0x");
		put_num(o, (uintptr_t)va_arg(*ap, void *), 16, sp);
		break;
	case '%':
		put(o, '%');
		break;
	default:
		put(o, '%');
		put(o, c);
		break;
	}
}

size_t fmt_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct fmt_out o = { .buf = buf, .cap = cap, .len = 0 };
	struct fmt_spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		if (!*fmt)
			break;
		convert(&o, *fmt++, &sp, &args);
	}
	va_end(args);
	if (cap)
		buf[o.len < cap ? o.len : cap - 1] = '\0';
	return o.len;
}

size_t fmt_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}
