// SPDX-License-Identifier: GPL-2.0
/*
 * corral-core: the driver VM's end of corral's channel (docs/channel.md in
 * the corral tree). It binds the channel function (1234:c0a2), follows
 * its slots (the client devices this VM serves) on the control vector,
 * and takes each client queue's kicks on that queue's vector.
 *
 * This is the first part of the mapper (docs/decisions/0005): it logs the
 * slots and counts the kicks; with echo_kicks=1 it answers every kick at
 * once with the queue's interrupt (HC_CHANNEL_INTERRUPT), a test of the
 * whole doorbell loop. Handing windows, kicks and calls to vhost comes
 * next.
 */
#include <linux/atomic.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/workqueue.h>

#include <asm/processor.h>
#include <corral/channel.h>
#include <corral/hypercall.h>

#define DRV_NAME "corral-core"
#define CORRAL_CPUID_BASE 0x40000000u

static bool echo_kicks;
module_param(echo_kicks, bool, 0444);
MODULE_PARM_DESC(echo_kicks, "answer each kick with the queue's interrupt");

static bool amd_hypercall; /* VMMCALL, else VMCALL (docs/hypercalls.md) */

static long corral_hypercall2(unsigned long nr, unsigned long a0,
			      unsigned long a1)
{
	long ret;

	if (amd_hypercall)
		asm volatile("vmmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1)
			     : "memory");
	else
		asm volatile("vmcall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1)
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
	return eax >= 2; /* HC_CHANNEL_INTERRUPT came with version 2 */
}

struct core_slot {
	u32 state;
	atomic64_t kicks[CORRAL_CHANNEL_MAX_QUEUES];
	atomic64_t echoed; /* interrupts raised back */
};

struct core;

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
	struct core_slot slot[CORRAL_CHANNEL_MAX_SLOTS];
	struct kick kick[CH_NR_VECTORS];
	int nr_irqs; /* requested so far: vector 0, then the kicks */
};

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

/* One slot changed: say what it is now. */
static void report_slot(struct core *c, u32 s)
{
	struct core_slot *sl = &c->slot[s];
	char name[CH_SLOT_NAME_LEN];
	u8 mac[6];
	u32 state = slot_reg(c, s, CH_SLOT_STATE);
	int i;

	for (i = 0; i < CH_SLOT_NAME_LEN; i += 4)
		*(u32 *)(name + i) = slot_reg(c, s, CH_SLOT_NAME + i);
	name[CH_SLOT_NAME_LEN - 1] = '\0';
	for (i = 0; i < 6; i++)
		mac[i] = ioread8(c->regs + CH_SLOT(s) + CH_SLOT_MAC + i);
	if (state == CH_STATE_LIVE)
		dev_info(
			&c->pdev->dev,
			"slot %u (%s, %pM): live, window %#llx size %#llx, %u queues, features %#llx\n",
			s, name, mac, slot_reg64(c, s, CH_SLOT_WINDOW),
			slot_reg64(c, s, CH_SLOT_WINDOW_SIZE),
			slot_reg(c, s, CH_SLOT_NR_QUEUES),
			slot_reg64(c, s, CH_SLOT_FEATURES));
	else
		dev_info(&c->pdev->dev,
			 "slot %u (%s): %s after %llu kicks, %llu echoed\n", s,
			 name, state_name(state), total_kicks(sl),
			 (u64)atomic64_read(&sl->echoed));
	sl->state = state;
}

static void events_work(struct work_struct *w)
{
	struct core *c = container_of(w, struct core, events);
	unsigned long bits = atomic_xchg(&c->pending, 0);
	u32 s;

	for_each_set_bit(s, &bits, c->nr_slots) report_slot(c, s);
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
	if (echo_kicks &&
	    !corral_hypercall2(HC_CHANNEL_INTERRUPT, k->slot, k->queue))
		atomic64_inc(&sl->echoed);
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
			"not running on corral with hypercall ABI 2 or later\n");
		return -ENODEV;
	}
	amd_hypercall = boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
			boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
	c = devm_kzalloc(&pdev->dev, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->pdev = pdev;
	INIT_WORK(&c->events, events_work);
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

	free_irqs(c);
	cancel_work_sync(&c->events);
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
