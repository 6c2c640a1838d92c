// SPDX-License-Identifier: MIT
/* A client VM's virtio devices (core/client_dev.h). */
#include <core/client_dev.h>
#include <core/vcpu_irq.h>
#include <core/vm.h>
#include <core/vm_channel.h>
#include <core/vm_pci.h>
#include <errno.h>
#include <format.h>
#include <host/log.h>
#include <mm/page_alloc.h>
#include <string.h>
#include <vdev/channel.h>

struct vm *client_dev_backend(const struct client_dev *d)
{
	return d->ref->backend >= 0 ? vm_by_index((uint32_t)d->ref->backend) :
				      NULL;
}

/* What the channel tells the driver VM about this device. */
static void slot_info(const struct client_dev *d, struct channel_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->type = d->type->slot_type;
	s->nr_queues = d->type->nr_queues;
	s->features = virtio_pci_features(&d->vp);
	for (uint32_t q = 0; q < d->type->nr_queues; q++) {
		const struct virtio_queue *vq = &d->vp.q[q];

		if (vq->enabled)
			s->q[q] =
				(struct channel_queue){ vq->desc, vq->driver,
							vq->device, vq->size };
	}
	snprintf(s->name, sizeof(s->name), "%s", d->vm->name);
	if (d->type->slot_info)
		d->type->slot_info(d, s);
}

static void driver_ok(void *ctx)
{
	struct client_dev *d = ctx;
	struct channel_slot s;
	int err;

	slot_info(d, &s);
	err = vm_channel_live(client_dev_backend(d), d->ref->slot, d->vm, d,
			      &s);
	d->served = err >= 0;
	if (vm_log_budget(d->vm))
		pr_info("vm %s: %s %s: driver ready (features 0x%llx); %s vm %s, slot %u",
			d->vm->name, d->type->name, d->label,
			(unsigned long long)virtio_pci_features(&d->vp),
			err == VM_CHANNEL_PENDING ? "waits for the reset of" :
			d->served		  ? "window mapped in" :
						    "not served by",
			d->ref->backend_name, d->ref->slot);
}

void client_dev_config_changed(struct client_dev *d)
{
	if (virtio_pci_live(&d->vp))
		virtio_pci_config_changed(&d->vp);
}

void client_dev_served(struct client_dev *d)
{
	spin_lock(&d->lock);
	if (d->served && virtio_pci_live(&d->vp) &&
	    vm_channel_served(client_dev_backend(d), d->ref->slot)) {
		if (d->type->served)
			d->type->served(d);
		if (vm_log_budget(d->vm))
			pr_info("vm %s: %s %s: served by vm %s%s", d->vm->name,
				d->type->name, d->label, d->ref->backend_name,
				d->type->served_note);
	}
	spin_unlock(&d->lock);
}

static bool is_power_of_10(uint64_t v)
{
	while (v >= 10 && v % 10 == 0)
		v /= 10;
	return v == 1;
}

bool client_dev_broken(struct client_dev *d, uint16_t q, const char *by,
		       uint32_t gen)
{
	bool same;

	spin_lock(&d->lock);
	/* Under the device's lock no reset comes between the check and
	 * the blame. */
	same = vm_channel_at(client_dev_backend(d), d->ref->slot, gen);
	if (same && d->served && !d->broken) {
		d->broken = true;
		if (d->type->unserved)
			d->type->unserved(d);
		virtio_pci_needs_reset(&d->vp);
		/* A client that breaks its rings on purpose gets a line at
		 * 1, 10, 100, ... times, not one each. */
		if (is_power_of_10(++d->times_broken))
			pr_warn("vm %s: %s %s: queue %u broke the virtio ring's rules (found by vm %s; %llu time(s) so far): the device needs a reset",
				d->vm->name, d->type->name, d->label, q, by,
				(unsigned long long)d->times_broken);
	}
	spin_unlock(&d->lock);
	return same;
}

/* The window goes, and every vCPU of the driver VM flushed it, before
 * the client may reuse the memory behind it. */
