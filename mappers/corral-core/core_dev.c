// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/corral (include/corral/core_ioctl.h): the slots, the clients'
 * memory and the queue bindings for the driver VM's user space, such as
 * corral-netd, which hands them to vhost.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <corral/hypercall.h>
#include "core.h"

struct core_file {
	struct list_head link; /* in core->files, under core->mutex */
	struct address_space *mapping;
	atomic_t changed; /* slots changed since the last read */
	wait_queue_head_t wait;
};

static struct core *the_core; /* one channel per VM */

void core_dev_zap(struct core *c, u32 s, u64 window, u64 size)
{
	struct core_file *f;

	if (!size)
		return;
	/* Every user mapping of the window goes, TLBs included; vhost's
	 * next access to it faults (and fails) instead. */
	list_for_each_entry(f, &c->files, link)
		unmap_mapping_range(f->mapping, window, size, 1);
}

void core_dev_notify(struct core *c, u32 s)
{
	struct core_file *f;

	list_for_each_entry(f, &c->files, link) {
		atomic_or(BIT(s), &f->changed);
		wake_up_interruptible(&f->wait);
	}
}

static int dev_open(struct inode *inode, struct file *file)
{
	struct core_file *f = kzalloc(sizeof(*f), GFP_KERNEL);
	struct core *c = the_core;

	if (!f)
		return -ENOMEM;
	f->mapping = file->f_mapping;
	init_waitqueue_head(&f->wait);
	/* Every slot is news to a new reader. */
	atomic_set(&f->changed, (int)(BIT(c->nr_slots) - 1));
	mutex_lock(&c->mutex);
	list_add(&f->link, &c->files);
	mutex_unlock(&c->mutex);
	file->private_data = f;
	return 0;
}

static int dev_release(struct inode *inode, struct file *file)
{
	struct core_file *f = file->private_data;

	mutex_lock(&the_core->mutex);
	list_del(&f->link);
	mutex_unlock(&the_core->mutex);
	kfree(f);
	return 0;
}

static ssize_t dev_read(struct file *file, char __user *buf, size_t len,
			loff_t *pos)
{
	struct core_file *f = file->private_data;
	u32 changed;
	int err;

	if (len < sizeof(changed))
		return -EINVAL;
	for (;;) {
		changed = (u32)atomic_xchg(&f->changed, 0);
		if (changed)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(f->wait,
					       atomic_read(&f->changed));
		if (err)
			return err;
	}
	if (copy_to_user(buf, &changed, sizeof(changed)))
		return -EFAULT;
	return sizeof(changed);
}

static __poll_t dev_poll(struct file *file, poll_table *pt)
{
	struct core_file *f = file->private_data;

	poll_wait(file, &f->wait, pt);
	return atomic_read(&f->changed) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* 0 if [addr, addr + len) is inside one RAM region of a live slot;
 * -ESTALE if it is in a slot's window that is not live (any more);
 * else -EINVAL. */
static int check_range(struct core *c, u64 addr, u64 len)
{
	struct corral_slot_info info;
	u32 s;
	int i;

	for (s = 0; s < c->nr_slots; s++) {
		core_slot_read(c, s, &info);
		if (!info.window_size || addr < info.window ||
		    addr - info.window >= info.window_size)
			continue;
		if (info.state != CH_STATE_LIVE ||
		    c->slot[s].state != CH_STATE_LIVE ||
		    info.generation != c->slot[s].generation)
			return -ESTALE; /* the event work will see */
		for (i = 0; i < ARRAY_SIZE(info.ram); i++) {
			u64 start = info.window + info.ram[i].gpa;

			if (info.ram[i].size && addr >= start &&
			    len <= info.ram[i].size &&
			    addr - start <= info.ram[i].size - len)
				return 0;
		}
		return -EINVAL;
	}
	return -EINVAL;
}

static int dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct core *c = the_core;
	u64 addr = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	int err;

	mutex_lock(&c->mutex);
	err = check_range(c, addr, len);
	if (!err) {
		/* Not RAM of this VM: no struct page, no pinning, never DMA. */
		vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND |
				 VM_DONTDUMP | VM_DONTCOPY;
		err = remap_pfn_range(vma, vma->vm_start, vma->vm_pgoff, len,
				      vma->vm_page_prot);
	}
	mutex_unlock(&c->mutex);
	return err;
}

static long dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct core *c = the_core;
	void __user *uarg = (void __user *)arg;
	struct corral_slot_info info;
	struct corral_queue_bind bind;
	struct corral_slot_ack ack;
	struct corral_queue_id qid;
	struct corral_blk_capacity cap;
	long ret;

	switch (cmd) {
	case CORRAL_IOC_SLOT_INFO:
		if (copy_from_user(&info, uarg, sizeof(info)))
			return -EFAULT;
		if (info.slot >= c->nr_slots)
			return -EINVAL;
		core_slot_read(c, info.slot, &info);
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case CORRAL_IOC_BIND_QUEUE:
		if (copy_from_user(&bind, uarg, sizeof(bind)))
			return -EFAULT;
		mutex_lock(&c->mutex);
		ret = core_bind_queue(c, &bind);
		mutex_unlock(&c->mutex);
		return ret;
	case CORRAL_IOC_ACK:
		if (copy_from_user(&ack, uarg, sizeof(ack)))
			return -EFAULT;
		if (ack.slot >= c->nr_slots)
			return -EINVAL;
		ret = corral_hypercall3(HC_CHANNEL_ACK, ack.slot,
					ack.generation, 0);
		return ret == -CORRAL_ESTALE ? -ESTALE : ret ? -EINVAL : 0;
	case CORRAL_IOC_BLK_CAPACITY:
		if (copy_from_user(&cap, uarg, sizeof(cap)))
			return -EFAULT;
		ret = corral_hypercall3(HC_CHANNEL_BLK_CAPACITY, cap.slot,
					cap.sectors, 0);
		return ret ? -EINVAL : 0;
	case CORRAL_IOC_BROKEN:
		if (copy_from_user(&qid, uarg, sizeof(qid)))
			return -EFAULT;
		ret = corral_hypercall3(HC_CHANNEL_BROKEN, qid.slot, qid.queue,
					qid.generation);
		if (ret == -CORRAL_ENODEV)
			return -ENODEV;
		return ret == -CORRAL_ESTALE ? -ESTALE : ret ? -EINVAL : 0;
	}
	return -ENOTTY;
}

static const struct file_operations dev_fops = {
	.owner = THIS_MODULE,
	.open = dev_open,
	.release = dev_release,
	.read = dev_read,
	.poll = dev_poll,
	.mmap = dev_mmap,
	.unlocked_ioctl = dev_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice dev_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "corral",
	.fops = &dev_fops,
	.mode = 0600,
};

int core_dev_register(struct core *c)
{
	int err;

	the_core = c;
	err = misc_register(&dev_misc);
	c->dev_registered = !err;
	return err;
}

void core_dev_unregister(struct core *c)
{
	if (c->dev_registered)
		misc_deregister(&dev_misc);
	c->dev_registered = false;
}
