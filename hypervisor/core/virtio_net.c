// SPDX-License-Identifier: MIT
/*
 * A client VM's virtio-net devices (core/virtio_net.h).
 *
 * When the driver sets DRIVER_OK, the backend driver VM's channel gets
 * the device (core/vm_channel.c): the client's RAM appears in its window,
 * and each kick becomes an MSI there. A reset, or the client VM's stop,
 * takes the window away before the client may reuse its memory. The
 * link (VIRTIO_NET_F_STATUS) is up only while the driver VM's mapper says
 * it serves the device (HC_CHANNEL_ACK of the live slot).
 */
#include <core/vcpu_irq.h>
#include <core/vm_channel.h>
#include <core/virtio_net.h>
#include <core/vm.h>
#include <core/vm_pci.h>
#include <errno.h>
#include <format.h>
#include <guest/config.h>
#include <host/log.h>
#include <mm/page_alloc.h>
#include <string.h>
#include <vdev/channel.h>
#include <vdev/virtio_pci.h>

/* Feature bits of the network device (virtio 1.2 §5.1.3). */
#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MTU 3
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_HOST_TSO6 12
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1

/* What every client's virtio-net offers: one receive and one transmit
 * queue, mergeable receive buffers, offloads both ways, event index and
 * indirect descriptors. Never ACCESS_PLATFORM, never the packed ring. */
#define NET_FEATURES                                                           \
	(VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX) | \
	 VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) |                                \
	 VIRTIO_F_BIT(VIRTIO_NET_F_CSUM) |                                     \
	 VIRTIO_F_BIT(VIRTIO_NET_F_GUEST_CSUM) |                               \
	 VIRTIO_F_BIT(VIRTIO_NET_F_MTU) | VIRTIO_F_BIT(VIRTIO_NET_F_MAC) |     \
	 VIRTIO_F_BIT(VIRTIO_NET_F_GUEST_TSO4) |                               \
	 VIRTIO_F_BIT(VIRTIO_NET_F_GUEST_TSO6) |                               \
	 VIRTIO_F_BIT(VIRTIO_NET_F_HOST_TSO4) |                                \
	 VIRTIO_F_BIT(VIRTIO_NET_F_HOST_TSO6) |                                \
	 VIRTIO_F_BIT(VIRTIO_NET_F_MRG_RXBUF) |                                \
	 VIRTIO_F_BIT(VIRTIO_NET_F_STATUS))
#define NET_QUEUES 2 /* receiveq1, transmitq1 */
#define NET_QUEUE_MAX 256
#define NET_MTU 1500
#define PCI_CLASS_ETHERNET 0x020000

/* struct virtio_net_config (§5.1.4) as far as corral fills it. */
#define NET_CFG_MAC 0
#define NET_CFG_STATUS 6
#define NET_CFG_MAX_PAIRS 8
#define NET_CFG_MTU 10
#define NET_CFG_LEN 12

struct virtio_net {
	/* The device's state is reached from the client's exits (under its
	 * vm->lock too) and from its backend's hypercalls: one at a time. */
	struct spinlock lock;
	struct virtio_pci vp;
	struct vm *vm;
	const struct net_config *cfg;
	uint32_t index;
	uint16_t link_status;
	bool served; /* in its backend's channel (live, or waiting to be) */
	bool broken; /* its backend found a malformed ring: no more kicks */
	uint64_t times_broken; /* since the VM started: for the log */
	uint64_t kicks;
	char mac[18]; /* for the log */
};

static struct vm *backend_vm(const struct virtio_net *n)
{
	return n->cfg->backend >= 0 ? vm_by_index((uint32_t)n->cfg->backend) :
				      NULL;
}

/* What the channel tells the driver VM about this device. */
static void slot_info(const struct virtio_net *n, struct channel_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->type = CH_TYPE_NET;
	s->nr_queues = NET_QUEUES;
	s->features = virtio_pci_features(&n->vp);
	memcpy(s->mac, n->cfg->mac, sizeof(s->mac));
	for (uint32_t q = 0; q < NET_QUEUES; q++) {
		const struct virtio_queue *vq = &n->vp.q[q];

		if (vq->enabled)
			s->q[q] =
				(struct channel_queue){ vq->desc, vq->driver,
							vq->device, vq->size };
	}
	snprintf(s->name, sizeof(s->name), "%s", n->vm->name);
}

static void driver_ok(void *ctx)
{
	struct virtio_net *n = ctx;
	struct channel_slot s;
	int err;

	slot_info(n, &s);
	err = vm_channel_live(backend_vm(n), n->cfg->slot, n->vm, n, &s);
	n->served = err >= 0;
	if (vm_log_budget(n->vm))
		pr_info("vm %s: virtio-net %s: driver ready (features 0x%llx); %s vm %s, slot %u",
			n->vm->name, n->mac,
			(unsigned long long)virtio_pci_features(&n->vp),
			err == VM_CHANNEL_PENDING ? "waits for the reset of" :
			n->served		  ? "window mapped in" :
						    "not served by",
			n->cfg->backend_name, n->cfg->slot);
}