static void unserve(struct client_dev *d)
{
	if (!d->served)
		return;
	vm_channel_stop(client_dev_backend(d), d->ref->slot);
	d->served = false;
	d->broken = false;
	/* Quietly: the device is resetting or its VM stopping. */
	d->link_status = 0;
}

static void reset(void *ctx)
{
	struct client_dev *d = ctx;

	unserve(d);
	virtio_pci_reset_done(&d->vp);
	if (vm_log_budget(d->vm))
		pr_info("vm %s: %s %s: reset by the driver", d->vm->name,
			d->type->name, d->label);
}

static void notify(void *ctx, uint16_t q)
{
	struct client_dev *d = ctx;

	d->kicks++;
	if (d->served && !d->broken)
		vm_channel_kick(client_dev_backend(d), d->ref->slot, q);
}

static void msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct client_dev *d = ctx;

	if (!vcpu_msi_deliver(d->vm, addr, data) && vm_log_budget(d->vm))
		pr_warn("vm %s: %s %s: MSI to 0x%llx (data 0x%x) is not one corral delivers: dropped",
			d->vm->name, d->type->name, d->label,
			(unsigned long long)addr, data);
}

static uint32_t cfg_read(void *ctx, uint32_t off, uint8_t size)
{
	struct client_dev *d = ctx;

	return d->type->cfg_read(d, off, size);
}

static const struct virtio_pci_ops client_ops = {
	.driver_ok = driver_ok,
	.reset = reset,
	.notify = notify,
	.msi = msi,
	.cfg_read = cfg_read,
};

/* ---- the VM's side: configuration space, BARs ---------------------------- */

static uint32_t fn_read(void *ctx, uint16_t off, uint8_t size)
{
	struct client_dev *d = ctx;
	uint32_t v;

	spin_lock(&d->lock);
	v = virtio_pci_cfg_read(&d->vp, off, size);
	spin_unlock(&d->lock);
	return v;
}

static void fn_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct client_dev *d = ctx;

	spin_lock(&d->lock);
	virtio_pci_cfg_write(&d->vp, off, size, val);
	spin_unlock(&d->lock);
}

static uint64_t bar0_read(void *ctx, uint64_t off, uint8_t size)
{
	struct client_dev *d = ctx;
	uint64_t v;

	spin_lock(&d->lock);
	v = virtio_pci_bar0_read(&d->vp, (uint32_t)off, size);
	spin_unlock(&d->lock);
	return v;
}

static void bar0_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	struct client_dev *d = ctx;

	spin_lock(&d->lock);
	virtio_pci_bar0_write(&d->vp, (uint32_t)off, size, val);
	spin_unlock(&d->lock);
}

static bool bar2_access(void *ctx, uint16_t port, uint8_t size, bool in,
			uint32_t *val)
{
	struct client_dev *d = ctx;
	uint32_t off = port - d->vp.id.bar2;

	spin_lock(&d->lock);
	if (in)
		*val = virtio_pci_bar2_read(&d->vp, off, size);
	else
		virtio_pci_bar2_write(&d->vp, off, size, *val);
	spin_unlock(&d->lock);
	return true;
}

bool client_dev_interrupt(struct client_dev *d, uint16_t q)
{
	bool live;

	spin_lock(&d->lock);
	live = d->served && q < d->type->nr_queues && virtio_pci_live(&d->vp);
	if (live)
		virtio_pci_queue_interrupt(&d->vp, q);
	spin_unlock(&d->lock);
	return live;
}

static uint32_t nr_devs(const struct vm *vm)
{
	return vm->cfg->nr_net + vm->cfg->nr_blk;
}

static struct client_dev *device(struct vm *vm, uint32_t i)
{
	if (!vm->devs[i])
		vm->devs[i] = page_alloc(sizeof(struct client_dev), PAGE_SIZE,
					 ALLOC_ANYWHERE);
	return vm->devs[i];
}

