// SPDX-License-Identifier: MIT
/*
 * The virtual config space of one assigned function (see vpci.h and
 * docs/virtual-pci.md): the type 0 header, the BARs, the dispatch of
 * every access, and the virtual host bridge. Capabilities are in
 * vpci_caps.c.
 *
 * Every guest access is turned into one dword-level operation: a read
 * builds the guest-visible dword at the aligned offset and extracts the
 * bytes asked for; a write becomes (dword, value, byte mask) and each
 * register handler looks only at the bytes the guest wrote. The device is
 * read with aligned dword accesses and written with the width of the real
 * register (16 bits for command, status, PMCSR, Device Control (2)).
 *
 * References: PCI Local Bus 3.0 (header §6.1-6.2, BAR sizing §6.2.5.1,
 * capabilities §6.7, MSI §6.8.1, MSI-X §6.8.2), PCI Bus Power Management
 * Interface 1.2 (§3.2), PCI Express Base 4.0 (§7.5.1 header, §7.5.3 PCI
 * Express Capability).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vdev/vpci_caps.h>

/* Type 0 header offsets (PCI 3.0 §6.1, Figure 6-1). */
#define CFG_VENDOR 0x00
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_CLASS_REV 0x08
#define CFG_CACHE_LINE 0x0c
#define CFG_HEADER_TYPE 0x0e
#define CFG_BAR0 0x10
#define CFG_BAR5 0x24
#define CFG_CARDBUS_CIS 0x28
#define CFG_SUBSYSTEM 0x2c
#define CFG_ROM 0x30
#define CFG_CAP_PTR 0x34
#define CFG_INT_LINE 0x3c

#define VENDOR_NONE 0xffffu
#define HEADER_TYPE_MASK 0x7f
#define HEADER_MULTI_FN 0x80
#define HEADER_TYPE_NORMAL 0x00

/* Command register (PCI 3.0 §6.2.2; PCIe 4.0 §7.5.1.1.3). */
#define CMD_IO (1u << 0)
#define CMD_MEMORY (1u << 1)
#define CMD_MASTER (1u << 2)
#define CMD_INTX_DISABLE (1u << 10)
#define CMD_DECODE (CMD_IO | CMD_MEMORY)
/* SERR# Enable (bit 8) and Parity Error Response (bit 6) stay the host's:
 * a guest that sets them could raise platform errors (SERR# becomes an NMI
 * or a machine check on many chipsets); the guest reads back its own. */
#define CMD_GUEST_FWD (CMD_IO | CMD_MEMORY | CMD_MASTER | CMD_INTX_DISABLE)

/* Status register (PCI 3.0 §6.2.3): capability list, RW1C error bits. */
#define STS_CAP_LIST (1u << 4)
#define STS_MASTER_PARITY (1u << 8)
#define STS_SIG_TARGET_ABORT (1u << 11)
#define STS_RCV_TARGET_ABORT (1u << 12)
#define STS_RCV_MASTER_ABORT (1u << 13)
#define STS_SIG_SYSTEM_ERROR (1u << 14)
#define STS_DETECTED_PARITY (1u << 15)
#define STS_RW1C                                                           \
	(STS_MASTER_PARITY | STS_SIG_TARGET_ABORT | STS_RCV_TARGET_ABORT | \
	 STS_RCV_MASTER_ABORT | STS_SIG_SYSTEM_ERROR | STS_DETECTED_PARITY)

/* Base address registers (PCI 3.0 §6.2.5.1). */
#define BAR_IO (1u << 0)
#define BAR_IO_ADDR_MASK 0xfffffffcu
#define BAR_MEM_TYPE_SHIFT 1
#define BAR_MEM_TYPE_MASK 3u
#define BAR_MEM_TYPE_32 0
#define BAR_MEM_TYPE_64 2
#define BAR_MEM_64 (BAR_MEM_TYPE_64 << BAR_MEM_TYPE_SHIFT)
#define BAR_MEM_PREFETCH (1u << 3)
#define BAR_MEM_ADDR_MASK 0xfffffff0u
#define BAR_IO_HIGH_HALF 0xffff0000u /* may be hard-wired to 0 (§6.2.5.1) */

#define BYTE_BITS 8
#define DWORD_MASK 3u

/* The all-ones value of an access of `size` bytes. */
static uint32_t size_mask(uint8_t size)
{
	return size >= 4 ? 0xffffffffu : (1u << (size * BYTE_BITS)) - 1;
}

