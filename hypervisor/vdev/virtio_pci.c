// SPDX-License-Identifier: MIT
/* A virtio 1.x PCI function, modern transport (vdev/virtio_pci.h). */
#include <vdev/le_bytes.h>
#include <vdev/virtio_pci.h>
#include <string.h>

/* PCI configuration space (PCI 3.0 §6.1-6.2). */
#define CFG_COMMAND 0x04
#define CFG_BAR0 0x10
#define CFG_BAR0_HI 0x14
#define CFG_BAR2 0x18
#define CMD_IO (1u << 0)
#define CMD_MEM (1u << 1)
#define CMD_MASTER (1u << 2)
#define CMD_INTX_DISABLE (1u << 10)
#define CMD_WRITABLE (CMD_IO | CMD_MEM | CMD_MASTER | CMD_INTX_DISABLE)
#define STATUS_CAP_LIST (1u << 4)
#define BAR_MEM_64 0x4u
#define BAR_IO 0x1u

/* Capabilities (§4.1.4): where each sits, in chain order. */
#define CAP_COMMON 0x40
#define CAP_NOTIFY 0x50
#define CAP_ISR 0x64
#define CAP_DEVICE 0x74
#define CAP_PCI_CFG 0x84
#define CAP_MSIX 0x98
#define CAP_LEN 16
#define CAP_NOTIFY_LEN 20
#define CAP_PCI_CFG_LEN 20
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11
/* The PCI configuration access capability's fields. */
#define PCI_CFG_BAR (CAP_PCI_CFG + 4)
#define PCI_CFG_OFFSET (CAP_PCI_CFG + 8)
#define PCI_CFG_LENGTH (CAP_PCI_CFG + 12)
#define PCI_CFG_DATA (CAP_PCI_CFG + 16)
#define MSIX_CTRL (CAP_MSIX + 2)

/* Common configuration (§4.1.4.3). */
#define CC_DFSELECT 0x00
#define CC_DF 0x04
#define CC_GFSELECT 0x08
#define CC_GF 0x0c
#define CC_MSIX_CONFIG 0x10
#define CC_NUM_QUEUES 0x12
#define CC_STATUS 0x14
#define CC_GENERATION 0x15
#define CC_Q_SELECT 0x16
#define CC_Q_SIZE 0x18
#define CC_Q_VECTOR 0x1a
#define CC_Q_ENABLE 0x1c
#define CC_Q_NOTIFY_OFF 0x1e
#define CC_Q_DESC 0x20
#define CC_Q_DRIVER 0x28
#define CC_Q_DEVICE 0x30

static unsigned nr_vectors(const struct virtio_pci *vp)
{
	return vp->id.nr_queues + 1u;
}

static struct virtio_queue *selected(struct virtio_pci *vp)
{
	return vp->queue_select < vp->id.nr_queues ? &vp->q[vp->queue_select] :
						     NULL;
}

/* ---- interrupts ---------------------------------------------------------- */

static void send_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct virtio_pci *vp = ctx;

	vp->ops->msi(vp->ctx, addr, data);
}

/* There is no INTx pin: without MSI-X nothing else is raised. */
static void signal(struct virtio_pci *vp, uint16_t vec)
{
	msix_signal(&vp->msix, vec);
}

void virtio_pci_queue_interrupt(struct virtio_pci *vp, uint16_t q)
{
	if (q >= vp->id.nr_queues || !virtio_pci_live(vp))
		return;
	vp->isr |= VIRTIO_ISR_QUEUE;
	signal(vp, vp->q[q].vector);
}

void virtio_pci_config_changed(struct virtio_pci *vp)
{
	vp->config_generation++;
	vp->isr |= VIRTIO_ISR_CONFIG;
	signal(vp, vp->msix_config);
}

void virtio_pci_needs_reset(struct virtio_pci *vp)
{
	if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	virtio_pci_config_changed(vp);
}

/* ---- device status and reset (§2.1, §4.1.4.3.2) -------------------------- */

