// SPDX-License-Identifier: MIT
/* A driver VM's channel (core/vm_channel.h). */
#include <arch/x86.h>
#include <core/stage2_sync.h>
#include <core/vcpu_irq.h>
#include <core/client_dev.h>
#include <corral/hypercall.h>
#include <core/vm.h>
#include <core/vm_channel.h>
#include <core/vm_pci.h>
#include <errno.h>
#include <format.h>
#include <guest/guest_acpi.h>
#include <host/log.h>
#include <host/spinlock.h>
#include <mm/page_alloc.h>
#include <string.h>
#include <vdev/channel.h>
#include <vdev/slot_window.h>

#define BAR0_BELOW_WINDOWS 0x200000ull /* BAR0 sits 2 MiB below them */
#define MAX_RAM_REGIONS 2	       /* below 3 GiB and above 4 GiB */

/* A client device that went live while its slot was still resetting:
 * it goes live when the driver VM acknowledges the reset. */
struct pending_live {
	struct vm *client;
	struct client_dev *dev;
	struct channel_slot info;
};

/* What a slot maps into the driver VM now. */
struct slot_windows {
	struct slot_window fsm; /* what the regions hold, and what waits */
	uint32_t nr;
	struct {
		uint64_t gpa, size; /* guest-physical in the driver VM */
	} r[MAX_RAM_REGIONS];
	struct pending_live live; /* while fsm.waiting */
};

struct vm_channel {
	struct channel model;
	/* `lock` guards the model and dev[] (short: MMIO, kicks, the
	 * interrupt hypercall). `ops` serialises what changes windows: a
	 * client device going live or stopping, an acknowledgement, and the
	 * driver VM's rebuild; it is taken first, and may be held across a
	 * stage-2 flush. */
	struct spinlock lock;
	struct spinlock ops;
	struct vm *drv;
	uint64_t window_base, stride;
	/* GPA_REPEAT_SIZE of zeroes, this driver VM's own: what a window
	 * shows between a client device's stop and the acknowledgement. */
	uint64_t scratch;
	struct slot_windows win[CORRAL_CHANNEL_MAX_SLOTS];
	/* The live device in each slot (under `lock`); devices are never
	 * freed, so a pointer read under the lock stays usable. */
	struct client_dev *dev[CORRAL_CHANNEL_MAX_SLOTS];
	/* Per slot, under `lock`: the live generation the driver VM
	 * acknowledged (served), valid while the slot still has it. */
	uint32_t served_gen[CORRAL_CHANNEL_MAX_SLOTS];
	bool served[CORRAL_CHANNEL_MAX_SLOTS];
	/* Per block slot, under `lock`: the export's size in sectors, as the
	 * mapper found it (HC_CHANNEL_BLK_CAPACITY); 0 until it says. Kept
	 * over the driver VM's restarts, as the export is. */
	uint64_t capacity[CORRAL_CHANNEL_MAX_SLOTS];
};

static uint64_t window_base(void)
{
	unsigned bits = cpuid(0x80000008u).eax & 0xff;

	return 1ull << (bits - 1);
}

/* The slots' share of the free space from window_base up (the upper half
 * of the address space, up to the first region of the driver VM's own,
 * such as an assigned device's 64-bit BAR, which firmware often puts at
 * the top): a power of two, for windows that are aligned to their size;
 * 0 when nothing is free there. */
static uint64_t window_stride(const struct vm *drv, uint64_t base)
{
	uint64_t end = gpa_map_free_from(&drv->map, base, 2 * base), share;

	/* Trapped regions too: an MSI-X table page is not in the map. */
	for (uint32_t i = 0; i < drv->nr_mmio; i++) {
		const struct mmio_region *r = &drv->mmio[i];

		if (r->base + r->size > base && r->base < end)
			end = r->base > base ? r->base : base;
	}
	share = (end - base) / CORRAL_CHANNEL_MAX_SLOTS;

	if (!share)
		return 0;
	return 1ull << (63 - __builtin_clzll(share));
}

static void send_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct vm_channel *c = ctx;

	vcpu_msi_deliver(c->drv, addr, data);
}

