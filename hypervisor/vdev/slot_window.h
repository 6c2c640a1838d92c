/* SPDX-License-Identifier: MIT */
/*
 * What a channel slot's window holds, and what each event does to it: the
 * reset rule of docs/channel.md as pure decisions (unit.slot_window).
 * core/vm_channel.c carries each step out on the driver VM's stage-2 map
 * and the channel model.
 *
 * A window holds nothing, the client's RAM (the slot is live), or scratch
 * (the client reset or stopped; the slot is resetting until the driver VM
 * acknowledges). A client device that goes live while its window still
 * holds scratch waits for that acknowledgement.
 */
#ifndef CORRAL_VDEV_SLOT_WINDOW_H
#define CORRAL_VDEV_SLOT_WINDOW_H
#include <stdbool.h>
#include <stdint.h>

enum slot_holds {
	SLOT_HOLDS_NOTHING,
	SLOT_HOLDS_CLIENT,
	SLOT_HOLDS_SCRATCH,
};

struct slot_window {
	enum slot_holds holds;
	bool waiting; /* a client device waits to go live */
};

enum slot_step {
	SLOT_NOTHING,	 /* no change */
	SLOT_MAP,	 /* map the client's RAM; the slot goes live */
	SLOT_WAIT,	 /* keep the live device for later */
	SLOT_SCRATCH,	 /* scratch replaces the client; the slot resets */
	SLOT_UNMAP,	 /* the scratch goes; the slot is stopped */
	SLOT_UNMAP_MAP,	 /* SLOT_UNMAP, then the device that waited: MAP */
	SLOT_SERVED,	 /* the mapper serves the live generation */
	SLOT_ACK_STALE,	 /* an acknowledgement of another generation */
	SLOT_ACK_INVALID /* an acknowledgement of an empty or stopped slot */
};

/* A client device set DRIVER_OK. After SLOT_MAP the caller reports how
 * the mapping went with slot_window_mapped(). */
enum slot_step slot_window_live(struct slot_window *w);
void slot_window_mapped(struct slot_window *w, bool ok);
/* The client device reset, or its VM stopped. */
enum slot_step slot_window_stop(struct slot_window *w);
/* HC_CHANNEL_ACK of generation `acked`, when the slot is at `now`. */
enum slot_step slot_window_ack(struct slot_window *w, uint32_t now,
			       uint64_t acked);

#endif