/* Device i of the VM, fresh, with its type and config. */
static void init_one(struct client_dev *d, struct vm *vm, uint32_t i)
{
	const struct vm_config *c = vm->cfg;

	memset(d, 0, sizeof(*d));
	d->vm = vm;
	d->index = i;
	if (i < c->nr_net) {
		const uint8_t *m = c->net[i].mac;

		d->type = &virtio_net_type;
		d->net = &c->net[i];
		d->ref = &d->net->ref;
		snprintf(d->label, sizeof(d->label),
			 "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
	} else {
		d->type = &virtio_blk_type;
		d->blk = &c->blk[i - c->nr_net];
		d->ref = &d->blk->ref;
		snprintf(d->label, sizeof(d->label), "%s", d->blk->export);
	}
}

static int attach_one(struct vm *vm, uint32_t i)
{
	struct client_dev *d = device(vm, i);
	struct virtio_pci_id id = {
		.bar0 = VIRTIO_MMIO_BASE + i * VIRTIO_PCI_BAR0_SIZE,
		.bar2 = (uint16_t)(VIRTIO_PIO_BASE + i * VIRTIO_PCI_BAR2_SIZE),
	};
	struct vm_pci_fn fn = { (uint8_t)((VIRTIO_FIRST_SLOT + i) << 3),
				fn_read, fn_write, d };
	struct mmio_region bar0 = { id.bar0, VIRTIO_PCI_BAR0_SIZE, bar0_read,
				    bar0_write, d };
	struct pio_region bar2 = { id.bar2, VIRTIO_PCI_BAR2_SIZE, bar2_access,
				   d };

	if (!d) {
		pr_err("vm %s: device %u: out of memory for it", vm->name, i);
		return -ENOMEM;
	}
	init_one(d, vm, i);
	id.device_id = d->type->device_id;
	id.class_code = d->type->class_code;
	id.features = d->type->features(d);
	id.nr_queues = d->type->nr_queues;
	id.queue_max = d->type->queue_max;
	id.devcfg_len = d->type->devcfg_len;
	if (virtio_pci_init(&d->vp, &id, &client_ops, d) ||
	    vm_find_mmio(vm, id.bar0) || vm_gpa_to_host(vm, id.bar0, 1) ||
	    vm_pci_add(vm, &fn) || vm_add_mmio(vm, &bar0) ||
	    vm_add_pio(vm, &bar2)) {
		pr_err("vm %s: %s: no room for the device at 00:%02x.0, BAR0 0x%llx, ports 0x%x: this VM does not start",
		       vm->name, d->ref->node, VIRTIO_FIRST_SLOT + i,
		       (unsigned long long)id.bar0, id.bar2);
		return -ENOSPC;
	}
	pr_info("vm %s: %s %s at 00:%02x.0 (BAR0 0x%llx, ports 0x%x-0x%x), served by vm %s",
		vm->name, d->type->name, d->label, VIRTIO_FIRST_SLOT + i,
		(unsigned long long)id.bar0, id.bar2,
		id.bar2 + VIRTIO_PCI_BAR2_SIZE - 1, d->ref->backend_name);
	return 0;
}

void client_devs_release(struct vm *vm)
{
	for (uint32_t i = 0; i < nr_devs(vm); i++) {
		if (!vm->devs[i])
			continue;
		spin_lock(&vm->devs[i]->lock);
		unserve(vm->devs[i]);
		spin_unlock(&vm->devs[i]->lock);
	}
}

int client_devs_attach(struct vm *vm)
{
	for (uint32_t i = 0; i < nr_devs(vm); i++) {
		int err = attach_one(vm, i);

		if (err)
			return err;
	}
	return 0;
}

void client_devs_acpi_params(struct vm *vm, struct guest_acpi_params *ap)
{
	for (uint32_t i = 0; i < nr_devs(vm); i++)
		vm_pci_acpi_window(ap,
				   VIRTIO_MMIO_BASE + i * VIRTIO_PCI_BAR0_SIZE,
				   VIRTIO_PCI_BAR0_SIZE);
}
