// SPDX-License-Identifier: MIT
#include <host/log.h>
#include <format.h>
#include <host/serial.h>
#include <host/spinlock.h>
#include <string.h>
#include <arch/x86.h>

enum log_level log_threshold = LOG_INFO;
static struct spinlock console_lock;
static volatile bool console_lock_busted;

static const char *const level_prefix[] = {
	[LOG_DEBUG] = "corral: debug: ",
	[LOG_INFO] = "corral: ",
	[LOG_WARN] = "corral: warning: ",
	[LOG_ERROR] = "corral: error: ",
};

void log_raw_line(const char *prefix, const char *text, size_t n)
{
	bool busted = console_lock_busted;

	if (!busted)
		spin_lock(&console_lock);
	serial_write(prefix, strlen(prefix));
	serial_write(text, n);
	if (!n || text[n - 1] != '\n')
		serial_write("\n", 1);
	if (!busted)
		spin_unlock(&console_lock);
}

void log_bust_console_lock(void)
{
	console_lock_busted = true;
}

static void log_va(const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	log_raw_line(prefix, line, (size_t)n);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl < log_threshold)
		return;
	va_start(ap, fmt);
	log_va(level_prefix[lvl], fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_va("corral: PANIC: ", fmt, ap);
	va_end(ap);
	halt_forever();
}
