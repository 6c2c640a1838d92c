// SPDX-License-Identifier: GPL-2.0
/*
 * vring_attack: a hostile client's module (docs/mappers.md, scenarios
 * qemu.net.hostile and qemu.blk.integrity). It drives the client's
 * virtio-net (1af4:1041) or virtio-blk (1af4:1042) function itself,
 * without the stock driver.
 *
 * Ring rounds: each resets the device, sets it up again and fills the
 * attacked queue's whole ring (net: transmit; blk: its one queue) with
 * malformed descriptors of one kind, then kicks. The backend must refuse
 * every one: corral then marks the device DEVICE_NEEDS_RESET, which this
 * module waits for before the next round. The kinds: an address outside
 * the client's RAM, one in its MMIO hole, a chain loop, a next index
 * beyond the ring, an indirect table of a bad length, a nested indirect
 * table, a head index beyond the ring, an available index moved too far,
 * and a buffer of the wrong direction (net: write-only to transmit; blk:
 * a request with no writable byte for its status).
 *
 * Answered batches (blk only, before the ring rounds, in one session):
 * 256 well-framed but wrong requests each, of one kind, which the backend
 * must complete with VIRTIO_BLK_S_IOERR (an unknown type: UNSUPP) and
 * without breaking the device: reads and writes beyond the export, at a
 * sector that wraps the byte offset, not whole sectors, larger than the
 * device allows, a header cut short, a read with data to write, a write
 * with data to read; and on a read-only export, a proper write. The
 * writes carry 0xa5 bytes: if one got through, a neighbour's export would
 * show them.
 *
 * Module parameters rounds=N (default 400) and answered=M (default 0),
 * 256 requests each. The result line, as a kernel warning so that the
 * console shows it:
 *   VRING-ATTACK rounds=R posted=P broken=B kinds=K answered=A refused=F
 * (posted counts both; refused: the answered requests whose status was the
 * one expected).
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_config.h>
#include <linux/virtio_blk.h>

#define RING 256
#define NET_TXQ 1
#define STATUS_OFF offsetof(struct virtio_pci_common_cfg, device_status)
#define ALLOC_ORDER 4 /* 16 pages: see the layout in vring_attack_init() */
#define HUGE_LEN (8u << 20) /* more than any device's request */
#define HUGE_AT 0x1000000u  /* 16 MiB: the client's RAM, never touched */

static int rounds = 400;
module_param(rounds, int, 0444);
static int answered;
module_param(answered, int, 0444);

struct dev {
	struct pci_dev *pdev;
	bool blk;
	u16 q; /* the queue attacked */
	void __iomem *common, *notify, *device;
	u32 notify_mult;
	u64 capacity;	/* blk: in sectors */
	bool read_only; /* blk: it offers VIRTIO_BLK_F_RO */
	struct vring_desc *desc, *indirect;
	struct vring_avail *avail;
	struct vring_used *used;
	/* The answered batches' requests: table, header, status, data. */
	struct vring_desc (*tables)[3];
	struct virtio_blk_outhdr *hdr;
	u8 *status, *data;
	u16 avail_idx;
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
	WRONG_DIRECTION,
	NR_KINDS
};

/* The answered kinds (blk). */
enum answered_kind {
	READ_BEYOND,
	WRITE_BEYOND,
	WRITE_AT_END,
	WRITE_WRAPPING,
	READ_WRAPPING,
	NOT_SECTORS,
	TOO_LARGE,
	HEADER_SHORT,
	READ_WITH_DATA,
	WRITE_WITH_READ,
	UNKNOWN_TYPE,
	WRITE_READ_ONLY, /* a proper write: only on a read-only export */
	NR_ANSWERED
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
		else if (type == VIRTIO_PCI_CAP_DEVICE_CFG && !d->device)
			d->device = map_cap(d->pdev, cap, NULL);
	}
	return d->common && d->notify && d->device ? 0 : -ENODEV;
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

#define COMMON_OF(d, field) \
	((d)->common + offsetof(struct virtio_pci_common_cfg, field))
#define COMMON(field) COMMON_OF(d, field)

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

