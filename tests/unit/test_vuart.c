// SPDX-License-Identifier: MIT
/*
 * The virtual 16550A (hypervisor/vuart.c). Proves line assembly for the
 * console (lines end at '\n', '\r' dropped, over-long lines split at
 * VUART_LINE_MAX with no spurious empty line, flush emits a partial line,
 * vuart_feed shares the buffer), the registers (DLAB divisor latch, scratch,
 * LSR, FIFO bits in IIR), the THRE interrupt exactly as Linux's 8250 driver
 * probes it, the IRQ line gated by MCR.OUT2, and the loopback modem-status
 * mapping that 8250 autoconfig checks (MCR 0x1A -> MSR 0x90). And receive:
 * the 16-byte FIFO (1 byte with FIFOs off) in order, LSR.DR and the overrun
 * error, RBR under DLAB, the received-data and line-status interrupts and
 * their priority over THRE, FCR clearing, and loopback into the receiver.
 */
#include <vdev/vuart.h>
#include <string.h>
#include "test.h"

enum { THR, IER, IIR, LCR, MCR, LSR, MSR, SCR };
#define FCR IIR

#define MAX_LINES 16
static char lines[MAX_LINES][VUART_LINE_MAX + 1];
static size_t line_len[MAX_LINES];
static int nlines;
static void *last_ctx;

static void emit(void *ctx, const char *line, size_t n)
{
	last_ctx = ctx;
	if (nlines >= MAX_LINES) {
		nlines++;
		return;
	}
	CHECK(n <= VUART_LINE_MAX);
	memcpy(lines[nlines], line, n);
	lines[nlines][n] = '\0';
	line_len[nlines] = n;
	nlines++;
}

static int ctx_token;

static void setup(struct vuart *u)
{
	nlines = 0;
	last_ctx = NULL;
	vuart_init(u, emit, &ctx_token);
}

static void out_str(struct vuart *u, const char *s)
{
	while (*s)
		vuart_write(u, THR, (uint8_t)*s++);
}

static void test_lines(void)
{
	struct vuart u;

	setup(&u);
	out_str(&u, "hello\r\nworld");
	CHECK_EQ(nlines, 1);
	CHECK(strcmp(lines[0], "hello") == 0);
	CHECK(last_ctx == &ctx_token);
	out_str(&u, "\n");
	CHECK_EQ(nlines, 2);
	CHECK(strcmp(lines[1], "world") == 0);
	/* An empty line is a line. */
	out_str(&u, "\r\n");
	CHECK_EQ(nlines, 3);
	CHECK_EQ(line_len[2], 0);
	/* Flush emits a partial line once; an empty buffer emits nothing. */
	out_str(&u, "partial");
	vuart_flush(&u);
	CHECK_EQ(nlines, 4);
	CHECK(strcmp(lines[3], "partial") == 0);
	vuart_flush(&u);
	CHECK_EQ(nlines, 4);
	out_str(&u, "\n");
	CHECK_EQ(nlines, 5);
	CHECK_EQ(line_len[4], 0);
}

static void test_long_lines(void)
{
	struct vuart u;
	char buf[2 * VUART_LINE_MAX + 51];

	/* 450 characters: 200 + 200 + 50, nothing lost. */
	setup(&u);
	for (size_t i = 0; i < sizeof(buf) - 1; i++)
		buf[i] = (char)('a' + i % 26);
	buf[sizeof(buf) - 1] = '\0';
	out_str(&u, buf);
	CHECK_EQ(nlines, 2);
	out_str(&u, "\n");
	CHECK_EQ(nlines, 3);
	CHECK_EQ(line_len[0], VUART_LINE_MAX);
	CHECK_EQ(line_len[1], VUART_LINE_MAX);
	CHECK_EQ(line_len[2], 50);
	CHECK(memcmp(lines[0], buf, VUART_LINE_MAX) == 0);
	CHECK(memcmp(lines[1], buf + VUART_LINE_MAX, VUART_LINE_MAX) == 0);
	CHECK(memcmp(lines[2], buf + 2 * VUART_LINE_MAX, 50) == 0);

	/* Exactly VUART_LINE_MAX characters and '\n': one line, no empty
	 * line after it. */
	setup(&u);
	buf[VUART_LINE_MAX] = '\0';
	out_str(&u, buf);
	CHECK_EQ(nlines, 0);
	out_str(&u, "\r\n");
	CHECK_EQ(nlines, 1);
	CHECK_EQ(line_len[0], VUART_LINE_MAX);
	/* ...and flushed at stop, likewise a single line. */
	out_str(&u, buf);
	vuart_flush(&u);
	CHECK_EQ(nlines, 2);
	CHECK_EQ(line_len[1], VUART_LINE_MAX);

	/* One more than the maximum: split, the rest on the next line. */
	setup(&u);
	out_str(&u, buf);
	out_str(&u, "Z\n");
	CHECK_EQ(nlines, 2);
	CHECK_EQ(line_len[0], VUART_LINE_MAX);
	CHECK(strcmp(lines[1], "Z") == 0);
}

