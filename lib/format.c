// SPDX-License-Identifier: MIT
/* Formatted output into a bounded buffer; always NUL-terminates. */
#include <format.h>
#include <stdint.h>
#include <stdbool.h>

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

struct spec {
	int width;
	bool zero, left;
};

static void pad(struct out *o, const struct spec *s, size_t n, char c)
{
	for (; (int)n < s->width; n++)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *s, const char *str)
{
	size_t n = 0;

	if (!str)
		str = "(null)";
	while (str[n])
		n++;
	if (!s->left)
		pad(o, s, n, ' ');
	for (size_t i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, s, n, ' ');
}

static void put_num(struct out *o, const struct spec *s, uint64_t v,
		    unsigned base, bool neg, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	/* As in C's printf, '-' overrides '0': the right side gets spaces. */
	bool zeros = s->zero && !s->left;
	char tmp[24];
	size_t n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	/* Zeros go between the sign and the digits ("-007"), spaces before. */
	if (neg && zeros)
		put(o, '-');
	if (!s->left)
		pad(o, s, len, zeros ? '0' : ' ');
	if (neg && !zeros)
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	if (s->left)
		pad(o, s, len, ' ');
}

static const char *parse_spec(const char *f, struct spec *s, int *lng)
{
	*s = (struct spec){ 0 };
	*lng = 0;
	for (;; f++) {
		if (*f == '0')
			s->zero = true;
		else if (*f == '-')
			s->left = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	/* size_t is unsigned long on x86-64, so 'z' counts as one 'l'. */
	while (*f == 'l' || *f == 'z') {
		(*lng)++;
		f++;
	}
	return f;
}

/*
 * Reads an argument as the type its length modifier names (int, long or
 * long long): they are all 64-bit or narrower, but va_arg() must be given
 * the type the caller passed.
 */
static int64_t arg_signed(va_list *ap, int lng)
{
	if (lng > 1)
		return va_arg(*ap, long long);
	if (lng)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static uint64_t arg_unsigned(va_list *ap, int lng)
{
	if (lng > 1)
		return va_arg(*ap, unsigned long long);
	if (lng)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	struct spec s;
	va_list args;
	int lng;

	/*
	 * On x86-64 a va_list parameter is an array in disguise, so &ap is
	 * not a va_list pointer; the helpers above get one to a copy.
	 */
	va_copy(args, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &lng);
		switch (*f) {
		case 's':
			put_str(&o, &s, va_arg(args, const char *));
			break;
		case 'c':
			put(&o, (char)va_arg(args, int));
			break;
		case 'd':
		case 'i': {
			int64_t v = arg_signed(&args, lng);

			put_num(&o, &s, v < 0 ? -(uint64_t)v : (uint64_t)v, 10,
				v < 0, false);
			break;
		}
		case 'u':
			put_num(&o, &s, arg_unsigned(&args, lng), 10, false,
				false);
			break;
		case 'x':
		case 'X':
			put_num(&o, &s, arg_unsigned(&args, lng), 16, false,
				*f == 'X');
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, &s, (uintptr_t)va_arg(args, void *), 16,
				false, false);
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;
			break;
		default:
			put(&o, '%');
			put(&o, *f);
		}
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
