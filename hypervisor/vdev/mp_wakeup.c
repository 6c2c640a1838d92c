// SPDX-License-Identifier: MIT
#include <vdev/mp_wakeup.h>
#include <string.h>

#define OFF_COMMAND 0
#define OFF_APIC_ID 4
#define OFF_VECTOR 8

static uint64_t get(const struct mp_mailbox *mb, unsigned off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)mb->regs[off + i] << (8 * i);
	return v;
}

void mp_mailbox_init(struct mp_mailbox *mb)
{
	memset(mb, 0, sizeof(*mb));
}

uint64_t mp_mailbox_read(const struct mp_mailbox *mb, uint64_t off,
			 uint8_t size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && i < 8; i++)
		if (off + i < MP_MAILBOX_REGS)
			v |= (uint64_t)mb->regs[off + i] << (8 * i);
	return v;
}

bool mp_mailbox_write(struct mp_mailbox *mb, uint64_t off, uint8_t size,
		      uint64_t val, struct mp_wakeup_request *req)
{
	bool command = false;

	for (unsigned i = 0; i < size && i < 8; i++) {
		if (off + i >= MP_MAILBOX_REGS)
			continue;
		mb->regs[off + i] = (uint8_t)(val >> (8 * i));
		command |= off + i < OFF_COMMAND + 2;
	}
	if (!command || get(mb, OFF_COMMAND, 2) == MP_WAKEUP_CMD_NOOP)
		return false;
	if (get(mb, OFF_COMMAND, 2) != MP_WAKEUP_CMD_WAKEUP) {
		mp_mailbox_ack(mb); /* unknown commands: nothing to do */
		return false;
	}
	req->apic_id = (uint32_t)get(mb, OFF_APIC_ID, 4);
	req->vector = get(mb, OFF_VECTOR, 8);
	return true;
}

void mp_mailbox_ack(struct mp_mailbox *mb)
{
	mb->regs[OFF_COMMAND] = 0;
	mb->regs[OFF_COMMAND + 1] = 0;
}