static void test_feed_shares_buffer(void)
{
	struct vuart u;

	setup(&u);
	out_str(&u, "ab");
	vuart_feed(&u, "cd\r\nef", 6);
	CHECK_EQ(nlines, 1);
	CHECK(strcmp(lines[0], "abcd") == 0);
	out_str(&u, "g\n");
	CHECK_EQ(nlines, 2);
	CHECK(strcmp(lines[1], "efg") == 0);
	/* Feed takes a length, not a C string. */
	vuart_feed(&u, "xy\nz", 2);
	CHECK_EQ(nlines, 2);
	vuart_feed(&u, "\n", 1);
	CHECK_EQ(nlines, 3);
	CHECK(strcmp(lines[2], "xy") == 0);
}

static void test_dlab_and_scratch(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, IER, 0x05);
	vuart_write(&u, LCR, 0x83); /* DLAB, 8N1 */
	CHECK_EQ(vuart_read(&u, LCR), 0x83);
	vuart_write(&u, THR, 0x01); /* DLL: 115200 baud */
	vuart_write(&u, IER, 0x00); /* DLM */
	CHECK_EQ(vuart_read(&u, THR), 0x01);
	CHECK_EQ(vuart_read(&u, IER), 0x00);
	vuart_write(&u, THR, 0x0c);
	vuart_write(&u, IER, 0x02);
	CHECK_EQ(vuart_read(&u, THR), 0x0c);
	CHECK_EQ(vuart_read(&u, IER), 0x02);
	vuart_write(&u, LCR, 0x03);
	/* The divisor bytes were not transmitted nor written to IER. */
	vuart_flush(&u);
	CHECK_EQ(nlines, 0);
	CHECK_EQ(vuart_read(&u, IER), 0x05);
	CHECK_EQ(vuart_read(&u, THR), 0); /* RBR: nothing received */
	/* IER keeps its 4 defined bits. */
	vuart_write(&u, IER, 0xff);
	CHECK_EQ(vuart_read(&u, IER), 0x0f);
	vuart_write(&u, LCR, 0x83);
	CHECK_EQ(vuart_read(&u, THR), 0x0c);
	CHECK_EQ(vuart_read(&u, IER), 0x02);

	vuart_write(&u, SCR, 0x5a);
	CHECK_EQ(vuart_read(&u, SCR), 0x5a);
	vuart_write(&u, SCR, 0xa5);
	CHECK_EQ(vuart_read(&u, SCR), 0xa5);
	/* LSR: transmitter always empty, never data ready. */
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	out_str(&u, "x");
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_read(&u, 8), 0xff);
}

static void test_thre_interrupt(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, MCR, 0x0b); /* DTR RTS OUT2, as Linux sets it */
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	CHECK(!vuart_irq_level(&u));
	/* serial8250_do_startup: IER = THRI raises THRE at once... */
	vuart_write(&u, IER, 0x02);
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0x02);
	/* ...reading IIR acknowledges it... */
	CHECK(!vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	/* ...and IER 0 then THRI raises it again (no UART_BUG_THRE). */
	vuart_write(&u, IER, 0x00);
	vuart_write(&u, IER, 0x02);
	CHECK_EQ(vuart_read(&u, IIR), 0x02);
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	/* A THR write: the byte leaves at once and THRE is raised again. */
	out_str(&u, "A");
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0x02);
	CHECK(!vuart_irq_level(&u));
	/* With THRI disabled, a THR write raises no interrupt... */
	vuart_write(&u, IER, 0x00);
	out_str(&u, "B");
	CHECK(!vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	/* ...but is remembered: enabling THRI reports it. */
	vuart_write(&u, IER, 0x02);
	CHECK_EQ(vuart_read(&u, IIR), 0x02);
	/* Only the RX-data enable: no interrupt while nothing is received. */
	vuart_write(&u, IER, 0x01);
	out_str(&u, "C");
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	CHECK(!vuart_irq_level(&u));
}

