// SPDX-License-Identifier: MIT
/* Register behaviour follows the PC16550D data sheet (TI/National, 1995). */
#include <vdev/vuart.h>
#include <errno.h>
#include <string.h>

#define REG_RBR_THR 0
#define REG_IER 1
#define REG_IIR_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_MSR 6
#define REG_SCR 7
#define LCR_DLAB 0x80
#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define IIR_NO_INT 0x01
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_FIFO_ENABLED 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, size_t),
		void *ctx)
{
	memset(u, 0, sizeof(*u));
	u->emit = emit;
	u->ctx = ctx;
}

void vuart_flush(struct vuart *u)
{
	if (u->len)
		u->emit(u->ctx, u->line, u->len);
	u->len = 0;
}

static void transmit(struct vuart *u, uint8_t c)
{
	if (c == '\r')
		return;
	if (c == '\n') {
		u->emit(u->ctx, u->line, u->len);
		u->len = 0;
		return;
	}
	/* An over-long line is split, never dropped. Split only when one more
	 * character arrives, so a line of exactly VUART_LINE_MAX characters
	 * and its '\n' make one line, not that line and an empty one. */
	if (u->len == VUART_LINE_MAX)
		vuart_flush(u);
	u->line[u->len++] = (char)c;
}

void vuart_feed(struct vuart *u, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		transmit(u, (uint8_t)s[i]);
}

/* With FIFOs off the 16550A holds one received byte, as a 16450 does. */
static size_t rx_capacity(const struct vuart *u)
{
	return u->fifo_enabled ? VUART_RX_FIFO : 1;
}

size_t vuart_rx_room(const struct vuart *u)
{
	if (u->mcr & MCR_LOOP)
		return 0;
	return rx_capacity(u) - u->rx_count;
}

/* The receiver got a byte, from the line or, in loopback, from THR. A full
 * FIFO keeps what it holds: the new byte is the one lost. */
static int rx_put(struct vuart *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->overrun = true;
		return -ENOSPC;
	}
	u->rx[(u->rx_head + u->rx_count) % VUART_RX_FIFO] = byte;
	u->rx_count++;
	return 0;
}

static uint8_t rx_pop(struct vuart *u)
{
	uint8_t byte;

	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % VUART_RX_FIFO;
	u->rx_count--;
	return byte;
}

static void rx_clear(struct vuart *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

int vuart_rx_push(struct vuart *u, uint8_t byte)
{
	/* Loopback disconnects the receiver from the line. */
	if (u->mcr & MCR_LOOP)
		return -EAGAIN;
	return rx_put(u, byte);
}

/* The highest-priority pending interrupt, as the data sheet orders them:
 * line status, received data, transmitter empty. The trigger level is
 * ignored: any waiting byte is "data available" at once, which only makes
 * the guest see input sooner (Linux treats it like the FIFO timeout). */
static uint8_t iir(const struct vuart *u)
{
	uint8_t fifo = u->fifo_enabled ? IIR_FIFO_ENABLED : 0;

	if ((u->ier & IER_RLS) && u->overrun)
		return IIR_RLS | fifo;
	if ((u->ier & IER_RDA) && u->rx_count)
		return IIR_RDA | fifo;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE | fifo;
	return IIR_NO_INT | fifo;
}

/* Reading LSR reports and clears the overrun error. */
static uint8_t line_status(struct vuart *u)
{
	uint8_t v = LSR_THRE | LSR_TEMT;

	if (u->rx_count)
		v |= LSR_DR;
	if (u->overrun)
		v |= LSR_OE;
	u->overrun = false;
	return v;
}

bool vuart_irq_level(const struct vuart *u)
{
	return (u->mcr & MCR_OUT2) && !(iir(u) & IIR_NO_INT);
}

static uint8_t modem_status(const struct vuart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	/* Loopback wires the outputs to the inputs (Linux probes this). */
	return ((m & MCR_RTS) ? MSR_CTS : 0) | ((m & MCR_DTR) ? MSR_DSR : 0) |
	       ((m & MCR_OUT1) ? MSR_RI : 0) | ((m & MCR_OUT2) ? MSR_DCD : 0);
}

uint8_t vuart_read(struct vuart *u, uint16_t off)
{
	uint8_t v;

	switch (off) {
	case REG_RBR_THR:
		return (u->lcr & LCR_DLAB) ? u->dll : rx_pop(u);
	case REG_IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case REG_IIR_FCR:
		v = iir(u);
		if ((v & 0x0f) == IIR_THRE)
			u->thre_pending =
				false; /* reading IIR acknowledges THRE */
		return v;
	case REG_LCR:
		return u->lcr;
	case REG_MCR:
		return u->mcr;
	case REG_LSR:
		return line_status(u);
	case REG_MSR:
		return modem_status(u);
	case REG_SCR:
		return u->scr;
	}
	return 0xff;
}

/* Switching the FIFOs on or off empties them (data sheet, FCR bit 0), which
 * also keeps the 1-byte mode from holding more than one byte. */
static void fifo_control(struct vuart *u, uint8_t val)
{
	bool enable = val & FCR_ENABLE;

	if (enable != u->fifo_enabled || (val & FCR_CLEAR_RX))
		rx_clear(u);
	u->fifo_enabled = enable;
}

void vuart_write(struct vuart *u, uint16_t off, uint8_t val)
{
	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = val;
		} else {
			if (u->mcr & MCR_LOOP)
				rx_put(u, val);
			else
				transmit(u, val);
			u->thre_pending = true; /* the byte left at once */
		}
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
		} else {
			/* Enabling THRE with an empty THR raises it at once. */
			if ((val & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = val & 0x0f;
		}
		break;
	case REG_IIR_FCR:
		fifo_control(u, val);
		break;
	case REG_LCR:
		u->lcr = val;
		break;
	case REG_MCR:
		u->mcr = val & 0x1f;
		break;
	case REG_SCR:
		u->scr = val;
		break;
	}
}
