/* SPDX-License-Identifier: MIT */
/*
 * /dev/corral: what corral-core (mappers/corral-core) gives a driver VM's
 * user space, such as corral-netd (docs/mappers.md). Shared by both.
 *
 * - read() blocks until a slot changed, then returns a __u32 mask of the
 *   slots that changed since this file's last read; poll() says when.
 * - CORRAL_IOC_SLOT_INFO reads one slot as one consistent snapshot.
 * - mmap() with offset = an address in a live slot's window (window +
 *   the client's guest-physical address) maps the client's RAM there; only
 *   the slot's RAM regions may be mapped. corral-core zaps every such
 *   mapping when the slot stops or resets, before it acknowledges.
 * - CORRAL_IOC_BIND_QUEUE hands one queue of a live slot to eventfds, the
 *   ioeventfd/irqfd pattern that vhost speaks: the client's kicks signal
 *   kick_fd; a signal of call_fd raises the client's queue interrupt; a
 *   signal of err_fd marks the client's device broken. A binding lasts
 *   until the slot changes.
 * - CORRAL_IOC_ACK tells corral that a live slot is served (the client's
 *   link comes up).
 * - CORRAL_IOC_BROKEN reports that a client queue broke the ring's rules
 *   where no vhost saw it (corral marks the device DEVICE_NEEDS_RESET).
 * - CORRAL_IOC_BLK_CAPACITY tells corral the size of a block slot's export
 *   (the client's disk size).
 */
#ifndef CORRAL_CORE_IOCTL_H
#define CORRAL_CORE_IOCTL_H
#include <linux/ioctl.h>
#include <linux/types.h>

#define CORRAL_CORE_DEVICE "/dev/corral"

struct corral_slot_info {
	__u32 slot;  /* in: which */
	__u32 state; /* enum corral_slot_state */
	__u32 generation;
	__u32 type; /* enum corral_slot_type */
	__u32 nr_queues;
	__u32 pad0;
	__u64 window, window_size, features;
	__u8 mac[6];
	__u8 pad1[2];
	char name[32]; /* the client VM, NUL-ended */
	struct {
		__u64 desc, avail, used; /* client guest-physical */
		__u32 size;
		__u32 pad;
	} q[4];
	struct {
		__u64 gpa, size; /* client guest-physical; size 0: none */
	} ram[2];
	char export[64]; /* a block slot's export, NUL-ended, in any state */
	__u32 flags;	 /* CH_EXT_* (include/corral/channel.h) */
	__u32 pad2;
};

struct corral_queue_bind {
	__u32 slot, queue, generation;	/* generation: of the live slot */
	__s32 kick_fd, call_fd, err_fd; /* eventfds; -1: none */
};

struct corral_slot_ack {
	__u32 slot, generation;
};

struct corral_blk_capacity {
	__u32 slot, pad;
	__u64 sectors; /* of 512 bytes */
};

struct corral_queue_id {
	__u32 slot, queue, generation; /* generation: of the live slot */
};

#define CORRAL_IOC_MAGIC 0xc0
#define CORRAL_IOC_SLOT_INFO _IOWR(CORRAL_IOC_MAGIC, 1, struct corral_slot_info)
#define CORRAL_IOC_BIND_QUEUE \
	_IOW(CORRAL_IOC_MAGIC, 2, struct corral_queue_bind)
#define CORRAL_IOC_ACK _IOW(CORRAL_IOC_MAGIC, 3, struct corral_slot_ack)
#define CORRAL_IOC_BROKEN _IOW(CORRAL_IOC_MAGIC, 4, struct corral_queue_id)
#define CORRAL_IOC_BLK_CAPACITY \
	_IOW(CORRAL_IOC_MAGIC, 5, struct corral_blk_capacity)

#endif
