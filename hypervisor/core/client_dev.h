/* SPDX-License-Identifier: MIT */
/*
 * A client VM's virtio devices (docs/virtio.md): the virtio-pci transport
 * (vdev/virtio_pci.c) on the VM's PCI bus, its BARs and its interrupts,
 * served through the backend driver VM's channel (core/vm_channel.c).
 * What differs between a network and a block device (its ID, features,
 * configuration fields, what "served" shows) is a struct client_dev_type
 * (core/virtio_net.c, core/virtio_blk.c).
 *
 * When the driver sets DRIVER_OK, the backend's channel gets the device:
 * the client's RAM appears in its window, and each kick becomes an MSI
 * there. A reset, or the client VM's stop, takes the window away before
 * the client may reuse its memory.
 *
 * A VM's devices are numbered i = 0.. over its virtio-net nodes, then its
 * virtio-blk nodes. Device i sits at 00:(16 + i).0, BAR0 at
 * VIRTIO_MMIO_BASE + i * 16 KiB, BAR2 at VIRTIO_PIO_BASE + i * 64 ports.
 */
#ifndef CORRAL_CLIENT_DEV_H
#define CORRAL_CLIENT_DEV_H
#include <guest/config.h>
#include <host/spinlock.h>
#include <stdbool.h>
#include <stdint.h>
#include <vdev/virtio_pci.h>

#define VIRTIO_MMIO_BASE 0xd0000000ull
#define VIRTIO_PIO_BASE 0xe000u
#define VIRTIO_FIRST_SLOT 16
#define CLIENT_DEVS_MAX (CONFIG_MAX_NET + CONFIG_MAX_BLK)

struct vm;
struct client_dev;
struct channel_slot;
struct guest_acpi_params;

struct client_dev_type {
	const char *name; /* "virtio-net", for the log */
	uint16_t device_id;
	uint32_t class_code;
	uint32_t slot_type; /* CH_TYPE_* */
	uint16_t nr_queues, queue_max, devcfg_len;
	uint64_t (*features)(const struct client_dev *d);
	/* The device configuration (virtio_pci_ops.cfg_read), under d->lock. */
	uint32_t (*cfg_read)(struct client_dev *d, uint32_t off, uint8_t size);
	/* Type-specific fields of the slot the backend reads. May be NULL. */
	void (*slot_info)(const struct client_dev *d, struct channel_slot *s);
	/* Under d->lock: the backend's mapper now serves the device; the
	 * backend found the device broken. May be NULL. */
	void (*served)(struct client_dev *d);
	void (*unserved)(struct client_dev *d);
	const char *served_note; /* ends the "served by" line of the log */
};

struct client_dev {
	/* The device's state is reached from the client's exits (under its
	 * vm->lock too) and from its backend's hypercalls: one at a time. */
	struct spinlock lock;
	struct virtio_pci vp;
	struct vm *vm;
	const struct client_dev_type *type;
	const struct backend_ref *ref;
	const struct net_config *net; /* one of these, by type */
	const struct blk_config *blk;
	uint32_t index;
	bool served; /* in its backend's channel (live, or waiting to be) */
	bool broken; /* its backend found a malformed ring: no more kicks */
	uint64_t times_broken; /* since the VM started: for the log */
	uint64_t kicks;
	char label[24]; /* its MAC or export, for the log */
	/* Type state. */
	uint16_t link_status;	/* virtio-net */
	uint64_t capacity_seen; /* virtio-blk: what the driver last read */
};

extern const struct client_dev_type virtio_net_type;
extern const struct client_dev_type virtio_blk_type;

/* Puts the VM's configured devices on its bus (each build of the VM: a
 * fresh device, as after a power cycle). 0, or a negative errno after the
 * error was reported naming the device's node. */
int client_devs_attach(struct vm *vm);
/* The VM stopped: its devices leave their backends' channels (before its
 * memory is scrubbed or reused). */
void client_devs_release(struct vm *vm);
/* Their BARs in the root bridge's windows. */
void client_devs_acpi_params(struct vm *vm, struct guest_acpi_params *ap);

/* The driver VM that serves d, or NULL if it is not there. */
struct vm *client_dev_backend(const struct client_dev *d);
/* Queue q's interrupt, for the backend that used it (any pCPU): false if
 * the device is not live or has no such queue. */
bool client_dev_interrupt(struct client_dev *d, uint16_t q);
/* The backend's mapper serves the device (HC_CHANNEL_ACK). */
void client_dev_served(struct client_dev *d);
/* The backend (vm `by`) found queue q's ring malformed in live generation
 * `gen` of the device's slot: the device needs a reset
 * (DEVICE_NEEDS_RESET), kicks stop, and the log names the client. False,
 * and nothing done, when the slot has moved on from `gen`. */
bool client_dev_broken(struct client_dev *d, uint16_t q, const char *by,
		       uint32_t gen);
/* The device configuration changed (under d->lock): its interrupt, if
 * the driver is there to hear it. */
void client_dev_config_changed(struct client_dev *d);
/* A virtio-blk device's backend reported its export's size: the driver
 * hears of it if it read another. */
void client_dev_capacity_changed(struct client_dev *d);

#endif