static void test_irq_gated_by_out2(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, MCR, 0x03); /* DTR RTS, OUT2 clear */
	vuart_write(&u, IER, 0x02);
	CHECK(!vuart_irq_level(&u)); /* pending, but the line is gated */
	vuart_write(&u, MCR, 0x0b);
	CHECK(vuart_irq_level(&u));
	vuart_write(&u, MCR, 0x03);
	CHECK(!vuart_irq_level(&u));
	/* Still pending behind the gate: IIR reports it. */
	CHECK_EQ(vuart_read(&u, IIR), 0x02);
	vuart_write(&u, MCR, 0x0b);
	CHECK(!vuart_irq_level(&u));
}

static void test_loopback_msr(void)
{
	struct vuart u;

	setup(&u);
	/* Not in loopback: carrier, DSR and CTS present, no deltas. */
	vuart_write(&u, MCR, 0x00);
	CHECK_EQ(vuart_read(&u, MSR), 0xb0);
	/* 8250 autoconfig: MCR = LOOP | 0x0A must give MSR & 0xF0 == 0x90. */
	vuart_write(&u, MCR, 0x1a);
	CHECK_EQ(vuart_read(&u, MSR) & 0xf0, 0x90);
	CHECK_EQ(vuart_read(&u, MCR), 0x1a);
	/* And the same test with every output low gives 0. */
	vuart_write(&u, MCR, 0x10);
	CHECK_EQ(vuart_read(&u, MSR) & 0xf0, 0x00);
	/* Each output to its input: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
	vuart_write(&u, MCR, 0x12);
	CHECK_EQ(vuart_read(&u, MSR), 0x10);
	vuart_write(&u, MCR, 0x11);
	CHECK_EQ(vuart_read(&u, MSR), 0x20);
	vuart_write(&u, MCR, 0x14);
	CHECK_EQ(vuart_read(&u, MSR), 0x40);
	vuart_write(&u, MCR, 0x18);
	CHECK_EQ(vuart_read(&u, MSR), 0x80);
	vuart_write(&u, MCR, 0x1f);
	CHECK_EQ(vuart_read(&u, MSR), 0xf0);
	/* MCR keeps 5 bits. */
	vuart_write(&u, MCR, 0xff);
	CHECK_EQ(vuart_read(&u, MCR), 0x1f);
	/* Bytes written in loopback do not reach the console. */
	out_str(&u, "looped\n");
	vuart_write(&u, MCR, 0x0b);
	out_str(&u, "real\n");
	CHECK_EQ(nlines, 1);
	CHECK(strcmp(lines[0], "real") == 0);
}

static void test_fifo_bits(void)
{
	struct vuart u;

	setup(&u);
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	/* FCR enable (with both FIFO resets): IIR[7:6] = 11, a 16550A. */
	vuart_write(&u, FCR, 0x07);
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	vuart_write(&u, IER, 0x02);
	CHECK_EQ(vuart_read(&u, IIR), 0xc2);
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	/* Bit 5 (64-byte FIFO, 16750) never set, so autoconfig stops at
	 * 16550A; DLAB does not hide IIR. */
	vuart_write(&u, LCR, 0x80);
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	vuart_write(&u, LCR, 0x03);
	vuart_write(&u, FCR, 0x00);
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
}

static void push_str(struct vuart *u, const char *s)
{
	while (*s)
		CHECK(!vuart_rx_push(u, (uint8_t)*s++));
}

static void test_rx_basic(void)
{
	struct vuart u;

	setup(&u);
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_rx_room(&u), 1); /* FIFOs off after reset */
	CHECK(!vuart_rx_push(&u, 'x'));
	CHECK_EQ(vuart_rx_room(&u), 0);
	CHECK_EQ(vuart_read(&u, LSR), 0x61); /* DR */
	CHECK_EQ(vuart_read(&u, LSR), 0x61); /* reading LSR keeps DR */
	CHECK_EQ(vuart_read(&u, THR), 'x');
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_read(&u, THR), 0); /* empty again */
	/* Received bytes never reach the console. */
	vuart_flush(&u);
	CHECK_EQ(nlines, 0);

	/* FIFO on: 16 bytes, read back in order. */
	vuart_write(&u, FCR, 0x07);
	CHECK_EQ(vuart_rx_room(&u), VUART_RX_FIFO);
	push_str(&u, "hello");
	CHECK_EQ(vuart_rx_room(&u), VUART_RX_FIFO - 5);
	CHECK_EQ(vuart_read(&u, THR), 'h');
	CHECK_EQ(vuart_read(&u, THR), 'e');
	/* The ring wraps: push past the end of the array. */
	push_str(&u, "0123456789abc");
	CHECK_EQ(vuart_rx_room(&u), 0);
	{
		const char *want = "llo0123456789abc";
		int i = 0;

		while (vuart_read(&u, LSR) & 0x01) {
			CHECK_EQ(vuart_read(&u, THR), (uint8_t)want[i]);
			i++;
		}
		CHECK_EQ(i, 16);
	}
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
}

