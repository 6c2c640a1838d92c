// SPDX-License-Identifier: MIT
/*
 * The virtio-blk type of client device (core/client_dev.h, docs/virtio.md):
 * its features and configuration fields. The size of the disk is what the
 * backend's mapper found its export to hold (HC_CHANNEL_BLK_CAPACITY); until
 * it says, the disk has 0 sectors, and when it does, the driver hears of
 * it through a configuration change (§5.2.4), as after a resize.
 */
#include <core/client_dev.h>
#include <core/vm_channel.h>
#include <string.h>
#include <vdev/channel.h>
#include <vdev/le_bytes.h>

/* Feature bits of the block device (virtio 1.2 §5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

/* Never ACCESS_PLATFORM, never the packed ring. */
#define BLK_FEATURES                                                           \
	(VIRTIO_F_BIT(VIRTIO_F_VERSION_1) | VIRTIO_F_BIT(VIRTIO_F_EVENT_IDX) | \
	 VIRTIO_F_BIT(VIRTIO_F_INDIRECT_DESC) |                                \
	 VIRTIO_F_BIT(VIRTIO_BLK_F_SIZE_MAX) |                                 \
	 VIRTIO_F_BIT(VIRTIO_BLK_F_SEG_MAX) |                                  \
	 VIRTIO_F_BIT(VIRTIO_BLK_F_BLK_SIZE) |                                 \
	 VIRTIO_F_BIT(VIRTIO_BLK_F_FLUSH))
#define BLK_QUEUES 1
#define BLK_QUEUE_MAX 256
#define PCI_CLASS_SCSI 0x010000 /* what QEMU's virtio-blk-pci says too */
/* A request carries at most SEG_MAX segments of SIZE_MAX bytes: 4 MiB,
 * the block mapper's BLK_MAX_DATA. */
#define BLK_SIZE_MAX 0x10000u
#define BLK_SEG_MAX 64u
#define BLK_SECTOR 512u

/* struct virtio_blk_config (§5.2.4) up to num_queues. */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX 12
#define BLK_CFG_BLK_SIZE 20
#define BLK_CFG_LEN 36

static uint64_t blk_features(const struct client_dev *d)
{
	return BLK_FEATURES |
	       (d->blk->read_only ? VIRTIO_F_BIT(VIRTIO_BLK_F_RO) : 0);
}

static uint64_t capacity(const struct client_dev *d)
{
	return vm_channel_blk_capacity(client_dev_backend(d), d->ref->slot);
}

static uint32_t blk_cfg_read(struct client_dev *d, uint32_t off, uint8_t size)
{
	uint8_t b[BLK_CFG_LEN] = { 0 };
	uint64_t cap = capacity(d);

	if (off < BLK_CFG_CAPACITY + 8)
		d->capacity_seen = cap;
	le_put(b, BLK_CFG_CAPACITY, cap, 8);
	le_put(b, BLK_CFG_SIZE_MAX, BLK_SIZE_MAX, 4);
	le_put(b, BLK_CFG_SEG_MAX, BLK_SEG_MAX, 4);
	le_put(b, BLK_CFG_BLK_SIZE, BLK_SECTOR, 4);
	if (off >= BLK_CFG_LEN || size > BLK_CFG_LEN - off)
		return 0;
	return (uint32_t)le_get(b, off, size);
}

/* The driver may have read a capacity the mapper has changed since. */
static void blk_served(struct client_dev *d)
{
	if (capacity(d) != d->capacity_seen)
		client_dev_config_changed(d);
}

const struct client_dev_type virtio_blk_type = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.class_code = PCI_CLASS_SCSI,
	.slot_type = CH_TYPE_BLK,
	.nr_queues = BLK_QUEUES,
	.queue_max = BLK_QUEUE_MAX,
	.devcfg_len = BLK_CFG_LEN,
	.features = blk_features,
	.cfg_read = blk_cfg_read,
	.served = blk_served,
	.served_note = "",
};

void client_dev_capacity_changed(struct client_dev *d)
{
	spin_lock(&d->lock);
	if (d->type == &virtio_blk_type && capacity(d) != d->capacity_seen)
		client_dev_config_changed(d);
	spin_unlock(&d->lock);
}
