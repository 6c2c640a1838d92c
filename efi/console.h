/* SPDX-License-Identifier: MIT */
/*
 * Loader messages. Every line goes to the firmware console (ConOut, which
 * OVMF mirrors to COM1) as "corral-efi: <text>"; errors read
 * "corral-efi: error: <text>".
 */
#ifndef CORRAL_EFI_CONSOLE_H
#define CORRAL_EFI_CONSOLE_H

#define CON_PREFIX "corral-efi: "

void con_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void con_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * After ExitBootServices() ConOut is gone; this writes one line straight
 * to the first 16550 UART as the firmware left it (polled, no set-up).
 */
void con_raw_serial(const char *line);

#endif /* CORRAL_EFI_CONSOLE_H */
