// SPDX-License-Identifier: MIT
/* What a channel slot's window holds (vdev/slot_window.h). */
#include <vdev/slot_window.h>

enum slot_step slot_window_live(struct slot_window *w)
{
	/* The last run's mapper may still write through the scratch: the new
	 * rings must not be where it writes (docs/channel.md, step 6). */
	if (w->holds == SLOT_HOLDS_SCRATCH) {
		w->waiting = true;
		return SLOT_WAIT;
	}
	w->holds = SLOT_HOLDS_CLIENT;
	return SLOT_MAP;
}

void slot_window_mapped(struct slot_window *w, bool ok)
{
	w->holds = ok ? SLOT_HOLDS_CLIENT : SLOT_HOLDS_NOTHING;
}

enum slot_step slot_window_stop(struct slot_window *w)
{
	w->waiting = false;
	if (w->holds != SLOT_HOLDS_CLIENT)
		return SLOT_NOTHING;
	w->holds = SLOT_HOLDS_SCRATCH;
	return SLOT_SCRATCH;
}

enum slot_step slot_window_ack(struct slot_window *w, uint32_t now,
			       uint64_t acked)
{
	if (acked != now)
		return SLOT_ACK_STALE;
	switch (w->holds) {
	case SLOT_HOLDS_CLIENT:
		return SLOT_SERVED;
	case SLOT_HOLDS_SCRATCH:
		w->holds = SLOT_HOLDS_NOTHING;
		if (!w->waiting)
			return SLOT_UNMAP;
		w->waiting = false;
		w->holds = SLOT_HOLDS_CLIENT;
		return SLOT_UNMAP_MAP;
	case SLOT_HOLDS_NOTHING:
		break;
	}
	return SLOT_ACK_INVALID;
}
