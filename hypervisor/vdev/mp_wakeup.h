/* SPDX-License-Identifier: MIT */
/*
 * The ACPI Multiprocessor Wakeup mailbox (ACPI 6.4 §5.2.12.19), the way a
 * guest starts its secondary vCPUs. The OS writes an APIC id and a wakeup
 * vector (a physical address), then the command "wakeup"; the "firmware"
 * (corral) starts that processor in 64-bit mode at the vector and clears
 * the command to acknowledge. Linux uses it when the MADT offers it
 * (arch/x86/kernel/acpi/boot.c, CONFIG_X86_64), which spares corral
 * INIT/SIPI and real mode. docs/smp-guests.md.
 *
 * Pure logic: the register model of the first 16 bytes. The rest of the
 * 4 KiB page (the OS and firmware areas) reads as zero and ignores writes.
 */
#ifndef CORRAL_MP_WAKEUP_H
#define CORRAL_MP_WAKEUP_H
#include <stdbool.h>
#include <stdint.h>

#define MP_WAKEUP_CMD_NOOP 0
#define MP_WAKEUP_CMD_WAKEUP 1
#define MP_MAILBOX_REGS \
	16 /* command (2), reserved (2), apic id (4), vector (8) */

struct mp_mailbox {
	uint8_t regs[MP_MAILBOX_REGS];
};

struct mp_wakeup_request {
	uint32_t apic_id;
	uint64_t vector;
};

void mp_mailbox_init(struct mp_mailbox *mb);
uint64_t mp_mailbox_read(const struct mp_mailbox *mb, uint64_t off,
			 uint8_t size);
/*
 * A guest store of `size` bytes at `off`. Returns true when it set the
 * command to "wakeup": *req says which processor and where. The caller
 * starts it (or refuses) and then calls mp_mailbox_ack(), since the OS
 * spins until the command reads 0 again. Other commands are ignored and
 * acknowledged at once.
 */
bool mp_mailbox_write(struct mp_mailbox *mb, uint64_t off, uint8_t size,
		      uint64_t val, struct mp_wakeup_request *req);
void mp_mailbox_ack(struct mp_mailbox *mb);

#endif
