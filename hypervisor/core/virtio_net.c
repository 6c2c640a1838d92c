// SPDX-License-Identifier: MIT
/*
 * The virtio-net type of client device (core/client_dev.h, docs/virtio.md):
 * its features, its configuration fields, and its link, which is up only
 * while the driver VM's mapper says it serves the device (HC_CHANNEL_ACK
 * of the live slot).
 */
#include <core/client_dev.h>
#include <string.h>
#include <vdev/channel.h>

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

static uint64_t net_features(const struct client_dev *d)
{
	return NET_FEATURES;
}

static void net_slot_info(const struct client_dev *d, struct channel_slot *s)
{
	memcpy(s->mac, d->net->mac, sizeof(s->mac));
}

/* Link up or down, and the driver hears of it (§5.1.4.2). */
static void set_link(struct client_dev *d, uint16_t status)
{
	if (d->link_status == status)
		return;
	d->link_status = status;
	client_dev_config_changed(d);
}

static void net_served(struct client_dev *d)
{
	set_link(d, VIRTIO_NET_S_LINK_UP);
}

static void net_unserved(struct client_dev *d)
{
	set_link(d, 0);
}

static uint32_t net_cfg_read(struct client_dev *d, uint32_t off, uint8_t size)
{
	uint8_t b[NET_CFG_LEN] = { 0 };
	uint32_t v = 0;

	memcpy(b + NET_CFG_MAC, d->net->mac, CONFIG_MAC_LEN);
	b[NET_CFG_STATUS] = (uint8_t)d->link_status;
	b[NET_CFG_MAX_PAIRS] = 1;
	b[NET_CFG_MTU] = NET_MTU & 0xff;
	b[NET_CFG_MTU + 1] = NET_MTU >> 8;
	for (unsigned i = 0; i < size && off + i < NET_CFG_LEN; i++)
		v |= (uint32_t)b[off + i] << (8 * i);
	return v;
}

const struct client_dev_type virtio_net_type = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.class_code = PCI_CLASS_ETHERNET,
	.slot_type = CH_TYPE_NET,
	.nr_queues = NET_QUEUES,
	.queue_max = NET_QUEUE_MAX,
	.devcfg_len = NET_CFG_LEN,
	.features = net_features,
	.cfg_read = net_cfg_read,
	.slot_info = net_slot_info,
	.served = net_served,
	.unserved = net_unserved,
	.served_note = ": link up",
};
