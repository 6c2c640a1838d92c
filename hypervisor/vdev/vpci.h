/* SPDX-License-Identifier: MIT */
/*
 * The virtual configuration space of one assigned PCI function, and the
 * read-only virtual host bridge at 00:00.0.
 *
 * The hypervisor's conf1 (0xcf8/0xcfc) and ECAM handlers call vpci_read()
 * and vpci_write() with the guest's (offset, size); the model decides what
 * the guest sees and which writes reach the real function, which it reads
 * and writes only through struct vpci_host_ops. The guest is hostile: a
 * write that would change host state beyond the function's own operation
 * never reaches the device. docs/virtual-pci.md has the register-by-register
 * policy and the reasons.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 */
#ifndef CORRAL_VPCI_H
#define CORRAL_VPCI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPCI_NR_BARS 6
#define VPCI_CFG_SIZE 0x1000 /* PCIe extended configuration space */
#define VPCI_CFG_LEGACY_SIZE 0x100
#define VPCI_CAPS_START 0x40 /* capabilities: 0x40-0xff (PCI 3.0 §6.7) */

/* Capability IDs (PCI Code and ID Assignment spec, PCI 3.0 §6.7). */
#define VPCI_CAP_ID_PM 0x01
#define VPCI_CAP_ID_MSI 0x05
#define VPCI_CAP_ID_VNDR 0x09
#define VPCI_CAP_ID_PCIE 0x10
#define VPCI_CAP_ID_MSIX 0x11

/* vpci_dev_init() results. */
#define VPCI_OK 0
#define VPCI_ENODEV (-1)  /* vendor ID 0xffff: nothing answers */
#define VPCI_EBRIDGE (-2) /* not a type 0 header: bridges are not assignable */
#define VPCI_EBAR (-3)	  /* a 64-bit BAR in slot 5, or a reserved BAR type */
#define VPCI_EINVAL (-4)  /* NULL arguments or ops without read/write */

/* The virtual host bridge's identity (see docs/virtual-pci.md). */
#define VPCI_HOST_BRIDGE_VENDOR 0x1234u
#define VPCI_HOST_BRIDGE_DEVICE 0xc0a1u

struct vpci_host_ops {
	/* Config accesses to the real function; off is aligned to size. */
	uint32_t (*read)(void *ctx, uint16_t off, uint8_t size);
	void (*write)(void *ctx, uint16_t off, uint8_t size, uint32_t val);
	/*
	 * The guest enabled/changed/disabled MSI: the hypervisor reprograms
	 * the real registers (remappable format) itself through write().
	 * May be NULL.
	 */
	void (*msi_changed)(void *ctx, bool enabled, uint64_t addr,
			    uint32_t data, unsigned nvec);
	/* The guest's MSI-X Enable/Function Mask changed. May be NULL. */
	void (*msix_control)(void *ctx, bool enabled, bool masked);
};

struct vpci_bar {
	uint64_t addr; /* host-assigned = guest-physical (corral maps 1:1) */
	uint64_t size;
	bool io, is64, prefetch, present;
};

/* One capability the guest may see, in the device's chain order. */
struct vpci_cap {
	uint8_t off; /* offset in config space (same for host and guest) */
	uint8_t len; /* its bytes; the rest of 0x40-0xff reads 0 */
	uint8_t id;
	uint8_t next; /* the rewritten next pointer */
};

#define VPCI_MAX_CAPS 4 /* PM, MSI, PCIe, MSI-X: at most one of each */

/* The guest's MSI registers (PCI 3.0 §6.8.1), all virtual. */
struct vpci_msi {
	uint16_t ctrl_ro; /* the device's read-only bits: MMC, 64-bit, PVM */
	bool enabled;
	uint8_t mme; /* log2 of the vectors enabled */
	uint32_t addr_lo, addr_hi;
	uint16_t data;
	uint32_t mask; /* per-vector mask bits, if the device has them */
};