static void reset_state(struct virtio_pci *vp)
{
	vp->device_feature_select = 0;
	vp->driver_feature_select = 0;
	vp->driver_features = 0;
	vp->status = 0;
	vp->reset_pending = false;
	vp->queue_select = 0;
	vp->msix_config = VIRTIO_MSI_NO_VECTOR;
	vp->isr = 0;
	vp->msix.pending = 0;
	for (unsigned i = 0; i < VIRTIO_PCI_MAX_QUEUES; i++)
		vp->q[i] =
			(struct virtio_queue){ .size = vp->id.queue_max,
					       .vector = VIRTIO_MSI_NO_VECTOR };
}

void virtio_pci_reset_done(struct virtio_pci *vp)
{
	reset_state(vp);
}

/* §3.1.1: FEATURES_OK stands only for features the device offered, and
 * this device is modern-only: VERSION_1 is required. */
static bool features_acceptable(const struct virtio_pci *vp)
{
	return !(vp->driver_features & ~vp->id.features) &&
	       (vp->driver_features & VIRTIO_F_BIT(VIRTIO_F_VERSION_1));
}

static void write_status(struct virtio_pci *vp, uint8_t val)
{
	uint8_t old = vp->status;
	uint8_t now;

	if (vp->reset_pending)
		return; /* the driver waits for 0 */
	if (!val) {
		if (!old) {
			reset_state(vp);
			return;
		}
		vp->reset_pending = true;
		vp->ops->reset(vp->ctx); /* may call virtio_pci_reset_done */
		return;
	}
	/* The driver only adds bits; NEEDS_RESET is the device's. */
	now = (uint8_t)((old | val) & ~VIRTIO_STATUS_NEEDS_RESET) |
	      (old & VIRTIO_STATUS_NEEDS_RESET);
	if ((now & ~old & VIRTIO_STATUS_FEATURES_OK) &&
	    !features_acceptable(vp))
		now &= ~VIRTIO_STATUS_FEATURES_OK;
	if (!(now & VIRTIO_STATUS_FEATURES_OK))
		now &= ~VIRTIO_STATUS_DRIVER_OK;
	vp->status = now;
	if ((now & ~old & VIRTIO_STATUS_DRIVER_OK) &&
	    !(now & VIRTIO_STATUS_NEEDS_RESET))
		vp->ops->driver_ok(vp->ctx);
}

/* ---- common configuration ------------------------------------------------ */

static void common_image(struct virtio_pci *vp, uint8_t *b)
{
	const struct virtio_queue *q = selected(vp);
	uint32_t sel = vp->device_feature_select;

	memset(b, 0, VIRTIO_PCI_COMMON_LEN);
	le_put(b, CC_DFSELECT, sel, 4);
	le_put(b, CC_DF, sel < 2 ? vp->id.features >> (32 * sel) : 0, 4);
	le_put(b, CC_GFSELECT, vp->driver_feature_select, 4);
	le_put(b, CC_GF,
	       vp->driver_feature_select < 2 ?
		       vp->driver_features >> (32 * vp->driver_feature_select) :
		       0,
	       4);
	le_put(b, CC_MSIX_CONFIG, vp->msix_config, 2);
	le_put(b, CC_NUM_QUEUES, vp->id.nr_queues, 2);
	le_put(b, CC_STATUS, vp->status, 1);
	le_put(b, CC_GENERATION, vp->config_generation, 1);
	le_put(b, CC_Q_SELECT, vp->queue_select, 2);
	if (!q) {
		le_put(b, CC_Q_VECTOR, VIRTIO_MSI_NO_VECTOR, 2);
		return; /* size 0: no such queue */
	}
	le_put(b, CC_Q_SIZE, q->size, 2);
	le_put(b, CC_Q_VECTOR, q->vector, 2);
	le_put(b, CC_Q_ENABLE, q->enabled, 2);
	le_put(b, CC_Q_NOTIFY_OFF, vp->queue_select, 2);
	le_put(b, CC_Q_DESC, q->desc, 8);
	le_put(b, CC_Q_DRIVER, q->driver, 8);
	le_put(b, CC_Q_DEVICE, q->device, 8);
}