static uint32_t fn_read(void *ctx, uint16_t off, uint8_t size)
{
	struct vm_channel *c = ctx;
	uint32_t v;

	spin_lock(&c->lock);
	v = channel_cfg_read(&c->model, off, size);
	spin_unlock(&c->lock);
	return v;
}

static void fn_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct vm_channel *c = ctx;

	spin_lock(&c->lock);
	channel_cfg_write(&c->model, off, size, val);
	spin_unlock(&c->lock);
}

static uint64_t bar0_read(void *ctx, uint64_t off, uint8_t size)
{
	struct vm_channel *c = ctx;
	uint64_t v;

	spin_lock(&c->lock);
	v = channel_bar0_read(&c->model, (uint32_t)off, size);
	spin_unlock(&c->lock);
	return v;
}

static void bar0_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	struct vm_channel *c = ctx;

	spin_lock(&c->lock);
	channel_bar0_write(&c->model, (uint32_t)off, size, val);
	spin_unlock(&c->lock);
}

static uint64_t bar0_gpa(const struct vm_channel *c)
{
	return c->window_base - BAR0_BELOW_WINDOWS;
}

static struct vm_channel *new_channel(void)
{
	struct vm_channel *c =
		page_alloc(sizeof(*c), PAGE_SIZE, ALLOC_ANYWHERE);
	void *scratch =
		page_alloc(GPA_REPEAT_SIZE, GPA_REPEAT_SIZE, ALLOC_ANYWHERE);

	if (!c || !scratch)
		return NULL; /* at boot: the VM does not start */
	memset(c, 0, sizeof(*c));
	memset(scratch, 0, GPA_REPEAT_SIZE);
	c->scratch = (uintptr_t)scratch;
	return c;
}

/* What slot s serves, from the config: its type, and for a block
 * device its export (CH_SLOT_EXT). */
static void describe_slot(struct vm_channel *c, uint32_t s,
			  const struct served_slot *sv)
{
	bool blk = sv->kind == SERVED_BLK;

	c->model.slot[s] = (struct channel_slot){
		.state = CH_STATE_STOPPED,
		.type = blk ? CH_TYPE_BLK : CH_TYPE_NET,
	};
	if (!blk)
		return;
	memcpy(c->model.ext[s].export, sv->export,
	       sizeof(c->model.ext[s].export));
	c->model.ext[s].flags = sv->read_only ? CH_EXT_READ_ONLY : 0;
}

int vm_channel_attach(struct vm *drv)
{
	struct vm_channel *c = drv->channel;
	uint32_t slots = drv->cfg->nr_served;
	struct vm_pci_fn fn = { CHANNEL_SLOT_PCI << 3, fn_read, fn_write,
				NULL };
	struct mmio_region bar0 = { 0, CORRAL_CHANNEL_BAR0_SIZE, bar0_read,
				    bar0_write, NULL };

	if (!slots)
		return 0;
	if (!c)
		c = drv->channel = new_channel();
	if (!c) {
		pr_err("vm %s: out of memory for its channel; this VM does not start",
		       drv->name);
		return -ENOMEM;
	}
	/* A rebuild holds `ops` (vm_channel_rebuild_begin): only the rest
	 * starts afresh. The old windows went with the old map. */
	spin_lock(&c->lock);
	c->drv = drv;
	c->window_base = window_base();
	c->stride = window_stride(drv, c->window_base);
	if (!c->stride) {
		spin_unlock(&c->lock);
		pr_err("vm %s: no free guest-physical space from 0x%llx for the windows of its channel; this VM does not start",
		       drv->name, (unsigned long long)c->window_base);
		return -ENOSPC;
	}
	memset(c->win, 0, sizeof(c->win));
	memset(c->dev, 0, sizeof(c->dev));
	memset(c->served, 0, sizeof(c->served));
	channel_init(&c->model, bar0_gpa(c), slots, send_msi, c);
	for (uint32_t s = 0; s < slots; s++)
		describe_slot(c, s, &drv->cfg->served[s]);
	spin_unlock(&c->lock);
	fn.ctx = bar0.ctx = c;
	bar0.base = bar0_gpa(c);
	if (vm_pci_add(drv, &fn) || vm_add_mmio(drv, &bar0)) {
		pr_err("vm %s: no room for its channel at 00:%02x.0; this VM does not start",
		       drv->name, CHANNEL_SLOT_PCI);
		return -ENOSPC;
	}
	pr_info("vm %s: channel at 00:%02x.0 (BAR0 0x%llx) for %u client device(s), windows from 0x%llx, %llu MiB each",
		drv->name, CHANNEL_SLOT_PCI, (unsigned long long)bar0_gpa(c),
		slots, (unsigned long long)c->window_base,
		(unsigned long long)(c->stride >> 20));
	return 0;
}

