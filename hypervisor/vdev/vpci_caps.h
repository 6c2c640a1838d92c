/* SPDX-License-Identifier: MIT */
/*
 * Internal to the virtual PCI function model: what vpci.c and vpci_caps.c
 * (the capability list: MSI, MSI-X, PCIe, PM) share. Users of the model
 * include vdev/vpci.h only.
 */
#ifndef CORRAL_VDEV_VPCI_CAPS_H
#define CORRAL_VDEV_VPCI_CAPS_H
#include <vdev/vpci.h>

static inline uint32_t vpci_dev_read(const struct vpci_dev *d, uint16_t off,
				     uint8_t size)
{
	return d->ops->read(d->ctx, off, size);
}

static inline void vpci_dev_write(const struct vpci_dev *d, uint16_t off,
				  uint8_t size, uint32_t val)
{
	d->ops->write(d->ctx, off, size, val);
}

/* old with the bytes that wmask selects taken from v. */
static inline uint32_t vpci_merge(uint32_t old, uint32_t v, uint32_t wmask)
{
	return (old & ~wmask) | (v & wmask);
}

/* Walks the device's list from `ptr` (its 0x34); BARs must be sized. */
void vpci_caps_init(struct vpci_dev *d, uint8_t ptr);
/* The guest's view of the dword at dw (0x40-0xff). */
uint32_t vpci_caps_read(const struct vpci_dev *d, uint16_t dw);
/* A guest write of the wmask bytes of v to the dword at dw (0x40-0xff). */
void vpci_caps_write(struct vpci_dev *d, uint16_t dw, uint32_t v,
		     uint32_t wmask);
/* After a reset: rewrite PCIe Device Control (2); replay MSI/MSI-X state. */
void vpci_caps_restore(struct vpci_dev *d);
void vpci_caps_replay(struct vpci_dev *d);

#endif