/* Link up or down, and the driver hears of it (§5.1.4.2). */
static void set_link(struct virtio_net *n, uint16_t status)
{
	if (n->link_status == status)
		return;
	n->link_status = status;
	if (virtio_pci_live(&n->vp))
		virtio_pci_config_changed(&n->vp);
}

void virtio_net_served(struct virtio_net *n)
{
	spin_lock(&n->lock);
	if (n->served && virtio_pci_live(&n->vp) &&
	    vm_channel_served(backend_vm(n), n->cfg->slot)) {
		set_link(n, VIRTIO_NET_S_LINK_UP);
		if (vm_log_budget(n->vm))
			pr_info("vm %s: virtio-net %s: served by vm %s: link up",
				n->vm->name, n->mac, n->cfg->backend_name);
	}
	spin_unlock(&n->lock);
}

static bool is_power_of_10(uint64_t v)
{
	while (v >= 10 && v % 10 == 0)
		v /= 10;
	return v == 1;
}

bool virtio_net_broken(struct virtio_net *n, uint16_t q, const char *by,
		       uint32_t gen)
{
	bool same;

	spin_lock(&n->lock);
	/* Under the device's lock no reset comes between the check and
	 * the blame. */
	same = vm_channel_at(backend_vm(n), n->cfg->slot, gen);
	if (same && n->served && !n->broken) {
		n->broken = true;
		set_link(n, 0);
		virtio_pci_needs_reset(&n->vp);
		/* A client that breaks its rings on purpose gets a line at
		 * 1, 10, 100, ... times, not one each. */
		if (is_power_of_10(++n->times_broken))
			pr_warn("vm %s: virtio-net %s: queue %u broke the virtio ring's rules (found by vm %s; %llu time(s) so far): the device needs a reset",
				n->vm->name, n->mac, q, by,
				(unsigned long long)n->times_broken);
	}
	spin_unlock(&n->lock);
	return same;
}

/* The window goes, and every vCPU of the driver VM flushed it, before
 * the client may reuse the memory behind it. */
static void unserve(struct virtio_net *n)
{
	if (!n->served)
		return;
	vm_channel_stop(backend_vm(n), n->cfg->slot);
	n->served = false;
	n->broken = false;
	n->link_status = 0;
}

static void reset(void *ctx)
{
	struct virtio_net *n = ctx;

	unserve(n);
	virtio_pci_reset_done(&n->vp);
	if (vm_log_budget(n->vm))
		pr_info("vm %s: virtio-net %s: reset by the driver",
			n->vm->name, n->mac);
}

static void notify(void *ctx, uint16_t q)
{
	struct virtio_net *n = ctx;

	n->kicks++;
	if (n->served && !n->broken)
		vm_channel_kick(backend_vm(n), n->cfg->slot, q);
}

static void msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct virtio_net *n = ctx;

	if (!vcpu_msi_deliver(n->vm, addr, data) && vm_log_budget(n->vm))
		pr_warn("vm %s: virtio-net %s: MSI to 0x%llx (data 0x%x) is not one corral delivers: dropped",
			n->vm->name, n->mac, (unsigned long long)addr, data);
}

static uint32_t cfg_read(void *ctx, uint32_t off, uint8_t size)
{
	struct virtio_net *n = ctx;
	uint8_t b[NET_CFG_LEN] = { 0 };
	uint32_t v = 0;

	memcpy(b + NET_CFG_MAC, n->cfg->mac, CONFIG_MAC_LEN);
	b[NET_CFG_STATUS] = (uint8_t)n->link_status;
	b[NET_CFG_MAX_PAIRS] = 1;
	b[NET_CFG_MTU] = NET_MTU & 0xff;
	b[NET_CFG_MTU + 1] = NET_MTU >> 8;
	for (unsigned i = 0; i < size && off + i < NET_CFG_LEN; i++)
		v |= (uint32_t)b[off + i] << (8 * i);
	return v;
}

static const struct virtio_pci_ops net_ops = {
	.driver_ok = driver_ok,
	.reset = reset,
	.notify = notify,
	.msi = msi,
	.cfg_read = cfg_read,
};

/* ---- the VM's side: configuration space, BARs ---------------------------- */

static uint32_t fn_read(void *ctx, uint16_t off, uint8_t size)
{
	struct virtio_net *n = ctx;
	uint32_t v;

	spin_lock(&n->lock);
	v = virtio_pci_cfg_read(&n->vp, off, size);
	spin_unlock(&n->lock);
	return v;
}

static void fn_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct virtio_net *n = ctx;

	spin_lock(&n->lock);
	virtio_pci_cfg_write(&n->vp, off, size, val);
	spin_unlock(&n->lock);
}