static void test_rx_overrun(void)
{
	struct vuart u;

	/* FIFO on: the 17th byte is refused and flagged. */
	setup(&u);
	vuart_write(&u, FCR, 0x01);
	for (int i = 0; i < VUART_RX_FIFO; i++)
		CHECK(!vuart_rx_push(&u, (uint8_t)('a' + i)));
	CHECK(vuart_rx_push(&u, 'Z'));
	CHECK_EQ(vuart_read(&u, LSR), 0x63); /* DR | OE */
	CHECK_EQ(vuart_read(&u, LSR), 0x61); /* OE cleared by the read */
	for (int i = 0; i < VUART_RX_FIFO; i++)
		CHECK_EQ(vuart_read(&u, THR), 'a' + i); /* 'Z' was lost */
	CHECK_EQ(vuart_read(&u, LSR), 0x60);

	/* FIFO off: one byte holds, the second overruns. */
	setup(&u);
	CHECK(!vuart_rx_push(&u, '1'));
	CHECK(vuart_rx_push(&u, '2'));
	CHECK_EQ(vuart_read(&u, LSR), 0x63);
	CHECK_EQ(vuart_read(&u, THR), '1');
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK(!vuart_rx_push(&u, '3'));
	CHECK_EQ(vuart_read(&u, THR), '3');
}

static void test_rx_dlab(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, LCR, 0x83);
	vuart_write(&u, THR, 0x01); /* DLL */
	CHECK(!vuart_rx_push(&u, 'q'));
	/* With DLAB set, offset 0 is DLL: the byte stays in the FIFO. */
	CHECK_EQ(vuart_read(&u, THR), 0x01);
	CHECK_EQ(vuart_read(&u, LSR), 0x61);
	vuart_write(&u, LCR, 0x03);
	CHECK_EQ(vuart_read(&u, THR), 'q');
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
}

static void test_rx_interrupt(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, MCR, 0x0b);
	vuart_write(&u, FCR, 0x07);
	/* Data waiting but RDA disabled: no interrupt. */
	CHECK(!vuart_rx_push(&u, 'a'));
	CHECK(!vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	/* Enabling RDA (and RLS, as Linux's start_rx does) raises it. */
	vuart_write(&u, IER, 0x05);
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0xc4);
	/* Reading IIR does not acknowledge RDA; draining the FIFO does. */
	CHECK_EQ(vuart_read(&u, IIR), 0xc4);
	CHECK_EQ(vuart_read(&u, THR), 'a');
	CHECK(!vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	/* It stays up until the last byte is read. */
	push_str(&u, "bc");
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, THR), 'b');
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, THR), 'c');
	CHECK(!vuart_irq_level(&u));

	/* RDA has priority over THRE, which stays pending behind it. */
	vuart_write(&u, IER, 0x07); /* RDA, THRE, RLS: THRE raised */
	CHECK(!vuart_rx_push(&u, 'd'));
	CHECK_EQ(vuart_read(&u, IIR), 0xc4);
	CHECK_EQ(vuart_read(&u, IIR), 0xc4); /* THRE not acknowledged */
	CHECK_EQ(vuart_read(&u, THR), 'd');
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0xc2); /* now THRE, acknowledged */
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	CHECK(!vuart_irq_level(&u));

	/* Gated by OUT2 like THRE. */
	CHECK(!vuart_rx_push(&u, 'e'));
	vuart_write(&u, MCR, 0x03);
	CHECK(!vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0xc4);
	vuart_write(&u, MCR, 0x0b);
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, THR), 'e');
	CHECK(!vuart_irq_level(&u));
}

