// SPDX-License-Identifier: GPL-2.0
/*
 * Client queues bound to eventfds, the way KVM binds ioeventfds and irqfds
 * (virt/kvm/eventfd.c in Linux), so that stock vhost serves them: a kick
 * vector signals the queue's kick eventfd; a wait entry on the call
 * eventfd turns each signal into HC_CHANNEL_INTERRUPT, one on the error
 * eventfd into HC_CHANNEL_BROKEN. Bindings change under core->mutex.
 */
#include <linux/file.h>
#include <linux/slab.h>

#include <corral/hypercall.h>
#include "core.h"

/* The eventfd was signalled: it runs under the eventfd's wait-queue lock,
 * with interrupts off, where a hypercall is fine. */
static int waiter_wake(wait_queue_entry_t *wait, unsigned int mode, int sync,
		       void *key)
{
	struct core_waiter *w = container_of(wait, struct core_waiter, wait);
	__poll_t flags = key_to_poll(key);
	u64 cnt;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(w->ctx, &cnt);
		corral_hypercall3(w->call, w->slot, w->queue, w->generation);
	}
	return 0;
}

static void waiter_queue(struct file *file, wait_queue_head_t *wqh,
			 poll_table *pt)
{
	struct core_waiter *w = container_of(pt, struct core_waiter, pt);

	add_wait_queue(wqh, &w->wait);
}

static void waiter_free(struct core_waiter *w)
{
	u64 cnt;

	if (!w)
		return;
	eventfd_ctx_remove_wait_queue(w->ctx, &w->wait, &cnt);
	eventfd_ctx_put(w->ctx);
	kfree(w);
}

/* A waiter on eventfd `fd` for queue b->queue; -1 is none (NULL, no
 * error). */
static struct core_waiter *waiter_new(int fd, unsigned long call,
				      const struct corral_queue_bind *b,
				      int *err)
{
	struct core_waiter *w;
	struct fd f;
	__poll_t events;

	*err = 0;
	if (fd < 0)
		return NULL;
	f = fdget(fd);
	if (!f.file) {
		*err = -EBADF;
		return NULL;
	}
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w) {
		*err = -ENOMEM;
		goto out;
	}
	w->ctx = eventfd_ctx_fileget(f.file);
	if (IS_ERR(w->ctx)) {
		*err = PTR_ERR(w->ctx);
		kfree(w);
		w = NULL;
		goto out;
	}
	w->call = call;
	w->slot = b->slot;
	w->queue = b->queue;
	w->generation = b->generation;
	init_waitqueue_func_entry(&w->wait, waiter_wake);
	init_poll_funcptr(&w->pt, waiter_queue);
	events = vfs_poll(f.file, &w->pt);
	if (events & EPOLLIN) { /* signalled before we were there */
		u64 cnt;

		eventfd_ctx_do_read(w->ctx, &cnt);
		corral_hypercall3(call, w->slot, w->queue, w->generation);
	}
out:
	fdput(f);
	return w;
}

static void unbind_queue(struct core *c, struct core_queue *q)
{
	struct eventfd_ctx *kick;

	spin_lock_irq(&c->kick_lock);
	kick = q->kick;
	q->kick = NULL;
	spin_unlock_irq(&c->kick_lock);
	if (kick)
		eventfd_ctx_put(kick);
	waiter_free(q->call);
	waiter_free(q->err);
	q->call = q->err = NULL;
}

void core_unbind_slot(struct core *c, u32 s)
{
	int q;

	for (q = 0; q < CORRAL_CHANNEL_MAX_QUEUES; q++)
		unbind_queue(c, &c->slot[s].q[q]);
}

int core_bind_queue(struct core *c, const struct corral_queue_bind *b)
{
	struct core_slot *sl;
	struct core_queue *q;
	struct eventfd_ctx *kick = NULL;
	int err;

	if (b->slot >= c->nr_slots || b->queue >= CORRAL_CHANNEL_MAX_QUEUES)
		return -EINVAL;
	sl = &c->slot[b->slot];
	if (sl->state != CH_STATE_LIVE || sl->generation != b->generation)
		return -ESTALE;
	q = &sl->q[b->queue];
	unbind_queue(c, q);
	if (b->kick_fd >= 0) {
		kick = eventfd_ctx_fdget(b->kick_fd);
		if (IS_ERR(kick))
			return PTR_ERR(kick);
	}
	q->call = waiter_new(b->call_fd, HC_CHANNEL_INTERRUPT, b, &err);
	if (!err)
		q->err = waiter_new(b->err_fd, HC_CHANNEL_BROKEN, b, &err);
	if (err) {
		if (kick)
			eventfd_ctx_put(kick);
		unbind_queue(c, q);
		return err;
	}
	spin_lock_irq(&c->kick_lock);
	q->kick = kick;
	spin_unlock_irq(&c->kick_lock);
	/* A kick that came before the binding is not lost: one more costs
	 * vhost a look at an unchanged ring. */
	if (kick)
		eventfd_signal(kick, 1);
	return 0;
}

bool core_kick_eventfd(struct core *c, u32 s, u32 q)
{
	struct eventfd_ctx *kick;
	unsigned long flags;

	spin_lock_irqsave(&c->kick_lock, flags);
	kick = c->slot[s].q[q].kick;
	if (kick)
		eventfd_signal(kick, 1);
	spin_unlock_irqrestore(&c->kick_lock, flags);
	return kick != NULL;
}