void vm_channel_acpi_params(struct vm *drv, struct guest_acpi_params *ap)
{
	if (drv->channel && drv->cfg->nr_served)
		vm_pci_acpi_window(ap, bar0_gpa(drv->channel),
				   CORRAL_CHANNEL_BAR0_SIZE);
}

static struct vm_channel *channel_of(struct vm *drv, uint32_t slot)
{
	struct vm_channel *c = drv ? drv->channel : NULL;

	return c && slot < c->model.nr_slots ? c : NULL;
}

static void set_state(struct vm_channel *c, uint32_t slot,
		      struct channel_slot *info, uint32_t state,
		      struct client_dev *dev)
{
	spin_lock(&c->lock);
	info->state = state;
	c->dev[slot] = dev;
	channel_slot_update(&c->model, slot, info);
	spin_unlock(&c->lock);
}

void vm_channel_rebuild_begin(struct vm *drv)
{
	if (drv->channel)
		spin_lock(&drv->channel->ops);
}

void vm_channel_rebuild_end(struct vm *drv)
{
	if (drv->channel)
		spin_unlock(&drv->channel->ops);
}

static bool is_client_ram(const struct gpa_region *r)
{
	return r->size && r->mem_type == GPA_MEM_WB &&
	       !(r->flags & GPA_FOREIGN);
}

/* The client's own RAM regions, each at window + its guest-physical
 * address; info->ram says which. */
static int map_client(struct vm_channel *c, uint32_t slot, struct vm *client,
		      struct channel_slot *info)
{
	struct slot_windows *w = &c->win[slot];

	for (uint32_t i = 0; i < client->map.nr; i++) {
		const struct gpa_region *r = &client->map.r[i];
		int err;

		if (!is_client_ram(r))
			continue;
		if (w->nr == MAX_RAM_REGIONS)
			return -ENOSPC;
		err = stage2_window_add(c->drv, info->window + r->gpa, r->hpa,
					r->size);
		if (err)
			return err;
		info->ram[w->nr].gpa = r->gpa;
		info->ram[w->nr].size = r->size;
		w->r[w->nr].gpa = info->window + r->gpa;
		w->r[w->nr].size = r->size;
		w->nr++;
	}
	return 0;
}

static void unmap_client(struct vm_channel *c, uint32_t slot)
{
	struct slot_windows *w = &c->win[slot];

	for (uint32_t i = 0; i < w->nr; i++)
		stage2_window_remove(c->drv, w->r[i].gpa);
	w->nr = 0;
}

/* The client's memory leaves the window at once; scratch takes its place
 * until the driver VM acknowledges, so that a late access by its mapper
 * neither reaches the client nor stops the driver VM. */
static void scratch_client(struct vm_channel *c, uint32_t slot)
{
	struct slot_windows *w = &c->win[slot];

	for (uint32_t i = 0; i < w->nr; i++)
		if (stage2_window_to_scratch(c->drv, w->r[i].gpa, c->scratch))
			pr_err("vm %s: no memory for the scratch of channel slot %u: an access there stops it",
			       c->drv->name, slot);
}

/* The guest-physical span of the client's RAM: its window's size. */
static uint64_t span_of(const struct vm *client)
{
	uint64_t top = 0;

	for (uint32_t i = 0; i < client->map.nr; i++) {
		const struct gpa_region *r = &client->map.r[i];

		if (is_client_ram(r) && r->gpa + r->size > top)
			top = r->gpa + r->size;
	}
	return top;
}

static int map_live(struct vm_channel *c, uint32_t slot, struct vm *client,
		    struct client_dev *dev, struct channel_slot *info)
{
	struct vm *drv = c->drv;
	int err;

