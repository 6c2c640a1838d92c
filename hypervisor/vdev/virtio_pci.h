/* SPDX-License-Identifier: MIT */
/*
 * A virtio 1.x PCI function, modern transport only (virtio 1.2 §4.1): the
 * device a client VM's stock virtio_net or virtio_blk drives. This is the
 * transport; what the device does (its rings, its configuration fields)
 * is behind struct virtio_pci_ops.
 *
 * What the guest sees (docs/virtio.md has the whole layout and why):
 *  - configuration space: vendor 0x1af4, device 0x1040 + the virtio
 *    device ID, revision 1, no INTx pin, capabilities for the common
 *    configuration, notifications, ISR status, the device configuration,
 *    PCI configuration access, and MSI-X;
 *  - BAR0, 16 KiB of memory (64-bit): common configuration at 0x0000, ISR
 *    at 0x1000, device configuration at 0x2000, the MSI-X table at 0x3000
 *    and its pending bits at 0x3800;
 *  - BAR2, 64 I/O ports: queue q's notification is a 16-bit write at port
 *    2 * q. An I/O exit says port, size and value: no instruction decoding
 *    on the hot path.
 *
 * The guest is hostile: every register takes any value at any time, and
 * nothing it writes reaches beyond this model or the ops.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests
 * (unit.virtio_pci).
 */
#ifndef CORRAL_VDEV_VIRTIO_PCI_H
#define CORRAL_VDEV_VIRTIO_PCI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vdev/msix.h>

#define VIRTIO_PCI_VENDOR 0x1af4u
#define VIRTIO_PCI_DEVICE_BASE 0x1040u /* + the virtio device ID (§4.1.2.1) */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2

/* Feature bits (§6, §5.1.3). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_BIT(b) (1ull << (b))

/* device_status (§2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

#define VIRTIO_MSI_NO_VECTOR 0xffff
#define VIRTIO_PCI_MAX_QUEUES 16
#define VIRTIO_PCI_MAX_VECTORS (VIRTIO_PCI_MAX_QUEUES + 1)

/* BAR0 layout. */
#define VIRTIO_PCI_BAR0_SIZE 0x4000u
#define VIRTIO_PCI_COMMON_OFF 0x0000u
#define VIRTIO_PCI_COMMON_LEN 0x0040u
#define VIRTIO_PCI_ISR_OFF 0x1000u
#define VIRTIO_PCI_ISR_LEN 0x0001u
#define VIRTIO_PCI_DEVCFG_OFF 0x2000u
#define VIRTIO_PCI_DEVCFG_MAX 0x0100u
#define VIRTIO_PCI_MSIX_TABLE_OFF 0x3000u
#define VIRTIO_PCI_MSIX_PBA_OFF 0x3800u
/* BAR2: notifications. */
#define VIRTIO_PCI_BAR2_SIZE 0x40u
#define VIRTIO_PCI_NOTIFY_MULTIPLIER 2u

/* ISR status bits (§4.1.4.5). */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

struct virtio_pci_ops {
	/* The driver set DRIVER_OK: the queues it enabled are live. */
	void (*driver_ok)(void *ctx);
	/* The driver wrote 0 to device_status. The device stops using the
	 * queues and the guest's memory, then calls virtio_pci_reset_done()
	 * (now or later); until then the guest reads the old status. */
	void (*reset)(void *ctx);
	/* The driver notified queue q (a "kick"), after DRIVER_OK only. */
	void (*notify)(void *ctx, uint16_t q);
	/* Send this MSI (the device writes `data` at `addr`). */
	void (*msi)(void *ctx, uint64_t addr, uint32_t data);
	/* The device configuration (BAR0 + VIRTIO_PCI_DEVCFG_OFF), `size`
	 * bytes at `off`, inside devcfg_len. cfg_write may be NULL. */
	uint32_t (*cfg_read)(void *ctx, uint32_t off, uint8_t size);
	void (*cfg_write)(void *ctx, uint32_t off, uint8_t size, uint32_t val);
};