static bool access_ok(uint16_t off, uint8_t size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	if ((off & DWORD_MASK) + size > 4)
		return false;
	return off < VPCI_CFG_SIZE;
}

/* ---- BARs ---- */

/*
 * Sizes the BAR at `off`: writes all-ones, reads the mask back, restores.
 * Returns the mask; *raw gets the original value.
 */
static uint32_t probe_dword(struct vpci_dev *d, uint16_t off, uint32_t *raw)
{
	uint32_t mask;

	*raw = vpci_dev_read(d, off, 4);
	vpci_dev_write(d, off, 4, 0xffffffffu);
	mask = vpci_dev_read(d, off, 4);
	vpci_dev_write(d, off, 4, *raw);
	return mask;
}

static void size_io_bar(struct vpci_bar *b, uint32_t raw, uint32_t mask)
{
	uint32_t m = mask & BAR_IO_ADDR_MASK;

	if (!m)
		return;
	if (!(m & BAR_IO_HIGH_HALF))
		m |= BAR_IO_HIGH_HALF;
	b->present = true;
	b->io = true;
	b->addr = raw & BAR_IO_ADDR_MASK;
	b->size = m & -m; /* the lowest writable address bit */
}

/* Sizes memory BAR i (and its upper half); returns the dwords it used. */
static int size_mem_bar(struct vpci_dev *d, unsigned i, uint32_t raw,
			uint32_t mask)
{
	struct vpci_bar *b = &d->bar[i];
	unsigned type = (raw >> BAR_MEM_TYPE_SHIFT) & BAR_MEM_TYPE_MASK;
	uint64_t m = mask & BAR_MEM_ADDR_MASK;
	uint64_t addr = raw & BAR_MEM_ADDR_MASK;
	int used = 1;

	/* Types 1 (below 1 MiB, PCI 2.x) and 3 are reserved in PCI 3.0. */
	if (type != BAR_MEM_TYPE_32 && type != BAR_MEM_TYPE_64)
		return VPCI_EBAR;
	if (type == BAR_MEM_TYPE_64) {
		uint32_t hi_raw, hi_mask;

		if (i + 1 >= VPCI_NR_BARS)
			return VPCI_EBAR;
		hi_mask = probe_dword(d, CFG_BAR0 + 4 * (i + 1), &hi_raw);
		d->bar_raw[i + 1] = hi_raw;
		m |= (uint64_t)hi_mask << 32;
		addr |= (uint64_t)hi_raw << 32;
		used = 2;
	}
	if (m == 0)
		return used; /* no writable address bit: not implemented */
	b->present = true;
	b->is64 = type == BAR_MEM_TYPE_64;
	b->prefetch = raw & BAR_MEM_PREFETCH;
	b->addr = addr;
	b->size = m & -m; /* the lowest writable address bit */
	return used;
}

static int size_bars(struct vpci_dev *d)
{
	for (unsigned i = 0; i < VPCI_NR_BARS;) {
		uint32_t raw, mask = probe_dword(d, CFG_BAR0 + 4 * i, &raw);
		int used = 1;

		d->bar_raw[i] = raw;
		if (mask == 0)
			used = 1; /* unimplemented: reads 0 (§6.2.5.1) */
		else if (raw & BAR_IO)
			size_io_bar(&d->bar[i], raw, mask);
		else
			used = size_mem_bar(d, i, raw, mask);
		if (used < 0)
			return used;
		i += (unsigned)used;
	}
	return VPCI_OK;
}

/* The guest's view of BAR dword i: size mask while sizing or the address. */
static uint32_t bar_read(const struct vpci_dev *d, unsigned i)
{
	const struct vpci_bar *b = &d->bar[i];
	uint32_t type, addr, szmask;

	if (b->present && b->io) {
		type = BAR_IO;
		addr = (uint32_t)b->addr & BAR_IO_ADDR_MASK;
		szmask = (uint32_t) ~(b->size - 1) & BAR_IO_ADDR_MASK;
	} else if (b->present) {
		type = (b->is64 ? BAR_MEM_64 : 0) |
		       (b->prefetch ? BAR_MEM_PREFETCH : 0);
		addr = (uint32_t)b->addr & BAR_MEM_ADDR_MASK;
		szmask = (uint32_t) ~(b->size - 1) & BAR_MEM_ADDR_MASK;
	} else if (i > 0 && d->bar[i - 1].present && d->bar[i - 1].is64) {
		b = &d->bar[i - 1];
		type = 0;
		addr = (uint32_t)(b->addr >> 32);
		szmask = (uint32_t)(~(b->size - 1) >> 32);
	} else {
		return 0;
	}
	if ((d->bar_shadow[i] & szmask) == szmask)
		return szmask | type;
	return addr | type;
}