static uint64_t bar0_read(void *ctx, uint64_t off, uint8_t size)
{
	struct virtio_net *n = ctx;
	uint64_t v;

	spin_lock(&n->lock);
	v = virtio_pci_bar0_read(&n->vp, (uint32_t)off, size);
	spin_unlock(&n->lock);
	return v;
}

static void bar0_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	struct virtio_net *n = ctx;

	spin_lock(&n->lock);
	virtio_pci_bar0_write(&n->vp, (uint32_t)off, size, val);
	spin_unlock(&n->lock);
}

static bool bar2_access(void *ctx, uint16_t port, uint8_t size, bool in,
			uint32_t *val)
{
	struct virtio_net *n = ctx;
	uint32_t off = port - n->vp.id.bar2;

	spin_lock(&n->lock);
	if (in)
		*val = virtio_pci_bar2_read(&n->vp, off, size);
	else
		virtio_pci_bar2_write(&n->vp, off, size, *val);
	spin_unlock(&n->lock);
	return true;
}

bool virtio_net_interrupt(struct virtio_net *n, uint16_t q)
{
	bool live;

	spin_lock(&n->lock);
	live = n->served && q < NET_QUEUES && virtio_pci_live(&n->vp);
	if (live)
		virtio_pci_queue_interrupt(&n->vp, q);
	spin_unlock(&n->lock);
	return live;
}

static struct virtio_net *device(struct vm *vm, uint32_t i)
{
	if (!vm->net[i])
		vm->net[i] = page_alloc(sizeof(struct virtio_net), PAGE_SIZE,
					ALLOC_ANYWHERE);
	return vm->net[i];
}

static int attach_one(struct vm *vm, uint32_t i)
{
	const struct net_config *c = &vm->cfg->net[i];
	struct virtio_net *n = device(vm, i);
	struct virtio_pci_id id = {
		.device_id = VIRTIO_ID_NET,
		.class_code = PCI_CLASS_ETHERNET,
		.features = NET_FEATURES,
		.nr_queues = NET_QUEUES,
		.queue_max = NET_QUEUE_MAX,
		.devcfg_len = NET_CFG_LEN,
		.bar0 = VIRTIO_MMIO_BASE + i * VIRTIO_PCI_BAR0_SIZE,
		.bar2 = (uint16_t)(VIRTIO_PIO_BASE + i * VIRTIO_PCI_BAR2_SIZE),
	};
	struct vm_pci_fn fn = { (uint8_t)((VIRTIO_FIRST_SLOT + i) << 3),
				fn_read, fn_write, n };
	struct mmio_region bar0 = { id.bar0, VIRTIO_PCI_BAR0_SIZE, bar0_read,
				    bar0_write, n };
	struct pio_region bar2 = { id.bar2, VIRTIO_PCI_BAR2_SIZE, bar2_access,
				   n };

	if (!n) {
		pr_err("vm %s: %s: out of memory for the device", vm->name,
		       c->node);
		return -ENOMEM;
	}
	memset(n, 0, sizeof(*n));
	n->vm = vm;
	n->cfg = c;
	n->index = i;
	snprintf(n->mac, sizeof(n->mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 c->mac[0], c->mac[1], c->mac[2], c->mac[3], c->mac[4],
		 c->mac[5]);
	if (virtio_pci_init(&n->vp, &id, &net_ops, n) ||
	    vm_find_mmio(vm, id.bar0) || vm_gpa_to_host(vm, id.bar0, 1) ||
	    vm_pci_add(vm, &fn) || vm_add_mmio(vm, &bar0) ||
	    vm_add_pio(vm, &bar2)) {
		pr_err("vm %s: %s: no room for the device at 00:%02x.0, BAR0 0x%llx, ports 0x%x: this VM does not start",
		       vm->name, c->node, VIRTIO_FIRST_SLOT + i,
		       (unsigned long long)id.bar0, id.bar2);
		return -ENOSPC;
	}
	pr_info("vm %s: virtio-net %s at 00:%02x.0 (BAR0 0x%llx, ports 0x%x-0x%x), served by vm %s",
		vm->name, n->mac, VIRTIO_FIRST_SLOT + i,
		(unsigned long long)id.bar0, id.bar2,
		id.bar2 + VIRTIO_PCI_BAR2_SIZE - 1, c->backend_name);
	return 0;
}

void virtio_net_release(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->cfg->nr_net; i++) {
		if (!vm->net[i])
			continue;
		spin_lock(&vm->net[i]->lock);
		unserve(vm->net[i]);
		spin_unlock(&vm->net[i]->lock);
	}
}

int virtio_net_attach(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->cfg->nr_net; i++) {
		int err = attach_one(vm, i);

		if (err)
			return err;
	}
	return 0;
}

void virtio_net_acpi_params(struct vm *vm, struct guest_acpi_params *ap)
{
	for (uint32_t i = 0; i < vm->cfg->nr_net; i++)
		vm_pci_acpi_window(ap,
				   VIRTIO_MMIO_BASE + i * VIRTIO_PCI_BAR0_SIZE,
				   VIRTIO_PCI_BAR0_SIZE);
}