/* A vector the table has, or "no vector", which the driver reads back as
 * the refusal (§4.1.5.1.2). */
static uint16_t vector_or_none(const struct virtio_pci *vp, uint16_t v)
{
	return v < nr_vectors(vp) ? v : VIRTIO_MSI_NO_VECTOR;
}

static void set_half(uint64_t *field, unsigned half, uint32_t val)
{
	uint64_t mask = 0xffffffffull << (32 * half);

	*field = (*field & ~mask) | ((uint64_t)val << (32 * half));
}

static void write_driver_features(struct virtio_pci *vp, uint32_t val)
{
	if (vp->driver_feature_select >= 2 ||
	    (vp->status & VIRTIO_STATUS_FEATURES_OK))
		return;
	set_half(&vp->driver_features, vp->driver_feature_select, val);
}

static bool power_of_2(uint16_t v)
{
	return v && !(v & (v - 1));
}

/* Queue fields: only while the queue is off and the device not live. */
static void write_queue(struct virtio_pci *vp, unsigned off, uint32_t val)
{
	struct virtio_queue *q = selected(vp);

	if (!q)
		return;
	if (off == CC_Q_VECTOR) {
		q->vector = vector_or_none(vp, (uint16_t)val);
		return;
	}
	if (q->enabled || (vp->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	if (off == CC_Q_SIZE && power_of_2((uint16_t)val) &&
	    val <= vp->id.queue_max)
		q->size = (uint16_t)val;
	else if (off == CC_Q_ENABLE && val == 1)
		q->enabled = true;
	else if (off >= CC_Q_DESC && off < CC_Q_DESC + 8)
		set_half(&q->desc, (off - CC_Q_DESC) / 4, val);
	else if (off >= CC_Q_DRIVER && off < CC_Q_DRIVER + 8)
		set_half(&q->driver, (off - CC_Q_DRIVER) / 4, val);
	else if (off >= CC_Q_DEVICE && off < CC_Q_DEVICE + 8)
		set_half(&q->device, (off - CC_Q_DEVICE) / 4, val);
}

/* One field, written whole at its natural width (the 64-bit queue
 * addresses as two 32-bit halves); anything else is ignored. */
static void common_write(struct virtio_pci *vp, unsigned off, uint8_t size,
			 uint32_t val)
{
	switch (off) {
	case CC_DFSELECT:
		if (size == 4)
			vp->device_feature_select = val;
		return;
	case CC_GFSELECT:
		if (size == 4)
			vp->driver_feature_select = val;
		return;
	case CC_GF:
		if (size == 4)
			write_driver_features(vp, val);
		return;
	case CC_MSIX_CONFIG:
		if (size == 2)
			vp->msix_config = vector_or_none(vp, (uint16_t)val);
		return;
	case CC_STATUS:
		if (size == 1)
			write_status(vp, (uint8_t)val);
		return;
	case CC_Q_SELECT:
		if (size == 2)
			vp->queue_select = (uint16_t)val;
		return;
	case CC_Q_SIZE:
	case CC_Q_VECTOR:
	case CC_Q_ENABLE:
		if (size == 2)
			write_queue(vp, off, val);
		return;
	}
	if (off >= CC_Q_DESC && off < CC_Q_DEVICE + 8 && !(off & 3) &&
	    size == 4)
		write_queue(vp, off, val);
}

/* ---- BAR0: common, ISR, device configuration, MSI-X ---------------------- */

static bool in(uint32_t off, uint8_t size, uint32_t base, uint32_t len)
{
	return off >= base && off - base < len && size <= len - (off - base);
}

static uint64_t bar0_read32(struct virtio_pci *vp, uint32_t off, uint8_t size)
{
	uint8_t img[VIRTIO_PCI_COMMON_LEN];
	uint8_t isr;

	if (in(off, size, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN)) {
		common_image(vp, img);
		return le_get(img, off - VIRTIO_PCI_COMMON_OFF, size);
	}
	if (off == VIRTIO_PCI_ISR_OFF) { /* read clears (§4.1.4.5) */
		isr = vp->isr;
		vp->isr = 0;
		return isr;
	}
	if (in(off, size, VIRTIO_PCI_DEVCFG_OFF, vp->id.devcfg_len))
		return vp->ops->cfg_read(vp->ctx, off - VIRTIO_PCI_DEVCFG_OFF,
					 size);
	if (in(off, size, VIRTIO_PCI_MSIX_TABLE_OFF, msix_table_len(&vp->msix)))
		return msix_table_read(&vp->msix,
				       off - VIRTIO_PCI_MSIX_TABLE_OFF, size);
	if (in(off, size, VIRTIO_PCI_MSIX_PBA_OFF, 8))
		return msix_pba_read(&vp->msix, off - VIRTIO_PCI_MSIX_PBA_OFF,
				     size);
	return 0;
}

static void bar0_write32(struct virtio_pci *vp, uint32_t off, uint8_t size,
			 uint32_t val)
{
	if (in(off, size, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN))
		common_write(vp, off - VIRTIO_PCI_COMMON_OFF, size, val);
	else if (in(off, size, VIRTIO_PCI_DEVCFG_OFF, vp->id.devcfg_len) &&
		 vp->ops->cfg_write)
		vp->ops->cfg_write(vp->ctx, off - VIRTIO_PCI_DEVCFG_OFF, size,
				   val);
	else if (in(off, size, VIRTIO_PCI_MSIX_TABLE_OFF,
		    msix_table_len(&vp->msix)))
		msix_table_write(&vp->msix, off - VIRTIO_PCI_MSIX_TABLE_OFF,
				 size, val);
}

uint64_t virtio_pci_bar0_read(struct virtio_pci *vp, uint32_t off, uint8_t size)
{
	if (!(vp->command & CMD_MEM))
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	if (size == 8)
		return bar0_read32(vp, off, 4) |
		       (bar0_read32(vp, off + 4, 4) << 32);
	return size == 1 || size == 2 || size == 4 ?
		       bar0_read32(vp, off, size) :
		       0;
}

void virtio_pci_bar0_write(struct virtio_pci *vp, uint32_t off, uint8_t size,
			   uint64_t val)
{
	if (!(vp->command & CMD_MEM))
		return;
	if (size == 8) {
		bar0_write32(vp, off, 4, (uint32_t)val);
		bar0_write32(vp, off + 4, 4, (uint32_t)(val >> 32));
	} else if (size == 1 || size == 2 || size == 4) {
		bar0_write32(vp, off, size, (uint32_t)val);
	}
}

/* ---- BAR2: notifications (§4.1.4.4) --------------------------------------- */

uint32_t virtio_pci_bar2_read(struct virtio_pci *vp, uint32_t off, uint8_t size)
{
	return (vp->command & CMD_IO) ? 0 : ~0u;
}

void virtio_pci_bar2_write(struct virtio_pci *vp, uint32_t off, uint8_t size,
			   uint32_t val)
{
	uint16_t q = (uint16_t)(off / VIRTIO_PCI_NOTIFY_MULTIPLIER);

	if (!(vp->command & CMD_IO) || size != 2 ||
	    off % VIRTIO_PCI_NOTIFY_MULTIPLIER || q >= vp->id.nr_queues ||
	    !vp->q[q].enabled || !virtio_pci_live(vp))
		return;
	vp->ops->notify(vp->ctx, q);
}

/* ---- PCI configuration space ----------------------------------------------- */

static void vndr_cap(uint8_t *b, unsigned at, unsigned next, unsigned len,
		     unsigned type, unsigned bar, uint32_t off, uint32_t n)
{
	le_put(b, at, PCI_CAP_ID_VNDR, 1);
	le_put(b, at + 1, next, 1);
	le_put(b, at + 2, len, 1);
	le_put(b, at + 3, type, 1);
	le_put(b, at + 4, bar, 1);
	le_put(b, at + 8, off, 4);
	le_put(b, at + 12, n, 4);
}

static uint32_t bar0_low(const struct virtio_pci *vp)
{
	return vp->bar0_sizing ? ~(VIRTIO_PCI_BAR0_SIZE - 1) | BAR_MEM_64 :
				 (uint32_t)vp->id.bar0 | BAR_MEM_64;
}

static void cfg_image(const struct virtio_pci *vp, uint8_t *b)
{
	memset(b, 0, 0x100);
	le_put(b, 0x00, VIRTIO_PCI_VENDOR, 2);
	le_put(b, 0x02, VIRTIO_PCI_DEVICE_BASE + vp->id.device_id, 2);
	le_put(b, CFG_COMMAND, vp->command, 2);
	le_put(b, 0x06, STATUS_CAP_LIST, 2);
	le_put(b, 0x08, 1, 1); /* revision 1: a modern device (§4.1.2.1) */
	le_put(b, 0x09, vp->id.class_code, 3);
	le_put(b, CFG_BAR0, bar0_low(vp), 4);
	le_put(b, CFG_BAR0_HI, vp->bar0_hi_sizing ? ~0u : vp->id.bar0 >> 32, 4);
	le_put(b, CFG_BAR2,
	       vp->bar2_sizing ? ~(VIRTIO_PCI_BAR2_SIZE - 1) | BAR_IO :
				 (uint32_t)vp->id.bar2 | BAR_IO,
	       4);
	le_put(b, 0x2c, VIRTIO_PCI_VENDOR, 2);
	le_put(b, 0x2e, vp->id.device_id, 2);
	le_put(b, 0x34, CAP_COMMON, 1);
	vndr_cap(b, CAP_COMMON, CAP_NOTIFY, CAP_LEN, VIRTIO_PCI_CAP_COMMON_CFG,
		 0, VIRTIO_PCI_COMMON_OFF, VIRTIO_PCI_COMMON_LEN);
	vndr_cap(b, CAP_NOTIFY, CAP_ISR, CAP_NOTIFY_LEN,
		 VIRTIO_PCI_CAP_NOTIFY_CFG, 2, 0, VIRTIO_PCI_BAR2_SIZE);
	le_put(b, CAP_NOTIFY + 16, VIRTIO_PCI_NOTIFY_MULTIPLIER, 4);
	vndr_cap(b, CAP_ISR, CAP_DEVICE, CAP_LEN, VIRTIO_PCI_CAP_ISR_CFG, 0,
		 VIRTIO_PCI_ISR_OFF, VIRTIO_PCI_ISR_LEN);
	vndr_cap(b, CAP_DEVICE, CAP_PCI_CFG, CAP_LEN, VIRTIO_PCI_CAP_DEVICE_CFG,
		 0, VIRTIO_PCI_DEVCFG_OFF, vp->id.devcfg_len);
	vndr_cap(b, CAP_PCI_CFG, CAP_MSIX, CAP_PCI_CFG_LEN,
		 VIRTIO_PCI_CAP_PCI_CFG, vp->cfg_cap_bar, vp->cfg_cap_off,
		 vp->cfg_cap_len);
	le_put(b, CAP_MSIX, PCI_CAP_ID_MSIX, 1);
	le_put(b, MSIX_CTRL, msix_ctrl_read(&vp->msix), 2);
	le_put(b, CAP_MSIX + 4, VIRTIO_PCI_MSIX_TABLE_OFF, 4); /* BIR 0 */
	le_put(b, CAP_MSIX + 8, VIRTIO_PCI_MSIX_PBA_OFF, 4);
}

/* The PCI configuration access capability (§4.1.4.9): an access of
 * cap.length bytes at cap.offset in BAR cap.bar, through pci_cfg_data. */
static bool cfg_cap_access(struct virtio_pci *vp, bool write, uint32_t *val)
{
	uint8_t n = (uint8_t)vp->cfg_cap_len;

	if (n != 1 && n != 2 && n != 4)
		return false;
	if (vp->cfg_cap_bar == 0 && write)
		virtio_pci_bar0_write(vp, vp->cfg_cap_off, n, *val);
	else if (vp->cfg_cap_bar == 0)
		*val = (uint32_t)virtio_pci_bar0_read(vp, vp->cfg_cap_off, n);
	else if (vp->cfg_cap_bar == 2 && write)
		virtio_pci_bar2_write(vp, vp->cfg_cap_off, n, *val);
	else if (vp->cfg_cap_bar == 2)
		*val = virtio_pci_bar2_read(vp, vp->cfg_cap_off, n);
	else
		return false;
	return true;
}

uint32_t virtio_pci_cfg_read(struct virtio_pci *vp, uint16_t off, uint8_t size)
{
	uint8_t img[0x100];
	uint32_t val = 0;

	if (size != 1 && size != 2 && size != 4)
		return ~0u;
	if (off >= 0x100 || size > 0x100 - off)
		return 0; /* no extended capabilities */
	if (off == PCI_CFG_DATA && size == 4)
		return cfg_cap_access(vp, false, &val) ? val : 0;
	cfg_image(vp, img);
	return (uint32_t)le_get(img, off, size);
}

/* A BAR written whole: all ones asks for its size (PCI 3.0 §6.2.5.1);
 * any other value leaves it where corral put it (docs/virtio.md). */
static void write_bar(struct virtio_pci *vp, uint16_t off, uint32_t val)
{
	bool sizing = val == ~0u;

	if (off == CFG_BAR0)
		vp->bar0_sizing = sizing;
	else if (off == CFG_BAR0_HI)
		vp->bar0_hi_sizing = sizing;
	else if (off == CFG_BAR2)
		vp->bar2_sizing = sizing;
}

void virtio_pci_cfg_write(struct virtio_pci *vp, uint16_t off, uint8_t size,
			  uint32_t val)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		return;
	if (off <= CFG_COMMAND + 1 && off + size > CFG_COMMAND) {
		vp->command = (uint16_t)(le_merge(vp->command, CFG_COMMAND, 2,
						  off, size, val) &
					 CMD_WRITABLE);
		msix_set_blocked(&vp->msix, !(vp->command & CMD_MASTER));
	} else if ((off == CFG_BAR0 || off == CFG_BAR0_HI || off == CFG_BAR2) &&
		   size == 4) {
		write_bar(vp, off, val);
	} else if (off == PCI_CFG_BAR && size == 1) {
		vp->cfg_cap_bar = (uint8_t)val;
	} else if (off == PCI_CFG_OFFSET && size == 4) {
		vp->cfg_cap_off = val;
	} else if (off == PCI_CFG_LENGTH && size == 4) {
		vp->cfg_cap_len = val;
	} else if (off == PCI_CFG_DATA && size == 4) {
		cfg_cap_access(vp, true, &val);
	} else if (off == MSIX_CTRL && size == 2) {
		msix_ctrl_write(&vp->msix, (uint16_t)val);
	}
}

int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_id *id,
		    const struct virtio_pci_ops *ops, void *ctx)
{
	if (!id->nr_queues || id->nr_queues > VIRTIO_PCI_MAX_QUEUES ||
	    !power_of_2(id->queue_max) ||
	    id->devcfg_len > VIRTIO_PCI_DEVCFG_MAX ||
	    (id->bar0 & (VIRTIO_PCI_BAR0_SIZE - 1)) ||
	    (id->bar2 & (VIRTIO_PCI_BAR2_SIZE - 1)) || !ops || !ops->reset ||
	    !ops->driver_ok || !ops->notify || !ops->msi || !ops->cfg_read)
		return -1;
	memset(vp, 0, sizeof(*vp));
	vp->id = *id;
	vp->ops = ops;
	vp->ctx = ctx;
	msix_init(&vp->msix, nr_vectors(vp), send_msi, vp);
	msix_set_blocked(&vp->msix, true); /* bus mastering is off */
	reset_state(vp);
	return 0;
}