/* Up to DRIVER_OK with VERSION_1 and INDIRECT_DESC. Net: both queues,
 * only the transmit queue gets the malformed descriptors; blk: its one
 * queue. */
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
	if (!d->blk)
		queue_setup(d, 0, rx, rx + PAGE_SIZE, rx + 2 * PAGE_SIZE);
	queue_setup(d, d->q, d->desc, d->avail, d->used);
	d->avail_idx = 0;
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
		case WRONG_DIRECTION:
			/* blk: readable only, no room for a status */
			e->flags = cpu_to_le16(d->blk ? 0 : VRING_DESC_F_WRITE);
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

	iowrite16(d->q, COMMON(queue_select));
	off = ioread16(COMMON(queue_notify_off));
	wmb();
	iowrite16(d->q, d->notify + off * d->notify_mult);
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

/* The disk's size, once its driver VM has found the export (3 min at
 * most); it is the export's, and what "beyond" means below. */
static bool wait_capacity(struct dev *d)
{
	int i;

	for (i = 0; i < 1800 && !d->capacity; i++) {
		d->capacity = ioread32(d->device) | (u64)ioread32(d->device + 4)
							    << 32;
		if (!d->capacity)
			msleep(100);
	}
	return d->capacity != 0;
}

static void set_desc(struct vring_desc *e, void *buf, u32 len, u16 flags)
{
	e->addr = cpu_to_le64(virt_to_phys(buf));
	e->len = cpu_to_le32(len);
	e->flags = cpu_to_le16(flags);
}

/* Request i of a batch of kind k: header, data and status in its own
 * indirect table. Returns the status the backend must give it. */
static u8 frame(struct dev *d, enum answered_kind k, int i)
{
	struct vring_desc *t = d->tables[i];
	struct virtio_blk_outhdr *h = &d->hdr[i];
	u32 type = VIRTIO_BLK_T_IN, len = 4096, hdr_len = sizeof(*h);
	u16 data = VRING_DESC_F_WRITE; /* the data's direction: a read */
	u64 sector = 0;
	bool no_data = false;

	switch (k) {
	case READ_BEYOND:
		sector = d->capacity - 4;
		break;
	case WRITE_BEYOND:
		type = VIRTIO_BLK_T_OUT, data = 0, sector = d->capacity - 4;
		break;
	case WRITE_AT_END:
		type = VIRTIO_BLK_T_OUT, data = 0, sector = d->capacity;
		len = 512;
		break;
	case WRITE_WRAPPING: /* offset + sector * 512 wraps below the export */
		type = VIRTIO_BLK_T_OUT, data = 0, sector = -8ull;
		break;
	case READ_WRAPPING:
		sector = -8ull;
		break;
	case NOT_SECTORS:
		type = VIRTIO_BLK_T_OUT, data = 0, len = 100;
		break;
	case TOO_LARGE:
		break; /* its data descriptor is made below */
	case HEADER_SHORT:
		hdr_len = 8, no_data = true;
		break;
	case READ_WITH_DATA:
		data = 0;
		break;
	case WRITE_WITH_READ:
		type = VIRTIO_BLK_T_OUT;
		break;
	case UNKNOWN_TYPE:
		type = 0x1234, no_data = true;
		break;
	case WRITE_READ_ONLY:
		type = VIRTIO_BLK_T_OUT, data = 0;
		break;
	case NR_ANSWERED:
		break;
	}
	h->type = cpu_to_le32(type);
	h->ioprio = 0;
	h->sector = cpu_to_le64(sector);
	d->status[i] = 0xff;
	set_desc(&t[0], h, hdr_len, VRING_DESC_F_NEXT);
	t[0].next = cpu_to_le16(no_data ? 2 : 1);
	set_desc(&t[1], d->data, len, data | VRING_DESC_F_NEXT);
	if (k == TOO_LARGE) {
		t[1].addr = cpu_to_le64(HUGE_AT);
		t[1].len = cpu_to_le32(HUGE_LEN);
	}
	t[1].next = cpu_to_le16(2);
	set_desc(&t[2], &d->status[i], 1, VRING_DESC_F_WRITE);
	return k == UNKNOWN_TYPE ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR;
}