	if (drv->state != VM_RUNNING)
		return -ENODEV;
	info->window = c->window_base + slot * c->stride;
	info->window_size = span_of(client);
	if (info->window_size > c->stride) {
		pr_err("vm %s: its memory (%llu MiB of guest-physical space) does not fit a window of vm %s (%llu MiB)",
		       client->name,
		       (unsigned long long)(info->window_size >> 20), drv->name,
		       (unsigned long long)(c->stride >> 20));
		return -E2BIG;
	}
	unmap_client(c, slot); /* a window left from before goes first */
	memset(info->ram, 0, sizeof(info->ram));
	err = map_client(c, slot, client, info);
	if (err) {
		unmap_client(c, slot);
		pr_err("vm %s: cannot map its memory into vm %s: error %d",
		       client->name, drv->name, err);
		return err;
	}
	set_state(c, slot, info, CH_STATE_LIVE, dev);
	return 0;
}

/* SLOT_MAP: the client's RAM into the window, and the slot live. */
static int go_live(struct vm_channel *c, uint32_t slot, struct vm *client,
		   struct client_dev *dev, struct channel_slot *info)
{
	int err = map_live(c, slot, client, dev, info);

	slot_window_mapped(&c->win[slot].fsm, !err);
	return err;
}

int vm_channel_live(struct vm *drv, uint32_t slot, struct vm *client,
		    struct client_dev *dev, struct channel_slot *info)
{
	struct vm_channel *c = channel_of(drv, slot);
	struct slot_windows *w;
	int err = 0;

	if (!c)
		return -ENODEV;
	spin_lock(&c->ops);
	w = &c->win[slot];
	if (slot_window_live(&w->fsm) == SLOT_WAIT) {
		w->live = (struct pending_live){ client, dev, *info };
		err = VM_CHANNEL_PENDING;
	} else {
		err = go_live(c, slot, client, dev, info);
	}
	spin_unlock(&c->ops);
	return err;
}

void vm_channel_stop(struct vm *drv, uint32_t slot)
{
	struct vm_channel *c = channel_of(drv, slot);
	struct slot_windows *w;
	struct channel_slot info;

	if (!c)
		return;
	spin_lock(&c->ops);
	w = &c->win[slot];
	if (slot_window_stop(&w->fsm) == SLOT_SCRATCH) {
		scratch_client(c, slot);
		spin_lock(&c->lock);
		info = c->model.slot[slot];
		spin_unlock(&c->lock);
		set_state(c, slot, &info, CH_STATE_RESETTING, NULL);
	}
	spin_unlock(&c->ops);
}

/* The driver VM let go of a resetting slot (SLOT_UNMAP): the scratch
 * goes; with SLOT_UNMAP_MAP the device that waited goes live. */
static void reset_acked(struct vm_channel *c, uint32_t slot,
			enum slot_step step)
{
	struct slot_windows *w = &c->win[slot];
	struct channel_slot info;

	unmap_client(c, slot);
	spin_lock(&c->lock);
	info = c->model.slot[slot];
	spin_unlock(&c->lock);
	set_state(c, slot, &info, CH_STATE_STOPPED, NULL);
	if (step == SLOT_UNMAP_MAP)
		go_live(c, slot, w->live.client, w->live.dev, &w->live.info);
}

int64_t vm_channel_ack(struct vm *drv, uint64_t slot, uint64_t generation)
{
	struct vm_channel *c = drv->channel;
	struct client_dev *taken = NULL;
	enum slot_step step;
	int64_t ret = 0;

	if (!c || slot >= c->model.nr_slots)
		return -CORRAL_EINVAL;
	spin_lock(&c->ops);
	spin_lock(&c->lock);
	step = slot_window_ack(&c->win[slot].fsm, c->model.generation[slot],
			       generation);
	if (step == SLOT_SERVED) {
		taken = c->dev[slot];
		c->served_gen[slot] = c->model.generation[slot];
		c->served[slot] = true;
	}
	spin_unlock(&c->lock);
	if (step == SLOT_ACK_STALE)
		ret = -CORRAL_ESTALE;
	else if (step == SLOT_ACK_INVALID)
		ret = -CORRAL_EINVAL;
	else if (step == SLOT_UNMAP || step == SLOT_UNMAP_MAP)
		reset_acked(c, (uint32_t)slot, step);
	spin_unlock(&c->ops);
	/* Outside `ops`: the device's lock comes before it (driver_ok). The
	 * device asks vm_channel_served() under its own lock, so a reset in
	 * between does not bring up the link of what came after it. */
	if (!ret && taken)
		client_dev_served(taken);
	return ret;
}