/* Writes never reach the device; they only move the sizing latch. */
static void bar_write(struct vpci_dev *d, unsigned i, uint32_t v,
		      uint32_t wmask)
{
	d->bar_shadow[i] = vpci_merge(d->bar_shadow[i], v, wmask);
}

static uint32_t header_read(const struct vpci_dev *d, uint16_t dw)
{
	uint32_t v;

	switch (dw) {
	case CFG_VENDOR:
	case CFG_CLASS_REV:
	case CFG_SUBSYSTEM:
		return vpci_dev_read(d, dw, 4);
	case CFG_COMMAND:
		v = vpci_dev_read(d, dw, 4) & ~((uint32_t)STS_CAP_LIST << 16);
		if (d->nr_caps)
			v |= (uint32_t)STS_CAP_LIST << 16;
		return (v & 0xffff0000u) | d->cmd_guest;
	case CFG_CACHE_LINE:
		/* Header type 0, single function; BIST not offered. */
		return d->cache_line | (uint32_t)d->latency << BYTE_BITS;
	case CFG_CAP_PTR:
		return d->cap_first;
	case CFG_INT_LINE:
		/* Interrupt Pin, Min_Gnt, Max_Lat from the device. */
		return (vpci_dev_read(d, dw, 4) & 0xffffff00u) | d->intline;
	default:
		if (dw >= CFG_BAR0 && dw <= CFG_BAR5)
			return bar_read(d, (dw - CFG_BAR0) / 4);
		return 0; /* CardBus CIS, ROM, reserved */
	}
}

static void command_write(struct vpci_dev *d, uint32_t v, uint32_t wmask)
{
	uint16_t status = (uint16_t)((v & wmask) >> 16) & STS_RW1C;
	uint16_t dev;

	if (wmask & 0xffffu) {
		d->cmd_guest =
			(uint16_t)vpci_merge(d->cmd_guest, v, wmask & 0xffffu);
		dev = (uint16_t)((d->cmd_dev & ~CMD_GUEST_FWD) |
				 (d->cmd_guest & CMD_GUEST_FWD));
		if (dev != d->cmd_dev) {
			vpci_dev_write(d, CFG_COMMAND, 2, dev);
			d->cmd_dev = dev;
		}
	}
	if (status)
		vpci_dev_write(d, CFG_STATUS, 2, status);
}

static void header_write(struct vpci_dev *d, uint16_t dw, uint32_t v,
			 uint32_t wmask)
{
	switch (dw) {
	case CFG_COMMAND:
		command_write(d, v, wmask);
		break;
	case CFG_CACHE_LINE:
		if (wmask & 0xffu)
			d->cache_line = (uint8_t)v;
		if (wmask & 0xff00u)
			d->latency = (uint8_t)(v >> BYTE_BITS);
		break;
	case CFG_INT_LINE:
		if (wmask & 0xffu)
			d->intline = (uint8_t)v;
		break;
	default:
		if (dw >= CFG_BAR0 && dw <= CFG_BAR5)
			bar_write(d, (dw - CFG_BAR0) / 4, v, wmask);
		break; /* identification, ROM, capability pointer: read-only */
	}
}

static uint32_t vread_dword(struct vpci_dev *d, uint16_t dw)
{
	if (dw >= VPCI_CFG_LEGACY_SIZE)
		return 0; /* no extended capabilities (PCIe 4.0 §7.6) */
	if (dw >= VPCI_CAPS_START)
		return vpci_caps_read(d, dw);
	return header_read(d, dw);
}

/* ---- public ---- */

