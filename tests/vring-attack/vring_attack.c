// SPDX-License-Identifier: GPL-2.0
/*
 * vring_attack: a hostile client's module (docs/mappers.md, scenario
 * qemu.net.hostile). It drives the client's virtio-net function
 * (1af4:1041) itself, without virtio_net, and in each round resets it,
 * sets it up again and fills the transmit queue's whole ring with
 * malformed descriptors of one kind, then kicks. The backend must refuse
 * every one: corral then marks the device DEVICE_NEEDS_RESET, which this
 * module waits for before the next round.
 *
 * The kinds: an address outside the client's RAM, one in its MMIO hole, a
 * chain loop, a next index beyond the ring, an indirect table of a bad
 * length, a nested indirect table, a head index beyond the ring, an
 * available index moved too far, and a write-only buffer to transmit.
 *
 * Module parameter rounds=N (default 400, 256 descriptors each). The
 * result line, as a kernel warning so that the console shows it:
 *   VRING-ATTACK rounds=R posted=P broken=B kinds=K
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_config.h>

#define RING 256
#define TXQ 1
#define STATUS_OFF offsetof(struct virtio_pci_common_cfg, device_status)

static int rounds = 400;
module_param(rounds, int, 0444);

struct dev {
	struct pci_dev *pdev;
	void __iomem *common, *notify;
	u32 notify_mult;
	struct vring_desc *desc, *indirect;
	struct vring_avail *avail;
	struct vring_used *used;
	u64 last_avail;
};

enum kind {
	OUTSIDE_RAM,
	MMIO_HOLE,
	CHAIN_LOOP,
	NEXT_BEYOND,
	INDIRECT_LEN,
	INDIRECT_NESTED,
	HEAD_BEYOND,
	AVAIL_TOO_FAR,
	WRITE_ONLY_TX,
	NR_KINDS
};

static void __iomem *map_cap(struct pci_dev *pdev, int cap, u32 *mult)
{
	u8 bar;
	u32 off, len;

	pci_read_config_byte(pdev, cap + offsetof(struct virtio_pci_cap, bar),
			     &bar);
	pci_read_config_dword(
		pdev, cap + offsetof(struct virtio_pci_cap, offset), &off);
	pci_read_config_dword(
		pdev, cap + offsetof(struct virtio_pci_cap, length), &len);
	if (mult)
		pci_read_config_dword(
			pdev,
			cap + offsetof(struct virtio_pci_notify_cap,
				       notify_off_multiplier),
			mult);
	return pci_iomap_range(pdev, bar, off, len);
}

static int find_caps(struct dev *d)
{
	int cap;
	u8 type;

	for (cap = pci_find_capability(d->pdev, PCI_CAP_ID_VNDR); cap;
	     cap = pci_find_next_capability(d->pdev, cap, PCI_CAP_ID_VNDR)) {
		pci_read_config_byte(
			d->pdev,
			cap + offsetof(struct virtio_pci_cap, cfg_type), &type);
		if (type == VIRTIO_PCI_CAP_COMMON_CFG && !d->common)
			d->common = map_cap(d->pdev, cap, NULL);
		else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG && !d->notify)
			d->notify = map_cap(d->pdev, cap, &d->notify_mult);
	}
	return d->common && d->notify ? 0 : -ENODEV;
}

static u8 status(struct dev *d)
{
	return ioread8(d->common + STATUS_OFF);
}

static bool reset(struct dev *d)
{
	int i;

	iowrite8(0, d->common + STATUS_OFF);
	for (i = 0; i < 5000 && status(d); i++)
		usleep_range(100, 200);
	return !status(d);
}

#define COMMON(field) \
	(d->common + offsetof(struct virtio_pci_common_cfg, field))

static void queue_setup(struct dev *d, u16 q, void *desc, void *avail,
			void *used)
{
	iowrite16(q, COMMON(queue_select));
	iowrite16(RING, COMMON(queue_size));
	iowrite16(VIRTIO_MSI_NO_VECTOR, COMMON(queue_msix_vector));
	iowrite32(lower_32_bits(virt_to_phys(desc)), COMMON(queue_desc_lo));
	iowrite32(upper_32_bits(virt_to_phys(desc)), COMMON(queue_desc_hi));
	iowrite32(lower_32_bits(virt_to_phys(avail)), COMMON(queue_avail_lo));
	iowrite32(upper_32_bits(virt_to_phys(avail)), COMMON(queue_avail_hi));
	iowrite32(lower_32_bits(virt_to_phys(used)), COMMON(queue_used_lo));
	iowrite32(upper_32_bits(virt_to_phys(used)), COMMON(queue_used_hi));
	iowrite16(1, COMMON(queue_enable));
}

/* Up to DRIVER_OK with VERSION_1 and INDIRECT_DESC, both queues on the
 * same (transmit) ring memory's layout; only the transmit queue gets the
 * malformed descriptors. */
static bool start(struct dev *d, void *rx)
{
	u64 want = BIT_ULL(VIRTIO_F_VERSION_1) |
		   BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC);

	if (!reset(d))
		return false;
	iowrite8(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER,
		 d->common + STATUS_OFF);
	iowrite32(0, COMMON(guest_feature_select));
	iowrite32(lower_32_bits(want), COMMON(guest_feature));
	iowrite32(1, COMMON(guest_feature_select));
	iowrite32(upper_32_bits(want), COMMON(guest_feature));
	iowrite8(status(d) | VIRTIO_CONFIG_S_FEATURES_OK,
		 d->common + STATUS_OFF);
	if (!(status(d) & VIRTIO_CONFIG_S_FEATURES_OK))
		return false;
	queue_setup(d, 0, rx, rx + PAGE_SIZE, rx + 2 * PAGE_SIZE);
	queue_setup(d, TXQ, d->desc, d->avail, d->used);
	iowrite8(status(d) | VIRTIO_CONFIG_S_DRIVER_OK, d->common + STATUS_OFF);
	return true;
}