bool vm_channel_served(struct vm *drv, uint32_t slot)
{
	struct vm_channel *c = channel_of(drv, slot);
	bool served;

	if (!c)
		return false;
	spin_lock(&c->lock);
	served = c->served[slot] &&
		 c->model.slot[slot].state == CH_STATE_LIVE &&
		 c->served_gen[slot] == c->model.generation[slot];
	spin_unlock(&c->lock);
	return served;
}

uint64_t vm_channel_blk_capacity(struct vm *drv, uint32_t slot)
{
	struct vm_channel *c = channel_of(drv, slot);
	uint64_t sectors;

	if (!c)
		return 0;
	spin_lock(&c->lock);
	sectors = c->capacity[slot];
	spin_unlock(&c->lock);
	return sectors;
}

int64_t vm_channel_set_blk_capacity(struct vm *drv, uint64_t slot,
				    uint64_t sectors)
{
	struct vm_channel *c = drv->channel;
	struct client_dev *live;

	if (!c || slot >= c->model.nr_slots)
		return -CORRAL_EINVAL;
	spin_lock(&c->lock);
	if (c->model.slot[slot].type != CH_TYPE_BLK) {
		spin_unlock(&c->lock);
		return -CORRAL_EINVAL;
	}
	c->capacity[slot] = sectors;
	live = c->dev[slot];
	spin_unlock(&c->lock);
	/* Outside `lock`: the device's lock comes first. A device not live
	 * now reads the new size when its driver looks, or hears of it
	 * when it is served. */
	if (live)
		client_dev_capacity_changed(live);
	return 0;
}

bool vm_channel_at(struct vm *drv, uint32_t slot, uint32_t gen)
{
	struct vm_channel *c = channel_of(drv, slot);
	bool at;

	if (!c)
		return false;
	spin_lock(&c->lock);
	at = c->model.slot[slot].state == CH_STATE_LIVE &&
	     c->model.generation[slot] == gen;
	spin_unlock(&c->lock);
	return at;
}

void vm_channel_kick(struct vm *drv, uint32_t slot, uint16_t q)
{
	struct vm_channel *c = channel_of(drv, slot);

	if (!c)
		return;
	spin_lock(&c->lock);
	channel_kick(&c->model, slot, q);
	spin_unlock(&c->lock);
}

/* The live device of generation `gen` in `slot`, for a hypercall of the
 * driver VM: 0, -CORRAL_EINVAL (no such slot or queue: the caller serves
 * none there), -CORRAL_ESTALE (the slot changed since the caller looked)
 * or -CORRAL_ENODEV (the device is not live). */
static int64_t live_dev(struct vm *drv, uint64_t slot, uint64_t q, uint64_t gen,
			struct client_dev **dev)
{
	struct vm_channel *c = drv->channel;
	bool same;

	if (!c || slot >= c->model.nr_slots || q >= CORRAL_CHANNEL_MAX_QUEUES)
		return -CORRAL_EINVAL;
	spin_lock(&c->lock);
	same = c->model.generation[slot] == gen;
	*dev = c->dev[slot];
	spin_unlock(&c->lock);
	if (!same)
		return -CORRAL_ESTALE;
	return *dev ? 0 : -CORRAL_ENODEV;
}

int64_t vm_channel_interrupt(struct vm *drv, uint64_t slot, uint64_t q,
			     uint64_t gen)
{
	struct client_dev *dev;
	int64_t err = live_dev(drv, slot, q, gen, &dev);

	if (err)
		return err;
	return client_dev_interrupt(dev, (uint16_t)q) ? 0 : -CORRAL_ENODEV;
}

int64_t vm_channel_broken(struct vm *drv, uint64_t slot, uint64_t q,
			  uint64_t gen)
{
	struct client_dev *dev;
	int64_t err = live_dev(drv, slot, q, gen, &dev);

	if (err)
		return err;
	return client_dev_broken(dev, (uint16_t)q, drv->name, (uint32_t)gen) ?
		       0 :
		       -CORRAL_ESTALE;
}
