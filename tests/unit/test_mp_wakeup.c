// SPDX-License-Identifier: MIT
/*
 * The MP wakeup mailbox (hypervisor/mp_wakeup.c, ACPI 6.4 §5.2.12.19), in
 * the order Linux 6.1's acpi_wakeup_cpu() uses it: APIC id (4 bytes) and
 * wakeup vector (8 bytes) first, then the 2-byte command, then it spins
 * reading the command until it is 0.
 */
#include <vdev/mp_wakeup.h>
#include "test.h"

static void test_linux_sequence(void)
{
	struct mp_mailbox mb;
	struct mp_wakeup_request req = { 0 };

	mp_mailbox_init(&mb);
	CHECK(!mp_mailbox_write(&mb, 4, 4, 3, &req));
	CHECK(!mp_mailbox_write(&mb, 8, 8, 0x9a000, &req));
	CHECK_EQ(mp_mailbox_read(&mb, 4, 4), 3);
	CHECK_EQ(mp_mailbox_read(&mb, 8, 8), 0x9a000);
	CHECK(mp_mailbox_write(&mb, 0, 2, MP_WAKEUP_CMD_WAKEUP, &req));
	CHECK_EQ(req.apic_id, 3);
	CHECK_EQ(req.vector, 0x9a000);
	/* Until the firmware acknowledges, the OS reads the command back. */
	CHECK_EQ(mp_mailbox_read(&mb, 0, 2), MP_WAKEUP_CMD_WAKEUP);
	mp_mailbox_ack(&mb);
	CHECK_EQ(mp_mailbox_read(&mb, 0, 2), 0);
	/* The id and vector stay as written. */
	CHECK_EQ(mp_mailbox_read(&mb, 4, 4), 3);
}

static void test_partial_and_odd_accesses(void)
{
	struct mp_mailbox mb;
	struct mp_wakeup_request req = { 0 };

	mp_mailbox_init(&mb);
	/* An 8-byte store at 0 sets command and APIC id in one go. */
	CHECK(mp_mailbox_write(&mb, 0, 8, (5ull << 32) | MP_WAKEUP_CMD_WAKEUP,
			       &req));
	CHECK_EQ(req.apic_id, 5);
	mp_mailbox_ack(&mb);
	/* Writes that leave the command alone start nothing. */
	CHECK(!mp_mailbox_write(&mb, 2, 2, 0xffff, &req));
	CHECK(!mp_mailbox_write(&mb, 12, 4, 0x1, &req));
	CHECK_EQ(mp_mailbox_read(&mb, 8, 8), 0x100000000ull);
	/* A command of 0 (noop) starts nothing. */
	CHECK(!mp_mailbox_write(&mb, 0, 2, 0, &req));
	/* Unknown commands are acknowledged at once, starting nothing. */
	CHECK(!mp_mailbox_write(&mb, 0, 2, 7, &req));
	CHECK_EQ(mp_mailbox_read(&mb, 0, 2), 0);
	/* Beyond the registers: reads 0, writes ignored, no overrun. */
	CHECK(!mp_mailbox_write(&mb, 16, 8, ~0ull, &req));
	CHECK(!mp_mailbox_write(&mb, 4095, 1, 0xff, &req));
	CHECK_EQ(mp_mailbox_read(&mb, 16, 8), 0);
	CHECK_EQ(mp_mailbox_read(&mb, 4090, 8), 0);
	/* A store straddling the end keeps only the bytes inside. */
	CHECK(!mp_mailbox_write(&mb, 12, 8, 0x1122334455667788ull, &req));
	CHECK_EQ(mp_mailbox_read(&mb, 12, 4), 0x55667788);
	CHECK_EQ(mp_mailbox_read(&mb, 12, 8), 0x55667788);
}

int main(void)
{
	test_linux_sequence();
	test_partial_and_odd_accesses();
	return test_summary();
}
