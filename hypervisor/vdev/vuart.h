/* SPDX-License-Identifier: MIT */
/*
 * A virtual 16550A UART (the guest's ttyS0 at 0x3f8, IRQ 4). Output is
 * collected into lines that the console layer prints with the VM's prefix.
 * Transmission is instant, so THR is always empty. Input is pushed in by the
 * console layer (vuart_rx_push) into a receive FIFO. Pure logic: the caller
 * holds the VM's UART lock and re-evaluates vuart_irq_level() after each
 * call that can change it (a read, a write, a push).
 */
#ifndef CORRAL_VUART_H
#define CORRAL_VUART_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define VUART_BASE 0x3f8
#define VUART_IRQ 4
#define VUART_LINE_MAX 200
#define VUART_RX_FIFO 16 /* the 16550A's receive FIFO */

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	bool fifo_enabled;
	bool thre_pending;
	bool irq_line;
	bool overrun; /* LSR.OE: a byte was lost, until LSR is read */
	uint8_t rx_head, rx_count;
	uint8_t rx[VUART_RX_FIFO];
	size_t len;
	char line[VUART_LINE_MAX];
	void (*emit)(void *ctx, const char *line, size_t n);
	void *ctx;
};

void vuart_init(struct vuart *u, void (*emit)(void *, const char *, size_t),
		void *ctx);
uint8_t vuart_read(struct vuart *u, uint16_t offset);
void vuart_write(struct vuart *u, uint16_t offset, uint8_t val);
/* Level of the interrupt output (gated by MCR.OUT2, as on a PC). */
bool vuart_irq_level(const struct vuart *u);
/* Console bytes from elsewhere (the console hypercall), same line buffer. */
void vuart_feed(struct vuart *u, const char *s, size_t n);
/* Emits a partial line (at VM stop). */
void vuart_flush(struct vuart *u);
/*
 * A byte arrives on the line: 0 when it was taken; -ENOSPC when the
 * receive FIFO (16 bytes, 1 with FIFOs disabled) is full, which also sets
 * the overrun error the guest sees in LSR; -EAGAIN when the UART is in
 * loopback, where the receiver hears only its own transmitter.
 */
int vuart_rx_push(struct vuart *u, uint8_t byte);
/* How many more bytes vuart_rx_push would take now. */
size_t vuart_rx_room(const struct vuart *u);

#endif