/* One batch: RING requests of kind k; how many got the status due. */
static int batch(struct dev *d, enum answered_kind k)
{
	u8 want = 0;
	int i, right = 0;

	for (i = 0; i < RING; i++) {
		want = frame(d, k, i);
		set_desc(&d->desc[i], d->tables[i], sizeof(d->tables[i]),
			 VRING_DESC_F_INDIRECT);
		d->avail->ring[i] = cpu_to_le16(i);
	}
	d->avail_idx += RING;
	wmb();
	d->avail->idx = cpu_to_le16(d->avail_idx);
	kick(d);
	for (i = 0; i < 100000; i++) { /* 20 s at least */
		if (READ_ONCE(d->used->idx) == cpu_to_le16(d->avail_idx))
			break;
		if (status(d) & VIRTIO_CONFIG_S_NEEDS_RESET)
			break;
		if (i % 1000 == 999)
			kick(d); /* the backend may have come up since */
		usleep_range(200, 500);
	}
	rmb();
	for (i = 0; i < RING; i++)
		right += d->status[i] == want;
	if (right != RING)
		pr_warn("VRING-ATTACK-WRONG-STATUS kind %d: %d of %d right (used %u of %u, status 0x%x)\n",
			k, right, RING, le16_to_cpu(READ_ONCE(d->used->idx)),
			d->avail_idx, status(d));
	return right;
}

/* The answered batches, in one session: the device must stay up. */
static int attack_answered(struct dev *d, void *rx, unsigned long *posted)
{
	int b, right = 0;
	int kinds = d->read_only ? NR_ANSWERED : WRITE_READ_ONLY;

	if (!answered)
		return 0;
	if (!start(d, rx)) {
		pr_warn("VRING-ATTACK-ERROR the device does not start\n");
		return 0;
	}
	memset(d->desc, 0, PAGE_SIZE);
	memset(d->avail, 0, PAGE_SIZE);
	memset(d->used, 0, PAGE_SIZE);
	d->avail->flags = cpu_to_le16(VRING_AVAIL_F_NO_INTERRUPT);
	memset(d->data, 0xa5, PAGE_SIZE);
	for (b = 0; b < answered; b++) {
		right += batch(d, b % kinds);
		*posted += RING;
		if (status(d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
			pr_warn("VRING-ATTACK-BROKEN-BY-ANSWERED batch %d\n",
				b);
			break;
		}
	}
	return right;
}

static int attack(struct dev *d, void *rx)
{
	int r, broken = 0, refused;
	unsigned long posted = 0;

	refused = attack_answered(d, rx, &posted);
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
	pr_warn("VRING-ATTACK rounds=%d posted=%lu broken=%d kinds=%d answered=%d refused=%d\n",
		r, posted, broken, NR_KINDS, answered * RING, refused);
	return 0;
}

static int __init vring_attack_init(void)
{
	struct dev d = { 0 };
	void *pages;
	int err;

	d.pdev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1041, NULL);
	d.q = NET_TXQ;
	if (!d.pdev) {
		d.pdev = pci_get_device(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1042,
					NULL);
		d.blk = true;
		d.q = 0;
	}
	if (!d.pdev) {
		pr_warn("VRING-ATTACK-ERROR no virtio-net or virtio-blk function\n");
		return -ENODEV;
	}
	err = pci_enable_device(d.pdev);
	if (err)
		goto put;
	pci_set_master(d.pdev);
	err = find_caps(&d);
	pages = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, ALLOC_ORDER);
	if (err || !pages) {
		pr_warn("VRING-ATTACK-ERROR setup: %d\n", err);
		err = err ?: -ENOMEM;
		goto put;
	}
	/* Pages 0-3: the attacked ring and an indirect table; 4-6: the net
	 * receive ring; 8-10: the requests' tables; 11: headers; 12: status
	 * bytes; 13: data. */
	d.desc = pages;
	d.avail = pages + PAGE_SIZE;
	d.used = pages + 2 * PAGE_SIZE;
	d.indirect = pages + 3 * PAGE_SIZE;
	d.tables = pages + 8 * PAGE_SIZE;
	d.hdr = pages + 11 * PAGE_SIZE;
	d.status = pages + 12 * PAGE_SIZE;
	d.data = pages + 13 * PAGE_SIZE;
	iowrite32(0, COMMON_OF(&d, device_feature_select));
	d.read_only = d.blk && (ioread32(COMMON_OF(&d, device_feature)) &
				BIT(VIRTIO_BLK_F_RO));
	if (d.blk && !wait_capacity(&d)) {
		pr_warn("VRING-ATTACK-ERROR the disk has no size\n");
		goto free;
	}
	attack(&d, pages + 4 * PAGE_SIZE);
free:
	free_pages((unsigned long)pages, ALLOC_ORDER);
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
