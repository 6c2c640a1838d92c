/* SPDX-License-Identifier: MIT */
/*
 * The host's PCI devices: configuration access (ECAM from the MCFG, else
 * mechanism #1), enumeration across bridges, and device resets.
 */
#ifndef CORRAL_PCI_H
#define CORRAL_PCI_H
#include <stdbool.h>
#include <stdint.h>
#include <host/pci_bars.h>

#define PCI_MAX_DEVICES 64
#define PCI_NO_BRIDGE 0xffff /* parent_bridge of a root bus function */
#define PCI_BDF(bus, devfn) (((uint16_t)(bus) << 8) | (devfn))
#define PCI_DEVFN(dev, fn) ((uint8_t)(((dev) << 3) | (fn)))

#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_PRIMARY_BUS 0x18
#define PCI_SECONDARY_BUS 0x19
#define PCI_SUBORDINATE_BUS 0x1a
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_BRIDGE_CONTROL 0x3e
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_BRIDGE_CTL_BUS_RESET 0x40
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_EXP 0x10
#define PCI_CAP_ID_MSIX 0x11

struct vm;

struct pci_device {
	uint16_t bdf;
	uint16_t vendor, device;
	uint32_t class_rev;
	uint16_t parent_bridge; /* BDF of the bridge above, or PCI_NO_BRIDGE */
	bool is_bridge;
	struct vm *owner;
	/* The BARs as the firmware laid them out, recorded once at boot:
	 * what every reset and restart writes back, whatever the device
	 * reports by then (a soft reset or a hostile guest may zero them). */
	uint32_t bar_raw[PCI_NR_BARS];
	uint8_t irq_line; /* Interrupt Line as the firmware routed it */
	struct pci_bar_rec bars[PCI_NR_BARS];
	/* Its isolation group (host/pci_groups.h), computed at boot: the
	 * index of the group's first function, why it has company, and the
	 * requester ID its DMA and MSIs reach the IOMMU with. */
	unsigned group;
	unsigned group_why;
	uint16_t dma_alias;
};

void pci_init(uint64_t rsdp);
/* Writes the recorded BARs back; logs it when the device had others. */
void pci_restore_bars(struct pci_device *d);
/* Calls fn for every recorded BAR of every function. */
void pci_for_each_bar(void (*fn)(void *ctx, const struct pci_device *d,
				 unsigned i, const struct pci_bar_rec *bar),
		      void *ctx);
/* Calls fn for every function of d's isolation group but its bridges,
 * d included. */
void pci_for_each_in_group(const struct pci_device *d,
			   void (*fn)(void *ctx, const struct pci_device *m),
			   void *ctx);
/* The host's ECAM window [*start, *end), if corral uses one. */
bool pci_ecam_window(uint64_t *start, uint64_t *end);
uint32_t pci_read(uint16_t bdf, uint16_t off, uint8_t size);
void pci_write(uint16_t bdf, uint16_t off, uint8_t size, uint32_t val);
struct pci_device *pci_find(uint16_t bdf);
/* Offset of a capability, or 0. */
uint8_t pci_find_cap(uint16_t bdf, uint8_t id);
/* Parses "SSSS:BB:DD.F" (or "BB:DD.F"): 0, or -EINVAL. */
int pci_parse_bdf(const char *s, uint16_t *bdf);
/* Formats "BB:DD.F" into buf[8]. */
const char *pci_bdf_str(uint16_t bdf, char buf[8]);
/* Function-level reset, else PM D3hot->D0, else a secondary bus reset
 * (when every other function it resets belongs to `vm` or to nobody),
 * else a device-specific reset; then the recorded BARs go back. 0 with
 * *method naming the one used, or -ENOTSUP when the device has no reset
 * method. */
int pci_reset(struct pci_device *d, const struct vm *vm, const char **method);
bool pci_uses_ecam(void);
uint64_t pci_ecam_base(void);

#endif
