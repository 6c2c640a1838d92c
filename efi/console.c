// SPDX-License-Identifier: MIT
/*
 * Messages through EFI_SIMPLE_TEXT_OUTPUT_PROTOCOL.OutputString()
 * (UEFI 2.10 section 12.4.3), which takes UCS-2 and wants "\r\n" line ends.
 */
#include <format.h>
#include "uefi.h"
#include "console.h"

#define CON_LINE_MAX 384 /* longer messages are cut, never lost entirely */
#define CON_CHUNK 64	 /* CHAR16s handed to OutputString() per call */

/* COM1 as every PC firmware sets it up; used only after ExitBootServices(). */
#define COM1_BASE 0x3F8
#define UART_THR 0	     /* transmit holding register */
#define UART_LSR 5	     /* line status register */
#define UART_LSR_THRE 0x20   /* transmit holding register empty */
#define UART_POLL_MAX 100000 /* give up on a missing UART instead of hanging */

static void con_flush(CHAR16 *chunk, UINTN *n)
{
	SIMPLE_TEXT_OUTPUT_INTERFACE *out = efi_systab->ConOut;

	chunk[*n] = 0;
	if (out && *n)
		uefi_call_wrapper(out->OutputString, 2, out, chunk);
	*n = 0;
}

/* Widens ASCII to UCS-2 in chunks, turning "\n" into "\r\n". */
static void con_write(const char *s)
{
	CHAR16 chunk[CON_CHUNK + 1];
	UINTN n = 0;

	for (; *s; s++) {
		if (n + 2 > CON_CHUNK)
			con_flush(chunk, &n);
		if (*s == '\n')
			chunk[n++] = L'\r';
		chunk[n++] = (CHAR16)(unsigned char)*s;
	}
	con_flush(chunk, &n);
}

static void con_vline(const char *kind, const char *fmt, va_list ap)
{
	char line[CON_LINE_MAX];
	int n;

	/* n is the prefix's full length: the message goes on only if it fit. */
	n = snprintf(line, sizeof(line), "%s%s", CON_PREFIX, kind);
	if ((size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	con_write(line);
	con_write("\n");
}

void con_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vline("", fmt, ap);
	va_end(ap);
}

void con_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	con_vline("error: ", fmt, ap);
	va_end(ap);
}

static inline void outb(UINT16 port, UINT8 v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline UINT8 inb(UINT16 port)
{
	UINT8 v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void uart_putc(char c)
{
	for (unsigned int i = 0; i < UART_POLL_MAX; i++) {
		if (inb(COM1_BASE + UART_LSR) & UART_LSR_THRE)
			break;
	}
	outb(COM1_BASE + UART_THR, (UINT8)c);
}

void con_raw_serial(const char *line)
{
	for (const char *s = CON_PREFIX; *s; s++)
		uart_putc(*s);
	for (; *line; line++)
		uart_putc(*line);
	uart_putc('\r');
	uart_putc('\n');
}
