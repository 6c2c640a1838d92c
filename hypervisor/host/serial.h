/* SPDX-License-Identifier: MIT */
/* The physical 16550 UART at COM1 that carries corral's log and every VM's console. */
#ifndef CORRAL_SERIAL_H
#define CORRAL_SERIAL_H
#include <stddef.h>

void serial_init(void);
/* Writes raw bytes; callers hold the console lock (see log.c). */
void serial_write(const char *s, size_t n);
/* A received byte, or -1 when none is waiting (polled; no interrupts). */
int serial_getc(void);

#endif