int vpci_dev_init(struct vpci_dev *d, const struct vpci_host_ops *ops,
		  void *ctx)
{
	uint16_t cmd;
	uint32_t hdr;
	int rc;

	if (!d || !ops || !ops->read || !ops->write)
		return VPCI_EINVAL;
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->ctx = ctx;
	if ((vpci_dev_read(d, CFG_VENDOR, 4) & 0xffffu) == VENDOR_NONE)
		return VPCI_ENODEV;
	hdr = vpci_dev_read(d, CFG_CACHE_LINE, 4);
	if (((hdr >> 16) & HEADER_TYPE_MASK) != HEADER_TYPE_NORMAL)
		return VPCI_EBRIDGE;
	d->cache_line = (uint8_t)hdr;
	d->latency = (uint8_t)(hdr >> BYTE_BITS);

	/* Decoding off while the BARs hold all-ones (PCI 3.0 §6.2.5.1). */
	cmd = (uint16_t)vpci_dev_read(d, CFG_COMMAND, 2);
	if (cmd & CMD_DECODE)
		vpci_dev_write(d, CFG_COMMAND, 2, cmd & ~CMD_DECODE);
	rc = size_bars(d);
	if (cmd & CMD_DECODE)
		vpci_dev_write(d, CFG_COMMAND, 2, cmd);
	if (rc < 0)
		return rc;
	memcpy(d->bar_shadow, d->bar_raw, sizeof(d->bar_shadow));
	d->cmd_guest = d->cmd_dev = cmd;
	d->intline = 0xff;
	if (vpci_dev_read(d, CFG_STATUS, 2) & STS_CAP_LIST)
		vpci_caps_init(d, (uint8_t)vpci_dev_read(d, CFG_CAP_PTR, 1));
	return VPCI_OK;
}

uint32_t vpci_read(struct vpci_dev *d, uint16_t off, uint8_t size)
{
	uint32_t v;

	if (!access_ok(off, size))
		return 0xffffffffu;
	if (d->restore_pending)
		vpci_dev_restore(d);
	v = vread_dword(d, off & ~DWORD_MASK) >>
	    ((off & DWORD_MASK) * BYTE_BITS);
	return v & size_mask(size);
}

void vpci_write(struct vpci_dev *d, uint16_t off, uint8_t size, uint32_t val)
{
	unsigned shift = (off & DWORD_MASK) * BYTE_BITS;
	uint16_t dw = off & ~DWORD_MASK;
	uint32_t wmask, v;

	if (!access_ok(off, size))
		return;
	if (d->restore_pending)
		vpci_dev_restore(d);
	wmask = size_mask(size) << shift;
	v = (val << shift) & wmask;
	if (dw >= VPCI_CFG_LEGACY_SIZE)
		return;
	if (dw >= VPCI_CAPS_START)
		vpci_caps_write(d, dw, v, wmask);
	else
		header_write(d, dw, v, wmask);
}

const struct vpci_bar *vpci_bar(const struct vpci_dev *d, unsigned i)
{
	return i < VPCI_NR_BARS ? &d->bar[i] : NULL;
}

void vpci_set_intline(struct vpci_dev *d, uint8_t line)
{
	d->intline = line;
}

void vpci_dev_restore(struct vpci_dev *d)
{
	d->restore_pending = false;
	for (unsigned i = 0; i < VPCI_NR_BARS; i++) {
		const struct vpci_bar *b = &d->bar[i];

		if (!b->present)
			continue;
		vpci_dev_write(d, CFG_BAR0 + 4 * i, 4, d->bar_raw[i]);
		if (b->is64)
			vpci_dev_write(d, CFG_BAR0 + 4 * (i + 1), 4,
				       d->bar_raw[i + 1]);
	}
	/* Max_Payload_Size before bus mastering: it must match the link. */
	vpci_caps_restore(d);
	vpci_dev_write(d, CFG_COMMAND, 2, d->cmd_dev);
	vpci_caps_replay(d);
}

/* ---- the host bridge ---- */

#define HB_CLASS_BRIDGE_HOST 0x06000000u /* class 06, subclass 00, prog-if 00 */

uint32_t vpci_host_bridge_read(uint16_t off, uint8_t size)
{
	uint32_t v;

	if (!access_ok(off, size))
		return 0xffffffffu;
	switch (off & ~DWORD_MASK) {
	case CFG_VENDOR:
		v = VPCI_HOST_BRIDGE_VENDOR | VPCI_HOST_BRIDGE_DEVICE << 16;
		break;
	case CFG_CLASS_REV:
		v = HB_CLASS_BRIDGE_HOST;
		break;
	default:
		v = 0; /* type 0, no BARs, no capabilities, no interrupt */
		break;
	}
	return (v >> ((off & DWORD_MASK) * BYTE_BITS)) & size_mask(size);
}
