/* SPDX-License-Identifier: MIT */
/*
 * corral's log: every line starts with "corral: " (or "corral: error: ",
 * "corral: warning: ", "corral: PANIC: ") so that tests and users can grep it.
 * Lines from different CPUs never interleave.
 */
#ifndef CORRAL_LOG_H
#define CORRAL_LOG_H
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

extern enum log_level log_threshold;

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Writes one already-formatted line under the console lock (VM consoles). */
void log_raw_line(const char *prefix, const char *text, size_t n);
/* From here on lines are written without the console lock: for a fatal
 * error in exception context, where this CPU may hold it. Lines from
 * different CPUs may then interleave. */
void log_bust_console_lock(void);
__attribute__((noreturn)) void panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_err(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
