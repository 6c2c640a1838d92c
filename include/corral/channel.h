/* SPDX-License-Identifier: MIT */
/*
 * The channel: the virtual PCI function corral gives a driver VM that
 * serves client devices (docs/channel.md,
 * docs/decisions/0005-net-mapper-on-vhost.md). Its BAR0 describes each
 * client device the VM serves (a "slot"); its MSI-X vectors carry the
 * clients' kicks and corral's control events. Shared with corral-core.
 * All registers are little-endian and read-only; BAR0 also holds the
 * MSI-X table and pending bits.
 */
#ifndef CORRAL_CHANNEL_ABI_H
#define CORRAL_CHANNEL_ABI_H

#define CORRAL_CHANNEL_VENDOR 0x1234u
#define CORRAL_CHANNEL_DEVICE 0xc0a2u
#define CORRAL_CHANNEL_CLASS 0xff0000u	 /* "other": no stock driver binds */
#define CORRAL_CHANNEL_MAGIC 0x4c4e4843u /* "CHNL" */
#define CORRAL_CHANNEL_VERSION 3u
#define CORRAL_CHANNEL_MAX_SLOTS 8
#define CORRAL_CHANNEL_MAX_QUEUES 4
#define CORRAL_CHANNEL_BAR0_SIZE 0x2000u

/* Global registers. */
#define CH_REG_MAGIC 0x00
#define CH_REG_VERSION 0x04
#define CH_REG_NR_SLOTS 0x08
#define CH_REG_EVENTS 0x0c /* bit s: slot s changed; the read clears it */

/* Slot s's registers start at CH_SLOT(s). */
#define CH_SLOT(s) (0x100u + 0x100u * (s))
#define CH_SLOT_STATE 0x00	/* enum corral_slot_state */
#define CH_SLOT_TYPE 0x04	/* enum corral_slot_type */
#define CH_SLOT_GENERATION 0x08 /* counts the slot's changes */
#define CH_SLOT_NR_QUEUES 0x0c
#define CH_SLOT_WINDOW 0x10	 /* u64: where the client's memory appears */
#define CH_SLOT_WINDOW_SIZE 0x18 /* u64: its guest-physical span */
#define CH_SLOT_FEATURES 0x20	 /* u64: the features the driver took */
#define CH_SLOT_MAC 0x28	 /* 6 bytes (network devices) */
#define CH_SLOT_QUEUE(q) (0x40u + 0x20u * (q))
#define CH_QUEUE_DESC 0x00  /* u64, client guest-physical */
#define CH_QUEUE_AVAIL 0x08 /* u64 */
#define CH_QUEUE_USED 0x10  /* u64 */
#define CH_QUEUE_SIZE 0x18  /* u16 */
#define CH_SLOT_NAME 0xc0   /* 32 bytes: the client VM's name, NUL-ended */
#define CH_SLOT_NAME_LEN 32
/* Since version 2: the client's RAM regions, the only parts of the window
 * that are mapped (the rest of it is the client's MMIO holes: an access
 * there stops the driver VM). Each is {u64 gpa, u64 size}, gpa in the
 * client's guest-physical space (add CH_SLOT_WINDOW); size 0: none. */
#define CH_SLOT_RAM(i) (0xe0u + 0x10u * (i))
#define CH_RAM_GPA 0x00
#define CH_RAM_SIZE 0x08
#define CH_SLOT_MAX_RAM 2
/* Since version 3: what each slot serves that does not change while the
 * driver VM runs (it comes from the config), readable in any state. */
#define CH_SLOT_EXT(s) (0x900u + 0x80u * (s))
#define CH_EXT_EXPORT 0x00 /* 64 bytes: a virtio-blk export, NUL-ended */
#define CH_EXT_EXPORT_LEN 64
#define CH_EXT_FLAGS 0x40     /* u32 */
#define CH_EXT_READ_ONLY 0x1u /* the client may not write the export */
/* The MSI-X table and pending bits in BAR0. */
#define CH_MSIX_TABLE 0x1000
#define CH_MSIX_PBA 0x1800
/* Vector 0: a slot changed (read CH_REG_EVENTS). Then one per client
 * queue: the client notified (kicked) it. */
#define CH_VECTOR_CONTROL 0
#define CH_VECTOR_KICK(s, q) (1u + (s)*CORRAL_CHANNEL_MAX_QUEUES + (q))
#define CH_NR_VECTORS CH_VECTOR_KICK(CORRAL_CHANNEL_MAX_SLOTS, 0)

enum corral_slot_state {
	CH_STATE_EMPTY = 0,   /* no client device */
	CH_STATE_STOPPED = 1, /* the device is not live: nothing to serve */
	CH_STATE_LIVE = 2,    /* window mapped, queues set: serve them */
	/* The client's device stopped: its memory is gone from the window
	 * already (scratch stands in for it). Stop the queues, then
	 * acknowledge with HC_CHANNEL_ACK; the slot is stopped after that,
	 * and only then may it go live again. */
	CH_STATE_RESETTING = 3,
};

enum corral_slot_type {
	CH_TYPE_NET = 1,
	CH_TYPE_BLK = 2,
};

#endif
