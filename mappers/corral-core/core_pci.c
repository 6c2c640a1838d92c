// SPDX-License-Identifier: GPL-2.0
/*
 * corral-core: the driver VM's end of corral's channel (docs/channel.md in
 * the corral tree). It binds the channel function (1234:c0a2), follows
 * its slots (the client devices this VM serves) on the control vector,
 * and takes each client queue's kicks on that queue's vector.
 *
 * It hands the slots to user space through /dev/corral (core_dev.c),
 * where corral-netd gives them to stock vhost (docs/mappers.md). When a
 * slot stops or resets, it unbinds the slot's queues, zaps every user
 * mapping of its window and only then acknowledges (HC_CHANNEL_ACK), so
 * that nothing in this VM still reaches the client's memory.
 */
#include <linux/interrupt.h>
#include <linux/module.h>

#include <asm/processor.h>
#include <corral/hypercall.h>
#include "core.h"

#define CORRAL_CPUID_BASE 0x40000000u

static bool amd_hypercall; /* VMMCALL, else VMCALL (docs/hypercalls.md) */

long corral_hypercall3(unsigned long nr, unsigned long a0, unsigned long a1,
		       unsigned long a2)
{
	long ret;

	if (amd_hypercall)
		asm volatile("vmmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			     : "memory");
	else
		asm volatile("vmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
			     : "memory");
	return ret;
}

/* CPUID 0x40000000 names corral ("CorralHV"), and its ABI has the call. */
static bool on_corral(void)
{
	unsigned int eax, ebx, ecx, edx;

	cpuid(CORRAL_CPUID_BASE, &eax, &ebx, &ecx, &edx);
	if (ebx != 0x72726f43 || ecx != 0x56486c61) /* "Corr", "alHV" */
		return false;
	cpuid(CORRAL_CPUID_BASE + 1, &eax, &ebx, &ecx, &edx);
	return eax >= 4; /* the generation argument came with version 4 */
}

static const char *state_name(u32 s)
{
	switch (s) {
	case CH_STATE_EMPTY:
		return "empty";
	case CH_STATE_STOPPED:
		return "stopped";
	case CH_STATE_LIVE:
		return "live";
	case CH_STATE_RESETTING:
		return "resetting";
	}
	return "unknown";
}

static u32 slot_reg(struct core *c, u32 s, u32 off)
{
	return ioread32(c->regs + CH_SLOT(s) + off);
}

static u64 slot_reg64(struct core *c, u32 s, u32 off)
{
	return slot_reg(c, s, off) | ((u64)slot_reg(c, s, off + 4) << 32);
}

static u64 total_kicks(struct core_slot *sl)
{
	u64 n = 0;
	int q;

	for (q = 0; q < CORRAL_CHANNEL_MAX_QUEUES; q++)
		n += atomic64_read(&sl->kicks[q]);
	return n;
}

/* A copy of slot s as one generation of it: read again if it changed
 * half-way. */
void core_slot_read(struct core *c, u32 s, struct corral_slot_info *info)
{
	u32 gen, i;

	do {
		memset(info, 0, sizeof(*info));
		info->slot = s;
		gen = slot_reg(c, s, CH_SLOT_GENERATION);
		info->state = slot_reg(c, s, CH_SLOT_STATE);
		info->type = slot_reg(c, s, CH_SLOT_TYPE);
		info->nr_queues = slot_reg(c, s, CH_SLOT_NR_QUEUES);
		info->window = slot_reg64(c, s, CH_SLOT_WINDOW);
		info->window_size = slot_reg64(c, s, CH_SLOT_WINDOW_SIZE);
		info->features = slot_reg64(c, s, CH_SLOT_FEATURES);
		for (i = 0; i < 6; i++)
			info->mac[i] =
				ioread8(c->regs + CH_SLOT(s) + CH_SLOT_MAC + i);
		for (i = 0; i < CH_SLOT_NAME_LEN; i += 4)
			*(u32 *)(info->name + i) =
				slot_reg(c, s, CH_SLOT_NAME + i);
		info->name[CH_SLOT_NAME_LEN - 1] = '\0';
		for (i = 0; i < CORRAL_CHANNEL_MAX_QUEUES; i++) {
			u32 q = CH_SLOT_QUEUE(i);

			info->q[i].desc = slot_reg64(c, s, q + CH_QUEUE_DESC);
			info->q[i].avail = slot_reg64(c, s, q + CH_QUEUE_AVAIL);
			info->q[i].used = slot_reg64(c, s, q + CH_QUEUE_USED);
			info->q[i].size =
				slot_reg(c, s, q + CH_QUEUE_SIZE) & 0xffff;
		}
		for (i = 0; i < CH_SLOT_MAX_RAM; i++) {
			info->ram[i].gpa =
				slot_reg64(c, s, CH_SLOT_RAM(i) + CH_RAM_GPA);
			info->ram[i].size =
				slot_reg64(c, s, CH_SLOT_RAM(i) + CH_RAM_SIZE);
		}
		for (i = 0; i < CH_EXT_EXPORT_LEN; i += 4)
			*(u32 *)(info->export + i) = ioread32(
				c->regs + CH_SLOT_EXT(s) + CH_EXT_EXPORT + i);
		info->export[CH_EXT_EXPORT_LEN - 1] = '\0';
		info->flags = ioread32(c->regs + CH_SLOT_EXT(s) + CH_EXT_FLAGS);
		info->generation = gen;
	} while (slot_reg(c, s, CH_SLOT_GENERATION) != gen);
}

static void report_slot(struct core *c, const struct corral_slot_info *i)
{
	struct core_slot *sl = &c->slot[i->slot];

	if (i->state == CH_STATE_LIVE)
		dev_info(
			&c->pdev->dev,
			"slot %u (%s, %pM): live, window %#llx size %#llx, %u queues, features %#llx\n",
			i->slot, i->name, i->mac, i->window, i->window_size,
			i->nr_queues, i->features);
	else
		dev_info(&c->pdev->dev, "slot %u (%s): %s after %llu kicks\n",
			 i->slot, i->name, state_name(i->state),
			 total_kicks(sl));
}

/* Slot s changed. What was bound to its last generation goes, with every
 * user mapping of its window; a reset is acknowledged after that. */
static void slot_changed(struct core *c, u32 s)
{
	struct core_slot *sl = &c->slot[s];
	struct corral_slot_info info;
	long err;

	core_slot_read(c, s, &info);
	if (info.generation == sl->generation && info.state == sl->state)
		return;
	report_slot(c, &info);
	core_unbind_slot(c, s);
	core_dev_zap(c, s, info.window, info.window_size);
	sl->state = info.state;
	sl->generation = info.generation;
	if (info.state == CH_STATE_RESETTING) {
		err = corral_hypercall3(HC_CHANNEL_ACK, s, info.generation, 0);
		if (err && err != -CORRAL_ESTALE)
			dev_err(&c->pdev->dev,
				"slot %u: acknowledging its reset: %ld\n", s,
				err);
	}
	core_dev_notify(c, s);
}

static void events_work(struct work_struct *w)
{
	struct core *c = container_of(w, struct core, events);
	unsigned long bits = atomic_xchg(&c->pending, 0);
	u32 s;

	mutex_lock(&c->mutex);
	for_each_set_bit(s, &bits, c->nr_slots) slot_changed(c, s);
	mutex_unlock(&c->mutex);
}

static irqreturn_t control_irq(int irq, void *data)
{
	struct core *c = data;
	u32 ev = ioread32(c->regs + CH_REG_EVENTS); /* the read clears */

	if (!ev)
		return IRQ_NONE;
	atomic_or(ev, &c->pending);
	schedule_work(&c->events);
	return IRQ_HANDLED;
}

static irqreturn_t kick_irq(int irq, void *data)
{
	struct kick *k = data;
	struct core_slot *sl = &k->c->slot[k->slot];

	atomic64_inc(&sl->kicks[k->queue]);
	core_kick_eventfd(k->c, k->slot, k->queue);
	return IRQ_HANDLED;
}

static void free_irqs(struct core *c)
{
	int v;

	for (v = c->nr_irqs - 1; v >= 0; v--)
		free_irq(pci_irq_vector(c->pdev, v),
			 v ? (void *)&c->kick[v] : (void *)c);
	c->nr_irqs = 0;
	pci_free_irq_vectors(c->pdev);
}

static int setup_irqs(struct core *c)
{
	struct pci_dev *pdev = c->pdev;
	int want = 1 + c->nr_slots * CORRAL_CHANNEL_MAX_QUEUES, v, err;

	c->nr_vectors = pci_alloc_irq_vectors(pdev, want, want, PCI_IRQ_MSIX);
	if (c->nr_vectors < 0)
		return c->nr_vectors;
	err = request_irq(pci_irq_vector(pdev, 0), control_irq, 0,
			  DRV_NAME "-control", c);
	if (!err)
		c->nr_irqs = 1;
	for (v = 1; !err && v < c->nr_vectors; v++) {
		c->kick[v] =
			(struct kick){ c, (v - 1) / CORRAL_CHANNEL_MAX_QUEUES,
				       (v - 1) % CORRAL_CHANNEL_MAX_QUEUES };
		err = request_irq(pci_irq_vector(pdev, v), kick_irq, 0,
				  DRV_NAME "-kick", &c->kick[v]);
		if (!err)
			c->nr_irqs = v + 1;
	}
	if (err)
		free_irqs(c);
	return err;
}

static int core_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct core *c;
	u32 magic, version, s;
	int err;

	if (!on_corral()) {
		dev_err(&pdev->dev,
			"not running on corral with hypercall ABI 3 or later\n");
		return -ENODEV;
	}
	amd_hypercall = boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
			boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
	c = devm_kzalloc(&pdev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->pdev = pdev;
	INIT_WORK(&c->events, events_work);
	mutex_init(&c->mutex);
	spin_lock_init(&c->kick_lock);
	INIT_LIST_HEAD(&c->files);
	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(0), DRV_NAME);
	if (err)
		return err;
	c->regs = pcim_iomap_table(pdev)[0];
	magic = ioread32(c->regs + CH_REG_MAGIC);
	version = ioread32(c->regs + CH_REG_VERSION);
	if (magic != CORRAL_CHANNEL_MAGIC ||
	    version != CORRAL_CHANNEL_VERSION) {
		dev_err(&pdev->dev,
			"not a corral channel of version %u (magic %#x, version %u)\n",
			CORRAL_CHANNEL_VERSION, magic, version);
		return -ENODEV;
	}
	c->nr_slots = min_t(u32, ioread32(c->regs + CH_REG_NR_SLOTS),
			    CORRAL_CHANNEL_MAX_SLOTS);
	pci_set_master(pdev);
	pci_set_drvdata(pdev, c);
	err = setup_irqs(c);
	if (err) {
		dev_err(&pdev->dev, "MSI-X: %d\n", err);
		return err;
	}
	err = core_dev_register(c);
	if (err) {
		free_irqs(c);
		dev_err(&pdev->dev, "/dev/corral: %d\n", err);
		return err;
	}
	dev_info(&pdev->dev, "channel version %u, %u slot(s), %d vectors\n",
		 version, c->nr_slots, c->nr_vectors);
	/* Whatever happened before the interrupts were ours. */
	atomic_set(&c->pending, ioread32(c->regs + CH_REG_EVENTS));
	for (s = 0; s < c->nr_slots; s++)
		atomic_or(BIT(s), &c->pending);
	schedule_work(&c->events);
	return 0;
}

static void core_remove(struct pci_dev *pdev)
{
	struct core *c = pci_get_drvdata(pdev);
	u32 s;

	core_dev_unregister(c);
	free_irqs(c);
	cancel_work_sync(&c->events);
	mutex_lock(&c->mutex);
	for (s = 0; s < c->nr_slots; s++)
		core_unbind_slot(c, s);
	mutex_unlock(&c->mutex);
}

static const struct pci_device_id core_ids[] = {
	{ PCI_DEVICE(CORRAL_CHANNEL_VENDOR, CORRAL_CHANNEL_DEVICE) },
	{}
};
MODULE_DEVICE_TABLE(pci, core_ids);

static struct pci_driver core_driver = {
	.name = DRV_NAME,
	.id_table = core_ids,
	.probe = core_probe,
	.remove = core_remove,
};
module_pci_driver(core_driver);

MODULE_DESCRIPTION(
	"corral channel: the driver VM's end of corral's client devices");
MODULE_LICENSE("GPL");