static void test_rx_line_status_interrupt(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, MCR, 0x0b);
	vuart_write(&u, IER, 0x07);
	CHECK_EQ(vuart_read(&u, IIR), 0x02); /* acknowledge THRE */
	/* FIFOs off: the second byte overruns. */
	CHECK(!vuart_rx_push(&u, 'x'));
	CHECK(vuart_rx_push(&u, 'y'));
	/* Line status outranks received data; reading LSR clears it. */
	CHECK(vuart_irq_level(&u));
	CHECK_EQ(vuart_read(&u, IIR), 0x06);
	CHECK_EQ(vuart_read(&u, LSR), 0x63);
	CHECK_EQ(vuart_read(&u, IIR), 0x04);
	CHECK_EQ(vuart_read(&u, THR), 'x');
	CHECK_EQ(vuart_read(&u, IIR), 0x01);
	CHECK(!vuart_irq_level(&u));
	/* Without IER.RLS an overrun shows only in LSR. */
	vuart_write(&u, IER, 0x01);
	CHECK(!vuart_rx_push(&u, 'x'));
	CHECK(vuart_rx_push(&u, 'y'));
	CHECK_EQ(vuart_read(&u, IIR), 0x04);
	CHECK_EQ(vuart_read(&u, LSR), 0x63);
}

static void test_rx_fifo_control(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, FCR, 0x01);
	push_str(&u, "abc");
	/* FCR bit 1 empties the receive FIFO; the FIFO stays enabled. */
	vuart_write(&u, FCR, 0x03);
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_read(&u, IIR), 0xc1);
	CHECK_EQ(vuart_rx_room(&u), VUART_RX_FIFO);
	/* Bit 2 (transmit FIFO) alone leaves received data alone. */
	push_str(&u, "de");
	vuart_write(&u, FCR, 0x05);
	CHECK_EQ(vuart_read(&u, THR), 'd');
	/* Turning the FIFOs off empties them: one byte fits again. */
	vuart_write(&u, FCR, 0x00);
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_rx_room(&u), 1);
	CHECK(!vuart_rx_push(&u, 'f'));
	/* ...and so does turning them on. */
	vuart_write(&u, FCR, 0x01);
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	/* Linux's serial8250_clear_fifos sequence ends with no data. */
	push_str(&u, "gh");
	vuart_write(&u, FCR, 0x01);
	vuart_write(&u, FCR, 0x07);
	vuart_write(&u, FCR, 0x00);
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	CHECK_EQ(vuart_read(&u, THR), 0);
}

static void test_rx_loopback(void)
{
	struct vuart u;

	setup(&u);
	vuart_write(&u, FCR, 0x07);
	vuart_write(&u, MCR, 0x1b); /* loopback, OUT2 */
	vuart_write(&u, IER, 0x01);
	/* The line is disconnected: pushed bytes are refused, not overrun. */
	CHECK_EQ(vuart_rx_room(&u), 0);
	CHECK(vuart_rx_push(&u, 'w'));
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	/* THR writes come back through the receiver, interrupt and all. */
	out_str(&u, "ok\n");
	CHECK_EQ(vuart_read(&u, LSR), 0x61);
	CHECK(vuart_irq_level(&u)); /* gated by the OUT2 bit alone */
	CHECK_EQ(vuart_read(&u, IIR), 0xc4);
	CHECK_EQ(vuart_read(&u, THR), 'o');
	CHECK_EQ(vuart_read(&u, THR), 'k');
	CHECK_EQ(vuart_read(&u, THR), '\n');
	CHECK_EQ(vuart_read(&u, LSR), 0x60);
	/* Overrun applies to looped bytes too. */
	for (int i = 0; i < VUART_RX_FIFO + 1; i++)
		vuart_write(&u, THR, (uint8_t)i);
	CHECK_EQ(vuart_read(&u, LSR), 0x63);
	vuart_write(&u, FCR, 0x03);
	/* Out of loopback: nothing looped reached the console, input works. */
	vuart_write(&u, MCR, 0x0b);
	CHECK(!vuart_rx_push(&u, 'z'));
	CHECK_EQ(vuart_read(&u, THR), 'z');
	vuart_flush(&u);
	CHECK_EQ(nlines, 0);
}

int main(void)
{
	test_lines();
	test_long_lines();
	test_feed_shares_buffer();
	test_dlab_and_scratch();
	test_thre_interrupt();
	test_irq_gated_by_out2();
	test_loopback_msr();
	test_fifo_bits();
	test_rx_basic();
	test_rx_overrun();
	test_rx_dlab();
	test_rx_interrupt();
	test_rx_line_status_interrupt();
	test_rx_fifo_control();
	test_rx_loopback();
	return test_summary();
}