struct virtio_queue {
	uint16_t size;	 /* the driver's choice, a power of 2 <= max */
	uint16_t vector; /* MSI-X entry or VIRTIO_MSI_NO_VECTOR */
	bool enabled;	 /* queue_enable written 1 */
	uint64_t desc;	 /* descriptor table */
	uint64_t driver; /* available ring */
	uint64_t device; /* used ring */
};

/* What a device is: fixed at init. */
struct virtio_pci_id {
	uint16_t device_id;  /* VIRTIO_ID_* */
	uint32_t class_code; /* e.g. 0x020000 (Ethernet) */
	uint64_t features;   /* what the device offers */
	uint16_t nr_queues;  /* <= VIRTIO_PCI_MAX_QUEUES */
	uint16_t queue_max;  /* largest queue size, a power of 2 */
	uint16_t devcfg_len; /* <= VIRTIO_PCI_DEVCFG_MAX */
	uint64_t bar0;	     /* guest-physical, 16 KiB aligned */
	uint16_t bar2;	     /* I/O port base, 64 aligned */
};

struct virtio_pci {
	struct virtio_pci_id id;
	const struct virtio_pci_ops *ops;
	void *ctx;

	/* PCI configuration space. */
	uint16_t command;
	bool bar0_sizing, bar0_hi_sizing, bar2_sizing; /* all-ones written */
	uint8_t cfg_cap_bar; /* the PCI configuration access cap */
	uint32_t cfg_cap_off, cfg_cap_len;

	/* Common configuration. */
	uint32_t device_feature_select, driver_feature_select;
	uint64_t driver_features;
	uint8_t status;
	bool reset_pending; /* 0 written, the device not done yet */
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t msix_config;
	struct virtio_queue q[VIRTIO_PCI_MAX_QUEUES];
	uint8_t isr;

	struct msix msix; /* one vector per queue and one for config */
};

/* 0, or -1 if the id is out of range (a programming error). */
int virtio_pci_init(struct virtio_pci *vp, const struct virtio_pci_id *id,
		    const struct virtio_pci_ops *ops, void *ctx);

/* PCI configuration space: `size` 1, 2 or 4 bytes at `off` (< 0x1000). */
uint32_t virtio_pci_cfg_read(struct virtio_pci *vp, uint16_t off, uint8_t size);
void virtio_pci_cfg_write(struct virtio_pci *vp, uint16_t off, uint8_t size,
			  uint32_t val);

/* BAR0 (memory) and BAR2 (I/O), at their offsets; all ones/ignored while
 * the command register does not decode them. */
uint64_t virtio_pci_bar0_read(struct virtio_pci *vp, uint32_t off,
			      uint8_t size);
void virtio_pci_bar0_write(struct virtio_pci *vp, uint32_t off, uint8_t size,
			   uint64_t val);
uint32_t virtio_pci_bar2_read(struct virtio_pci *vp, uint32_t off,
			      uint8_t size);
void virtio_pci_bar2_write(struct virtio_pci *vp, uint32_t off, uint8_t size,
			   uint32_t val);

/* The device used queue q: its interrupt (MSI-X vector, or pending). */
void virtio_pci_queue_interrupt(struct virtio_pci *vp, uint16_t q);
/* The device configuration changed: a new generation and its interrupt. */
void virtio_pci_config_changed(struct virtio_pci *vp);
/* The device cannot go on (a malformed ring): DEVICE_NEEDS_RESET and a
 * configuration interrupt (§2.1.2). */
void virtio_pci_needs_reset(struct virtio_pci *vp);
/* The device finished the reset the driver asked for: status reads 0. */
void virtio_pci_reset_done(struct virtio_pci *vp);

/* Negotiated features, once FEATURES_OK stands. */
static inline uint64_t virtio_pci_features(const struct virtio_pci *vp)
{
	return (vp->status & VIRTIO_STATUS_FEATURES_OK) ? vp->driver_features :
							  0;
}

static inline bool virtio_pci_live(const struct virtio_pci *vp)
{
	return (vp->status & VIRTIO_STATUS_DRIVER_OK) && !vp->reset_pending &&
	       !(vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

#endif