static void fill(struct dev *d, enum kind k)
{
	u64 hole = 0xfec00000ull; /* the IOAPIC: no RAM of anybody's */
	int i;

	memset(d->desc, 0, PAGE_SIZE);
	memset(d->avail, 0, PAGE_SIZE);
	memset(d->used, 0, PAGE_SIZE);
	for (i = 0; i < RING; i++) {
		struct vring_desc *e = &d->desc[i];

		e->addr = cpu_to_le64(virt_to_phys(d->indirect));
		e->len = cpu_to_le32(64);
		switch (k) {
		case OUTSIDE_RAM:
			e->addr = cpu_to_le64(0x7ff000000000ull + i * 4096);
			break;
		case MMIO_HOLE:
			e->addr = cpu_to_le64(hole + (i % 16) * 64);
			break;
		case CHAIN_LOOP:
			e->flags = cpu_to_le16(VRING_DESC_F_NEXT);
			e->next = cpu_to_le16((i + 1) % RING);
			break;
		case NEXT_BEYOND:
			e->flags = cpu_to_le16(VRING_DESC_F_NEXT);
			e->next = cpu_to_le16(RING + i);
			break;
		case INDIRECT_LEN:
			e->flags = cpu_to_le16(VRING_DESC_F_INDIRECT);
			e->len = cpu_to_le32(17);
			break;
		case INDIRECT_NESTED:
			e->flags = cpu_to_le16(VRING_DESC_F_INDIRECT);
			e->len = cpu_to_le32(16);
			break;
		case WRITE_ONLY_TX:
			e->flags = cpu_to_le16(VRING_DESC_F_WRITE);
			break;
		default:
			break;
		}
		d->avail->ring[i] =
			cpu_to_le16(k == HEAD_BEYOND ? RING + i : i);
	}
	/* The nested case: the indirect table's one entry is indirect. */
	d->indirect[0].addr = cpu_to_le64(virt_to_phys(d->indirect));
	d->indirect[0].len = cpu_to_le32(16);
	d->indirect[0].flags = cpu_to_le16(VRING_DESC_F_INDIRECT);
	wmb();
	d->avail->idx = cpu_to_le16(k == AVAIL_TOO_FAR ? RING + 77 : RING);
}

static void kick(struct dev *d)
{
	u16 off;

	iowrite16(TXQ, COMMON(queue_select));
	off = ioread16(COMMON(queue_notify_off));
	wmb();
	iowrite16(TXQ, d->notify + off * d->notify_mult);
}

static bool wait_broken(struct dev *d)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (status(d) & VIRTIO_CONFIG_S_NEEDS_RESET)
			return true;
		if (i % 100 == 99)
			kick(d); /* the backend may have come up since */
		msleep(10);
	}
	return false;
}

static int attack(struct dev *d, void *rx)
{
	int r, broken = 0;
	unsigned long posted = 0;

	for (r = 0; r < rounds; r++) {
		enum kind k = r % NR_KINDS;

		if (!start(d, rx)) {
			pr_warn("VRING-ATTACK-ERROR round %d: the device does not start\n",
				r);
			break;
		}
		fill(d, k);
		kick(d);
		posted += RING;
		if (wait_broken(d))
			broken++;
		else
			pr_warn("VRING-ATTACK-NOT-BROKEN round %d kind %d\n", r,
				k);
	}
	reset(d);
	pr_warn("VRING-ATTACK rounds=%d posted=%lu broken=%d kinds=%d\n", r,
		posted, broken, NR_KINDS);
	return 0;
}

static int __init vring_attack_init(void)
{
	struct dev d = { 0 };
	void *pages;
	int err;

	d.pdev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1041, NULL);
	if (!d.pdev) {
		pr_warn("VRING-ATTACK-ERROR no virtio-net function\n");
		return -ENODEV;
	}
	err = pci_enable_device(d.pdev);
	if (err)
		goto put;
	pci_set_master(d.pdev);
	err = find_caps(&d);
	pages = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 3);
	if (err || !pages) {
		pr_warn("VRING-ATTACK-ERROR setup: %d\n", err);
		err = err ?: -ENOMEM;
		goto put;
	}
	d.desc = pages;
	d.avail = pages + PAGE_SIZE;
	d.used = pages + 2 * PAGE_SIZE;
	d.indirect = pages + 3 * PAGE_SIZE;
	attack(&d, pages + 4 * PAGE_SIZE);
	free_pages((unsigned long)pages, 3);
	/* Loaded, though it does nothing more: a failed init would make
	 * busybox's insmod try again with init_module(), a second attack. */
	err = 0;
put:
	pci_dev_put(d.pdev);
	return err;
}
module_init(vring_attack_init);

static void __exit vring_attack_exit(void)
{
}
module_exit(vring_attack_exit);

MODULE_DESCRIPTION("corral test: a client that posts malformed virtqueues");
MODULE_LICENSE("GPL");