struct vpci_msix {
	uint16_t ctrl_ro;     /* table size */
	uint32_t table;	      /* Table Offset/BIR register */
	uint32_t pba;	      /* PBA Offset/BIR register */
	bool enabled, masked; /* the guest's view */
};

struct vpci_dev {
	const struct vpci_host_ops *ops;
	void *ctx;

	struct vpci_bar bar[VPCI_NR_BARS];
	uint32_t bar_raw[VPCI_NR_BARS];	   /* the host's register values */
	uint32_t bar_shadow[VPCI_NR_BARS]; /* the guest's writes, per dword */

	uint16_t cmd_guest; /* the guest's command register, every bit */
	uint16_t cmd_dev;   /* what the device's command register holds */
	uint8_t cache_line, latency; /* virtual */
	uint8_t intline;	     /* virtual interrupt line */

	uint8_t cap_first; /* what 0x34 reads */
	uint8_t nr_caps;
	struct vpci_cap caps[VPCI_MAX_CAPS];
	uint8_t pm_off, msi_off, pcie_off, msix_off; /* 0: absent */
	uint8_t pcie_ver;

	uint16_t devctl_dev, devctl2_dev; /* PCIe Device Control (2) values */
	uint16_t devctl_guest; /* the guest's error reporting enables */
	struct vpci_msi msi;
	struct vpci_msix msix;

	/* D3hot->D0 reset the function; restore it before the next access. */
	bool restore_pending;
};

/*
 * Reads the function through ops (it must be quiescent: no DMA, MSI/MSI-X
 * off), sizes its BARs the standard way (all-ones, read back, restore;
 * PCI 3.0 §6.2.5.1) with memory/I/O decoding off meanwhile, and walks the
 * capability list. The interrupt line starts as 0xff. Returns VPCI_OK or a
 * negative VPCI_E* value.
 */
int vpci_dev_init(struct vpci_dev *d, const struct vpci_host_ops *ops,
		  void *ctx);

/*
 * A guest access to offset `off` of the function's config space. Sizes
 * 1, 2 and 4 at any offset that keeps the access within one dword; any
 * other access reads all-ones or is dropped.
 */
uint32_t vpci_read(struct vpci_dev *d, uint16_t off, uint8_t size);
void vpci_write(struct vpci_dev *d, uint16_t off, uint8_t size, uint32_t val);

/* BAR i (0-5), or NULL if i is out of range. Check ->present. */
const struct vpci_bar *vpci_bar(const struct vpci_dev *d, unsigned i);

/* Where the MSI-X table and PBA live (BAR index + offset), if any. */
bool vpci_msix_location(const struct vpci_dev *d, unsigned *bir,
			uint32_t *table_off, unsigned *nr_entries,
			unsigned *pba_bir, uint32_t *pba_off);

/* The guest's current MSI registers, or false if the device has no MSI. */
bool vpci_msi_state(const struct vpci_dev *d, struct vpci_msi *out);

/* The config offset of capability `id` if the guest sees it, else 0. */
uint8_t vpci_cap_offset(const struct vpci_dev *d, uint8_t id);

/* Sets the virtual interrupt line register (0x3c). */
void vpci_set_intline(struct vpci_dev *d, uint8_t line);

/*
 * Rewrites the host-owned state (BARs, command, PCIe Device Control) to the
 * device after it was reset, and replays msi_changed()/msix_control() if
 * the guest has them enabled, so the hypervisor reprograms the real vectors.
 * The model does this itself after a guest D3hot->D0 transition of a
 * function without No_Soft_Reset; the hypervisor calls it after resets it
 * does itself.
 */
void vpci_dev_restore(struct vpci_dev *d);

/* The virtual host bridge at 00:00.0: a read-only type 0 header, class
 * 06/00/00. */
uint32_t vpci_host_bridge_read(uint16_t off, uint8_t size);

#endif
