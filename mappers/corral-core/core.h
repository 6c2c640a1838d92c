/* SPDX-License-Identifier: GPL-2.0 */
/*
 * corral-core's pieces: the channel function and its interrupts
 * (core_pci.c), /dev/corral (core_dev.c), and the eventfd bindings of
 * client queues (core_bind.c).
 */
#ifndef CORRAL_CORE_H
#define CORRAL_CORE_H
#include <linux/atomic.h>
#include <linux/eventfd.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <corral/channel.h>
#include <corral/core_ioctl.h>

#define DRV_NAME "corral-core"

struct core;

/* One eventfd that corral-core waits on (call or error), the irqfd way:
 * its wake-up raises a hypercall. */
struct core_waiter {
	wait_queue_entry_t wait;
	poll_table pt;
	struct eventfd_ctx *ctx;
	unsigned long call; /* HC_CHANNEL_INTERRUPT or HC_CHANNEL_BROKEN */
	u32 slot, queue, generation; /* the live slot's, when bound */
};

/* A client queue's eventfds, while the slot's generation lasts. */
struct core_queue {
	struct eventfd_ctx *kick; /* under core->kick_lock: the kick irq */
	struct core_waiter *call, *err;
};

struct core_slot {
	u32 state, generation; /* as last seen, under core->mutex */
	struct core_queue q[CORRAL_CHANNEL_MAX_QUEUES];
	atomic64_t kicks[CORRAL_CHANNEL_MAX_QUEUES];
};

/* A kick vector's dev_id: which slot and queue it is. */
struct kick {
	struct core *c;
	u32 slot, queue;
};

struct core {
	struct pci_dev *pdev;
	void __iomem *regs;
	u32 nr_slots;
	int nr_vectors;
	struct work_struct events;
	atomic_t pending; /* event bits not yet looked at */
	/* Slot changes, bindings, mappings and the open files. */
	struct mutex mutex;
	spinlock_t kick_lock;
	struct core_slot slot[CORRAL_CHANNEL_MAX_SLOTS];
	struct kick kick[CH_NR_VECTORS];
	int nr_irqs; /* requested so far: vector 0, then the kicks */
	struct list_head files;
	bool dev_registered;
};

long corral_hypercall3(unsigned long nr, unsigned long a0, unsigned long a1,
		       unsigned long a2);
void core_slot_read(struct core *c, u32 s, struct corral_slot_info *info);

/* /dev/corral. */
int core_dev_register(struct core *c);
void core_dev_unregister(struct core *c);
/* Slot s changed: no mapping of its window is left (under c->mutex),
 * and each open file hears of it. */
void core_dev_zap(struct core *c, u32 s, u64 window, u64 size);
void core_dev_notify(struct core *c, u32 s);

/* Bindings (under c->mutex). */
int core_bind_queue(struct core *c, const struct corral_queue_bind *b);
void core_unbind_slot(struct core *c, u32 s);
/* The kick irq: true if an eventfd took it. */
bool core_kick_eventfd(struct core *c, u32 s, u32 q);

#endif
