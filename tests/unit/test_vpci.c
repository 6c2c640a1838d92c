// SPDX-License-Identifier: MIT
/*
 * The virtual config space of an assigned function (hypervisor/vpci.c),
 * driven against fake devices: a config-space array plus a table of
 * writable BAR bits, which behaves like hardware (BARs keep their type
 * bits, status is RW1C, D3hot->D0 without No_Soft_Reset resets the BARs
 * and command) and logs every write the model makes.
 *
 * Devices: an e1000e-like one (82574L layout: PM 0xc8 -> MSI 0xd0 -> PCIe v1
 * 0xe0 -> MSI-X 0xa0 -> vendor 0xb0; a 32-bit, a 64-bit prefetchable, an
 * I/O and another 32-bit BAR, a ROM), an nvme-like one (64-bit BAR0, caps
 * vendor -> PM -> PCIe v2 -> MSI-X -> SATA, MSI-X only), a GPU-like one
 * with an 8 GiB BAR and no capabilities, a bridge, and malformed ones.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include <vdev/vpci.h>

#define LOG_MAX 4096

struct wlog {
	uint16_t off;
	uint8_t size;
	uint32_t val;
};

struct fake {
	uint8_t cfg[VPCI_CFG_SIZE];
	uint32_t bar_mask[VPCI_NR_BARS]; /* writable bits per BAR dword */
	uint32_t rom_mask;
	uint8_t pm_off, pcie_off;
	struct wlog log[LOG_MAX];
	unsigned nlog;
	bool sized_while_decoding;
	unsigned bad_align;
	unsigned resets;
	/* callbacks */
	unsigned msi_calls;
	bool msi_en;
	uint64_t msi_addr;
	uint32_t msi_data;
	unsigned msi_nvec;
	unsigned msix_calls;
	bool msix_en, msix_mask;
};

static uint32_t get(const struct fake *f, uint16_t off, uint8_t size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)f->cfg[off + i] << (8 * i);
	return v;
}

static void put(struct fake *f, uint16_t off, uint8_t size, uint32_t v)
{
	for (unsigned i = 0; i < size; i++)
		f->cfg[off + i] = (uint8_t)(v >> (8 * i));
}

static uint32_t f_read(void *ctx, uint16_t off, uint8_t size)
{
	struct fake *f = ctx;

	if (off % size || off + size > VPCI_CFG_SIZE) {
		f->bad_align++;
		return 0xffffffffu;
	}
	return get(f, off, size);
}

/* D3hot->D0 without No_Soft_Reset: an internal reset (PCI PM 1.2 §3.2.4). */
static void fake_soft_reset(struct fake *f)
{
	for (unsigned i = 0; i < VPCI_NR_BARS; i++) {
		uint16_t o = 0x10 + 4 * i;

		put(f, o, 4, get(f, o, 4) & ~f->bar_mask[i]);
	}
	put(f, 0x04, 2, 0);
	if (f->pcie_off)
		put(f, f->pcie_off + 8, 2, 0x2810);
	f->resets++;
}

static void f_pmcsr(struct fake *f, uint32_t val)
{
	uint16_t o = f->pm_off + 4;
	uint16_t cur = (uint16_t)get(f, o, 2);
	uint16_t nv = (uint16_t)((cur & 0x7ffc) | (val & 0x1f03));

	nv &= (uint16_t) ~(val & 0x8000); /* PME_Status RW1C */
	put(f, o, 2, nv);
	if ((cur & 3) == 3 && (val & 3) == 0 && !(cur & 8))
		fake_soft_reset(f);
}

static void f_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct fake *f = ctx;

	if (f->nlog < LOG_MAX)
		f->log[f->nlog++] = (struct wlog){ off, size, val };
	if (off % size || off + size > VPCI_CFG_SIZE) {
		f->bad_align++;
		return;
	}
	if (off >= 0x10 && off < 0x28) {
		unsigned i = (off - 0x10) / 4;

		CHECK_EQ(size, 4);
		if (val == 0xffffffffu && (get(f, 0x04, 2) & 3))
			f->sized_while_decoding = true;
		put(f, off, 4,
		    (val & f->bar_mask[i]) |
			    (get(f, off, 4) & ~f->bar_mask[i]));
	} else if (off == 0x30) {
		put(f, off, 4,
		    (val & f->rom_mask) | (get(f, off, 4) & ~f->rom_mask));
	} else if (off == 0x06 && size == 2) {
		put(f, off, 2, get(f, off, 2) & ~val);
	} else if (f->pm_off && off == f->pm_off + 4 && size == 2) {
		f_pmcsr(f, val);
	} else {
		put(f, off, size, val);
	}
}

static void f_msi(void *ctx, bool en, uint64_t addr, uint32_t data,
		  unsigned nvec)
{
	struct fake *f = ctx;

	f->msi_calls++;
	f->msi_en = en;
	f->msi_addr = addr;
	f->msi_data = data;
	f->msi_nvec = nvec;
}

static void f_msix(void *ctx, bool en, bool mask)
{
	struct fake *f = ctx;

	f->msix_calls++;
	f->msix_en = en;
	f->msix_mask = mask;
}

static const struct vpci_host_ops ops = {
	.read = f_read,
	.write = f_write,
	.msi_changed = f_msi,
	.msix_control = f_msix,
};

static struct fake F; /* the device under test */
static struct vpci_dev D;

static void set_bar(struct fake *f, unsigned i, uint32_t raw, uint32_t mask)
{
	put(f, 0x10 + 4 * i, 4, raw);
	f->bar_mask[i] = mask;
}

static void cap(struct fake *f, uint8_t off, uint8_t id, uint8_t next)
{
	f->cfg[off] = id;
	f->cfg[off + 1] = next;
}

/* ---- the devices ---- */

#define E_CMD 0x0043 /* I/O + memory decode, parity error response */
#define E_BAR0 0xf7c00000u
#define E_BAR1 0x00100000ull /* + 16 GiB: 0x4_0010_0000 */
#define E_BAR64 (0x400000000ull | E_BAR1)
#define E_IO 0xe000u
#define E_BAR4 0xf7c20000u
#define E_PM 0xc8
#define E_MSI 0xd0
#define E_EXP 0xe0
#define E_MSIX 0xa0
#define E_VNDR 0xb0

static void make_e1000e(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	put(f, 0x00, 4, 0x10d38086);
	put(f, 0x04, 2, E_CMD);
	put(f, 0x06, 2, 0x2010);     /* cap list + received master abort */
	put(f, 0x08, 4, 0x02000003); /* class 02/00/00, revision 3 */
	put(f, 0x0c, 4, 0x80800010); /* BIST capable, multi-function, CLS 16 */
	set_bar(f, 0, E_BAR0, 0xfffe0000u); /* 128 KiB */
	/* 512 KiB, 64-bit, prefetchable */
	set_bar(f, 1, (uint32_t)E_BAR1 | 0xc, 0xfff80000u);
	set_bar(f, 2, (uint32_t)(E_BAR64 >> 32), 0xffffffffu);
	set_bar(f, 3, E_IO | 1, 0x0000ffe0u); /* 32 ports, bits 31:16 wired 0 */
	set_bar(f, 4, E_BAR4, 0xffffc000u);   /* 16 KiB: MSI-X */
	put(f, 0x2c, 4, 0xa01f8086);
	put(f, 0x30, 4, 0xf7c40000u);
	f->rom_mask = 0xfffe0001u;
	put(f, 0x34, 1, E_PM);
	put(f, 0x3c, 4, 0x0000010b); /* pin INTA, host line 11 */

	cap(f, E_PM, 0x01, E_MSI);
	put(f, E_PM + 2, 2, 0xce22); /* D1, D2, PME from D3hot/cold */
	put(f, E_PM + 4, 2, 0x0000); /* D0, No_Soft_Reset clear */
	f->pm_off = E_PM;
	cap(f, E_MSI, 0x05, E_EXP);
	put(f, E_MSI + 2, 2, 0x0080);	  /* 64-bit, 1 vector */
	put(f, E_MSI + 4, 4, 0xdeadbeef); /* garbage the guest must not see */
	put(f, E_MSI + 8, 4, 0xdeadbeef);
	put(f, E_MSI + 12, 2, 0xbeef);
	cap(f, E_EXP, 0x10, E_MSIX);
	put(f, E_EXP + 2, 2, 0x0001);	  /* v1 endpoint */
	put(f, E_EXP + 4, 4, 0x10008cc1); /* FLR capable */
	put(f, E_EXP + 8, 2, 0x2810); /* MRRS 512, no snoop, relaxed ordering */
	put(f, E_EXP + 0x0c, 4, 0x00013c11);
	put(f, E_EXP + 0x10, 2, 0x0040);
	f->pcie_off = E_EXP;
	cap(f, E_MSIX, 0x11, E_VNDR);
	put(f, E_MSIX + 2, 2, 0x0004);	   /* 5 entries */
	put(f, E_MSIX + 4, 4, 0x00000004); /* BAR4 + 0 */
	put(f, E_MSIX + 8, 4, 0x00002004); /* BAR4 + 0x2000 */
	cap(f, E_VNDR, 0x09, 0);
	f->cfg[E_VNDR + 2] = 0x10;
	memset(&f->cfg[E_VNDR + 3], 0x5a, 0x0d);
	put(f, 0x100, 4, 0x14010001); /* an AER extended capability */
}

#define N_BAR0 0xfe800000u
#define N_VNDR 0x40
#define N_PM 0x50
#define N_EXP 0x70
#define N_MSIX 0xb0
#define N_SATA 0xc0

static void make_nvme(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	put(f, 0x00, 4, 0xa808144d);
	put(f, 0x04, 2, 0x0002);
	put(f, 0x06, 2, 0x0010);
	put(f, 0x08, 4, 0x01080200);
	set_bar(f, 0, N_BAR0 | 0x4, 0xffffc000u); /* 16 KiB, 64-bit, < 4 GiB */
	set_bar(f, 1, 0, 0xffffffffu);
	put(f, 0x2c, 4, 0xa801144d);
	put(f, 0x34, 1, N_VNDR);
	put(f, 0x3c, 4, 0x000001ff);
	cap(f, N_VNDR, 0x09, N_PM);
	f->cfg[N_VNDR + 2] = 0x0c;
	memset(&f->cfg[N_VNDR + 3], 0x77, 0x09);
	cap(f, N_PM, 0x01, N_EXP);
	put(f, N_PM + 2, 2, 0x0003);
	put(f, N_PM + 4, 2, 0x0008); /* No_Soft_Reset */
	f->pm_off = N_PM;
	cap(f, N_EXP, 0x10, N_MSIX);
	put(f, N_EXP + 2, 2, 0x0002); /* v2 endpoint */
	put(f, N_EXP + 4, 4, 0x10008fc1);
	put(f, N_EXP + 8, 2, 0x2850);
	put(f, N_EXP + 0x24, 4, 0x0070001f);
	put(f, N_EXP + 0x28, 2, 0x0000);
	f->pcie_off = N_EXP;
	cap(f, N_MSIX, 0x11, N_SATA);
	put(f, N_MSIX + 2, 2, 0x0040); /* 65 entries */
	put(f, N_MSIX + 4, 4, 0x00003000);
	put(f, N_MSIX + 8, 4, 0x00002000);
	cap(f, N_SATA, 0x12, 0);
	put(f, N_SATA + 2, 2, 0x0010);
	put(f, N_SATA + 4, 4, 0x00000048);
}

static void make_gpu(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	put(f, 0x00, 4, 0x1b8010de);
	put(f, 0x04, 2, 0x0000);
	put(f, 0x06, 2, 0x0000); /* no capability list */
	put(f, 0x08, 4, 0x030000a1);
	set_bar(f, 0, 0xde000000u, 0xff000000u); /* 16 MiB */
	set_bar(f, 1, 0x0000000c, 0x00000000u);	 /* 8 GiB, 64-bit, prefetch */
	set_bar(f, 2, 0x38, 0xfffffffeu);
	set_bar(f, 3, 0xdc000008, 0xfe000000u); /* 32 MiB 32-bit prefetchable */
	put(f, 0x34, 1, 0x60); /* a pointer, but the status bit says no list */
	cap(f, 0x60, 0x01, 0);
}

static int init(struct fake *f)
{
	int rc = vpci_dev_init(&D, &ops, f);

	f->nlog = 0;
	return rc;
}

static uint32_t rd(uint16_t off, uint8_t size)
{
	return vpci_read(&D, off, size);
}

static void wr(uint16_t off, uint8_t size, uint32_t val)
{
	vpci_write(&D, off, size, val);
}

/* True if the model wrote to [off, off+len) of the device since init. */
static bool wrote(const struct fake *f, uint16_t off, uint16_t len)
{
	for (unsigned i = 0; i < f->nlog; i++) {
		const struct wlog *w = &f->log[i];

		if (w->off < off + len && off < w->off + w->size)
			return true;
	}
	return false;
}

/* ---- init ---- */

static void test_init_e1000e(void)
{
	const struct vpci_bar *b;
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(vpci_dev_init(&D, &ops, f), VPCI_OK);
	CHECK(!f->sized_while_decoding);
	/* Decoding went off before sizing and came back after. */
	CHECK(f->nlog >= 2);
	CHECK_EQ(f->log[0].off, 0x04);
	CHECK_EQ(f->log[0].val, E_CMD & ~3u);
	CHECK_EQ(f->log[f->nlog - 1].off, 0x04);
	CHECK_EQ(f->log[f->nlog - 1].val, E_CMD);
	CHECK_EQ(get(f, 0x04, 2), E_CMD);
	/* Every BAR holds its original value again; ROM untouched. */
	CHECK_EQ(get(f, 0x10, 4), E_BAR0);
	CHECK_EQ(get(f, 0x14, 4), (uint32_t)E_BAR1 | 0xc);
	CHECK_EQ(get(f, 0x18, 4), 4);
	CHECK_EQ(get(f, 0x1c, 4), E_IO | 1);
	CHECK_EQ(get(f, 0x20, 4), E_BAR4);
	CHECK(!wrote(f, 0x30, 4));
	CHECK_EQ(f->bad_align, 0);

	b = vpci_bar(&D, 0);
	CHECK(b->present && !b->io && !b->is64 && !b->prefetch);
	CHECK_EQ(b->addr, E_BAR0);
	CHECK_EQ(b->size, 0x20000);
	b = vpci_bar(&D, 1);
	CHECK(b->present && !b->io && b->is64 && b->prefetch);
	CHECK_EQ(b->addr, E_BAR64);
	CHECK_EQ(b->size, 0x80000);
	CHECK(!vpci_bar(&D, 2)->present); /* the upper half */
	b = vpci_bar(&D, 3);
	CHECK(b->present && b->io);
	CHECK_EQ(b->addr, E_IO);
	CHECK_EQ(b->size, 32);
	b = vpci_bar(&D, 4);
	CHECK(b->present && !b->io && !b->is64);
	CHECK_EQ(b->size, 0x4000);
	CHECK(!vpci_bar(&D, 5)->present);
	CHECK(vpci_bar(&D, 6) == NULL);

	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_PM), E_PM);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSI), E_MSI);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_PCIE), E_EXP);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSIX), E_MSIX);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_VNDR), 0);
}

static void test_init_rejects(void)
{
	struct fake *f = &F;
	struct vpci_dev d;

	make_e1000e(f);
	f->cfg[0x0e] = 0x01; /* PCI-to-PCI bridge */
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_EBRIDGE);
	CHECK_EQ(f->nlog, 0); /* rejected before touching anything */
	f->cfg[0x0e] = 0x81;  /* multi-function bridge */
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_EBRIDGE);
	f->cfg[0x0e] = 0x02; /* CardBus bridge */
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_EBRIDGE);
	CHECK_EQ(f->nlog, 0);

	memset(f, 0xff, sizeof(f->cfg)); /* nothing there */
	f->nlog = 0;
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_ENODEV);
	CHECK_EQ(f->nlog, 0);

	make_e1000e(f);
	set_bar(f, 5, 0xf0000004u, 0xfff00000u); /* 64-bit in the last slot */
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_EBAR);
	CHECK_EQ(get(f, 0x04, 2), E_CMD); /* decoding restored on failure */
	make_e1000e(f);
	set_bar(f, 4, E_BAR4 | 0x6, 0xffffc000u); /* reserved type 3 */
	CHECK_EQ(vpci_dev_init(&d, &ops, f), VPCI_EBAR);

	CHECK_EQ(vpci_dev_init(&d, NULL, f), VPCI_EINVAL);
	CHECK_EQ(vpci_dev_init(NULL, &ops, f), VPCI_EINVAL);
}

/* ---- header ---- */

static void test_header(void)
{
	make_e1000e(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	CHECK_EQ(rd(0x00, 4), 0x10d38086);
	CHECK_EQ(rd(0x00, 2), 0x8086);
	CHECK_EQ(rd(0x02, 2), 0x10d3);
	CHECK_EQ(rd(0x01, 2), 0xd380); /* within the dword, unaligned */
	CHECK_EQ(rd(0x03, 1), 0x10);
	CHECK_EQ(rd(0x08, 4), 0x02000003);
	CHECK_EQ(rd(0x0b, 1), 0x02);
	CHECK_EQ(rd(0x0e, 1), 0x00); /* multi-function bit cleared */
	CHECK_EQ(rd(0x0f, 1), 0x00); /* BIST not offered */
	CHECK_EQ(rd(0x0c, 4), 0x00000010);
	CHECK_EQ(rd(0x2c, 4), 0xa01f8086);
	CHECK_EQ(rd(0x2e, 2), 0xa01f);
	CHECK_EQ(rd(0x28, 4), 0); /* CardBus CIS */
	CHECK_EQ(rd(0x38, 4), 0);
	CHECK_EQ(rd(0x3d, 1), 0x01); /* interrupt pin from the device */

	/* Identification, header type and BIST are read-only. */
	wr(0x00, 4, 0x12345678);
	wr(0x08, 4, 0xffffffff);
	wr(0x0e, 2, 0xffff);
	wr(0x2c, 4, 0);
	wr(0x3d, 1, 4);
	CHECK_EQ(rd(0x00, 4), 0x10d38086);
	CHECK_EQ(rd(0x0e, 2), 0);
	CHECK_EQ(rd(0x3d, 1), 1);
	/* Cache line size and latency timer are virtual. */
	wr(0x0c, 1, 0x08);
	wr(0x0d, 1, 0x40);
	CHECK_EQ(rd(0x0c, 2), 0x4008);
	CHECK_EQ(F.nlog, 0);
	CHECK_EQ(get(&F, 0x0c, 4), 0x80800010);
}

static void test_bad_accesses(void)
{
	make_e1000e(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	CHECK_EQ(rd(0x03, 2), 0xffffffffu); /* crosses a dword */
	CHECK_EQ(rd(0x02, 4), 0xffffffffu);
	CHECK_EQ(rd(0x01, 4), 0xffffffffu);
	CHECK_EQ(rd(0x00, 3), 0xffffffffu);
	CHECK_EQ(rd(0x00, 8), 0xffffffffu);
	CHECK_EQ(rd(0x00, 0), 0xffffffffu);
	CHECK_EQ(rd(0x1000, 4), 0xffffffffu);
	CHECK_EQ(rd(0xffff, 1), 0xffffffffu);
	wr(0x03, 2, 0xffff); /* would set command bits 8-15 and status */
	wr(0x02, 4, 0xffffffff);
	wr(0x04, 3, 0xffffff);
	wr(0x04, 8, 0xffffffff);
	wr(0x1000, 4, 0);
	CHECK_EQ(F.nlog, 0);
	CHECK_EQ(rd(0x04, 2), E_CMD);
	CHECK_EQ(F.bad_align, 0);
}

static void test_command(void)
{
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(0x04, 2), E_CMD);
	wr(0x04, 2, 0xffff);
	CHECK_EQ(rd(0x04, 2), 0xffff); /* reads back what the guest wrote */
	/* Only I/O, memory, master, INTx disable reach the device; the
	 * host's parity error response (bit 6) and SERR# (bit 8) stay. */
	CHECK_EQ(get(f, 0x04, 2), 0x0407 | 0x0040);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].size, 2);
	wr(0x04, 2, 0x0000);
	CHECK_EQ(rd(0x04, 2), 0);
	CHECK_EQ(get(f, 0x04, 2), 0x0040);
	/* A byte write to the high byte: INTx disable only. */
	wr(0x05, 1, 0x04);
	CHECK_EQ(get(f, 0x04, 2), 0x0440);
	CHECK_EQ(rd(0x04, 2), 0x0400);
	/* Bits that are not forwarded cause no device write at all. */
	f->nlog = 0;
	wr(0x04, 2, 0x0400 | 0x0040 | 0x0080 | 0x0200 | 0x0010);
	CHECK_EQ(f->nlog, 0);
	CHECK_EQ(rd(0x04, 2), 0x06d0);
	wr(0x04, 1, 0x06); /* memory + master */
	CHECK_EQ(get(f, 0x04, 2), 0x0446);
}

static void test_status(void)
{
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(0x06, 2), 0x2010);
	CHECK_EQ(rd(0x04, 4), 0x20100000u | E_CMD);
	/* Writing ones to read-only bits passes nothing. */
	wr(0x06, 2, 0x06ff);
	CHECK_EQ(f->nlog, 0);
	wr(0x06, 2, 0xffff);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].off, 0x06);
	CHECK_EQ(f->log[0].size, 2);
	CHECK_EQ(f->log[0].val, 0xf900);
	CHECK_EQ(rd(0x06, 2), 0x0010);
	/* A dword write splits into command and status. */
	f->cfg[0x07] = 0x20;
	f->nlog = 0;
	wr(0x04, 4, 0x20000002);
	CHECK_EQ(f->nlog, 2);
	CHECK_EQ(get(f, 0x04, 2), 0x0042);
	CHECK_EQ(get(f, 0x06, 2), 0x0010);
	/* A status-only write does not touch the command register. */
	f->nlog = 0;
	wr(0x07, 1, 0x20);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].off, 0x06);
	CHECK_EQ(rd(0x04, 2), 0x0002);
}

/* ---- BARs ---- */

/* Sizes dword `off` as an OS does; returns the mask, restores `orig`. */
static uint32_t size_bar(uint16_t off)
{
	uint32_t orig = rd(off, 4), mask;

	wr(off, 4, 0xffffffffu);
	mask = rd(off, 4);
	wr(off, 4, orig);
	CHECK_EQ(rd(off, 4), orig);
	return mask;
}

static void test_bars_e1000e(void)
{
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(0x10, 4), E_BAR0);
	CHECK_EQ(rd(0x14, 4), (uint32_t)E_BAR1 | 0xc);
	CHECK_EQ(rd(0x18, 4), 4); /* high half of the 64-bit BAR */
	CHECK_EQ(rd(0x1c, 4), E_IO | 1);
	CHECK_EQ(rd(0x20, 4), E_BAR4);
	CHECK_EQ(rd(0x24, 4), 0);
	CHECK_EQ(rd(0x30, 4), 0); /* ROM hidden */

	CHECK_EQ(size_bar(0x10), 0xfffe0000u);
	CHECK_EQ(size_bar(0x14), 0xfff8000cu); /* type bits kept */
	CHECK_EQ(size_bar(0x18), 0xffffffffu);
	CHECK_EQ(size_bar(0x1c), 0xffffffe1u);
	CHECK_EQ(size_bar(0x20), 0xffffc000u);
	CHECK_EQ(size_bar(0x24), 0);
	/* Linux sizes a 64-bit BAR with both halves all-ones at once. */
	wr(0x14, 4, 0xffffffffu);
	wr(0x18, 4, 0xffffffffu);
	CHECK_EQ(rd(0x14, 4), 0xfff8000cu);
	CHECK_EQ(rd(0x18, 4), 0xffffffffu);
	wr(0x14, 4, (uint32_t)E_BAR1 | 0xc);
	CHECK_EQ(rd(0x14, 4), (uint32_t)E_BAR1 | 0xc);
	CHECK_EQ(rd(0x18, 4), 0xffffffffu); /* still latched */
	wr(0x18, 4, 4);
	CHECK_EQ(rd(0x18, 4), 4);

	/* Any other write is ignored and the BAR keeps its address. */
	wr(0x10, 4, 0x12345678);
	CHECK_EQ(rd(0x10, 4), E_BAR0);
	wr(0x18, 4, 0);
	CHECK_EQ(rd(0x18, 4), 4);
	wr(0x1c, 4, 0xc001);
	CHECK_EQ(rd(0x1c, 4), E_IO | 1);
	/* Byte-wise all-ones also sizes, as a register would. */
	for (uint16_t o = 0x10; o < 0x14; o++)
		wr(o, 1, 0xff);
	CHECK_EQ(rd(0x10, 4), 0xfffe0000u);
	CHECK_EQ(rd(0x12, 2), 0xfffe);
	wr(0x10, 4, E_BAR0);
	/* The ROM does not size. */
	wr(0x30, 4, 0xfffff800u);
	CHECK_EQ(rd(0x30, 4), 0);
	wr(0x30, 4, 0xf7c40001u);
	CHECK_EQ(rd(0x30, 4), 0);

	CHECK_EQ(f->nlog, 0); /* not one BAR or ROM write reached the device */
	CHECK_EQ(get(f, 0x10, 4), E_BAR0);
	CHECK_EQ(get(f, 0x30, 4), 0xf7c40000u);
}

static void test_bars_64(void)
{
	const struct vpci_bar *b;

	make_nvme(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	b = vpci_bar(&D, 0);
	CHECK(b->present && b->is64 && !b->prefetch);
	CHECK_EQ(b->addr, N_BAR0);
	CHECK_EQ(b->size, 0x4000);
	CHECK_EQ(rd(0x10, 4), N_BAR0 | 4);
	CHECK_EQ(rd(0x14, 4), 0);
	CHECK_EQ(size_bar(0x10), 0xffffc004u);
	CHECK_EQ(size_bar(0x14), 0xffffffffu);
	for (uint16_t o = 0x18; o <= 0x24; o += 4)
		CHECK_EQ(size_bar(o), 0);

	make_gpu(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	b = vpci_bar(&D, 1);
	CHECK(b->present && b->is64 && b->prefetch);
	CHECK_EQ(b->addr, 0x3800000000ull);
	CHECK_EQ(b->size, 0x200000000ull); /* 8 GiB */
	b = vpci_bar(&D, 3);
	CHECK(b->present && !b->is64 && b->prefetch);
	CHECK_EQ(b->size, 0x2000000);
	CHECK_EQ(rd(0x14, 4), 0x0000000c);
	CHECK_EQ(rd(0x18, 4), 0x38);
	CHECK_EQ(size_bar(0x10), 0xff000000u);
	CHECK_EQ(size_bar(0x14), 0x0000000cu); /* no address bits below 4 GiB */
	CHECK_EQ(size_bar(0x18), 0xfffffffeu);
	CHECK_EQ(size_bar(0x1c), 0xfe000008u);
	CHECK_EQ(F.nlog, 0);
}

/* ---- interrupt line ---- */

static void test_intline(void)
{
	make_e1000e(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	CHECK_EQ(rd(0x3c, 1), 0xff);
	CHECK_EQ(rd(0x3c, 4), 0x000001ff);
	wr(0x3c, 1, 0x0a);
	CHECK_EQ(rd(0x3c, 1), 0x0a);
	wr(0x3c, 4, 0xffffff05);
	CHECK_EQ(rd(0x3c, 4), 0x00000105);
	vpci_set_intline(&D, 16);
	CHECK_EQ(rd(0x3c, 1), 16);
	CHECK_EQ(F.nlog, 0);
	CHECK_EQ(get(&F, 0x3c, 1), 0x0b);
}

/* ---- capabilities ---- */

/* Walks the visible list with byte reads; returns how many, fills ids/offs. */
static unsigned walk(uint8_t *ids, uint8_t *offs, unsigned max)
{
	unsigned n = 0;
	uint8_t p;

	if (!(rd(0x06, 2) & 0x10))
		return 0;
	for (p = rd(0x34, 1); p && n < max; p = rd(p + 1, 1)) {
		CHECK_EQ(p & 3, 0);
		CHECK(p >= 0x40);
		ids[n] = rd(p, 1);
		offs[n++] = p;
	}
	return n;
}

static void test_caps_e1000e(void)
{
	uint8_t ids[8], offs[8];
	unsigned n;

	make_e1000e(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	CHECK_EQ(rd(0x34, 1), E_PM);
	CHECK_EQ(rd(0x34, 4), E_PM);
	n = walk(ids, offs, 8);
	CHECK_EQ(n, 4);
	CHECK_EQ(ids[0], 0x01);
	CHECK_EQ(ids[1], 0x05);
	CHECK_EQ(ids[2], 0x10);
	CHECK_EQ(ids[3], 0x11);
	CHECK_EQ(offs[3], E_MSIX);
	/* MSI-X's next pointer skips the vendor capability. */
	CHECK_EQ(rd(E_MSIX + 1, 1), 0);
	/* Word reads of (id, next). */
	CHECK_EQ(rd(E_PM, 2), 0x01 | E_MSI << 8);
	CHECK_EQ(rd(E_MSI, 2), 0x05 | E_EXP << 8);
	CHECK_EQ(rd(E_EXP, 2), 0x10 | E_MSIX << 8);
	CHECK_EQ(rd(E_MSIX, 2), 0x11);
	CHECK_EQ(rd(E_EXP + 1, 2), E_MSIX | 0x01 << 8); /* next, flags */
	/* The hidden vendor capability reads 0, every byte and width. */
	for (uint16_t o = E_VNDR; o < E_VNDR + 0x10; o++)
		CHECK_EQ(rd(o, 1), 0);
	CHECK_EQ(rd(E_VNDR, 4), 0);
	CHECK_EQ(rd(E_VNDR + 2, 2), 0);
	/* So does space outside any capability, and extended config space. */
	CHECK_EQ(rd(0x40, 4), 0);
	CHECK_EQ(rd(0xc0, 4), 0);
	CHECK_EQ(rd(0x100, 4), 0);
	CHECK_EQ(rd(0xffc, 4), 0);
	CHECK_EQ(rd(0xfff, 1), 0);
	wr(E_VNDR + 4, 4, 0);
	wr(0x100, 4, 0);
	wr(0x104, 2, 0xffff);
	wr(0x40, 4, 0xffffffff);
	CHECK_EQ(F.nlog, 0);
	CHECK_EQ(get(&F, E_VNDR + 4, 1), 0x5a);
	/* The capability headers are read-only. */
	wr(E_PM, 2, 0x0000);
	wr(E_MSIX, 1, 0x05);
	CHECK_EQ(rd(E_PM, 2), 0x01 | E_MSI << 8);
	CHECK_EQ(rd(E_MSIX, 1), 0x11);
	CHECK_EQ(F.nlog, 0);
}

static void test_caps_nvme(void)
{
	uint8_t ids[8], offs[8];
	unsigned n;

	make_nvme(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	/* The first capability is hidden: 0x34 points past it. */
	CHECK_EQ(rd(0x34, 1), N_PM);
	n = walk(ids, offs, 8);
	CHECK_EQ(n, 3);
	CHECK_EQ(offs[0], N_PM);
	CHECK_EQ(offs[1], N_EXP);
	CHECK_EQ(offs[2], N_MSIX);
	CHECK_EQ(rd(N_MSIX + 1, 1), 0); /* SATA skipped */
	CHECK_EQ(rd(N_VNDR, 4), 0);
	CHECK_EQ(rd(N_SATA, 4), 0);
	CHECK_EQ(rd(N_SATA + 4, 4), 0);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSI), 0);
	/* The PCIe v2 capability is 0x3c long: Device Control 2 is in. */
	CHECK_EQ(rd(N_EXP + 0x24, 4), 0x0070001f);
	CHECK_EQ(rd(N_EXP + 0x3c, 4), 0);
	CHECK_EQ(F.nlog, 0);
}

static void test_no_caps(void)
{
	uint8_t ids[4], offs[4];

	make_gpu(&F);
	CHECK_EQ(init(&F), VPCI_OK);
	CHECK_EQ(rd(0x06, 2) & 0x10, 0);
	CHECK_EQ(rd(0x34, 1), 0);
	CHECK_EQ(rd(0x60, 4), 0);
	CHECK_EQ(walk(ids, offs, 4), 0);
}

static void test_caps_malformed(void)
{
	uint8_t ids[8], offs[8];
	struct fake *f = &F;

	/* A loop: PM points at itself. */
	make_nvme(f);
	f->cfg[0x34] = N_PM;
	cap(f, N_PM, 0x01, N_PM);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(walk(ids, offs, 8), 1);
	CHECK_EQ(rd(N_PM + 1, 1), 0);

	/* A two-entry loop through a hidden cap, plus a duplicate PM. */
	make_nvme(f);
	cap(f, N_MSIX, 0x11, 0xd0);
	cap(f, 0xd0, 0x01, N_VNDR);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(walk(ids, offs, 8), 3);
	CHECK_EQ(rd(0xd0, 4), 0); /* the second PM is hidden */

	/* Pointer bits 1:0 are masked; pointers below 0x40 end the list. */
	make_nvme(f);
	f->cfg[0x34] = N_PM | 3;
	cap(f, N_PM, 0x01, 0x3c);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(walk(ids, offs, 8), 1);

	/* An MSI capability that would run past 0xff is hidden. */
	make_nvme(f);
	cap(f, N_SATA, 0x12, 0xf4);
	cap(f, 0xf4, 0x05, 0);
	put(f, 0xf6, 2, 0x0180); /* 64-bit + masking: 24 bytes */
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSI), 0);
	CHECK_EQ(rd(0xf4, 4), 0);

	/* MSI-X whose table BIR names no BAR is hidden. */
	make_nvme(f);
	put(f, N_MSIX + 4, 4, 0x00003005);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSIX), 0);
	CHECK(!vpci_msix_location(&D, NULL, NULL, NULL, NULL, NULL));
	CHECK_EQ(rd(N_EXP + 1, 1), 0);
	/* ... and so is one whose table runs past the end of its BAR. */
	make_nvme(f);
	put(f, N_MSIX + 4, 4, 0x00003c00);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSIX), 0);
}

/* ---- MSI ---- */

static void test_msi(void)
{
	struct fake *f = &F;
	struct vpci_msi m;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	/* Control: 64-bit from the device, disabled; registers start at 0. */
	CHECK_EQ(rd(E_MSI + 2, 2), 0x0080);
	CHECK_EQ(rd(E_MSI + 4, 4), 0);
	CHECK_EQ(rd(E_MSI + 8, 4), 0);
	CHECK_EQ(rd(E_MSI + 12, 2), 0);
	CHECK_EQ(rd(E_MSI + 12, 4), 0); /* past data: not part of the cap */

	/* Linux programs address and data, then enables. */
	wr(E_MSI + 4, 4, 0xfee01003); /* bits 1:0 reserved */
	wr(E_MSI + 8, 4, 0x00000001);
	wr(E_MSI + 12, 2, 0x4041);
	CHECK_EQ(f->msi_calls, 0);
	CHECK_EQ(rd(E_MSI + 4, 4), 0xfee01000);
	CHECK_EQ(rd(E_MSI + 8, 4), 1);
	CHECK_EQ(rd(E_MSI + 12, 2), 0x4041);
	wr(E_MSI + 2, 2, 0x0071); /* enable, ask for 8 vectors */
	CHECK_EQ(f->msi_calls, 1);
	CHECK(f->msi_en);
	CHECK_EQ(f->msi_addr, 0x1fee01000ull);
	CHECK_EQ(f->msi_data, 0x4041);
	CHECK_EQ(f->msi_nvec, 1); /* MME clamped to MMC = 0 */
	CHECK_EQ(rd(E_MSI + 2, 2), 0x0081);
	/* Same values again: no call. */
	wr(E_MSI + 12, 2, 0x4041);
	wr(E_MSI + 2, 1, 0x01);
	CHECK_EQ(f->msi_calls, 1);
	/* A change while enabled reports the new message. */
	wr(E_MSI + 12, 2, 0x4042);
	CHECK_EQ(f->msi_calls, 2);
	CHECK_EQ(f->msi_data, 0x4042);
	wr(E_MSI + 5, 1, 0x20); /* a byte of the address */
	CHECK_EQ(f->msi_calls, 3);
	CHECK_EQ(f->msi_addr, 0x1fee02000ull);
	CHECK(vpci_msi_state(&D, &m));
	CHECK(m.enabled);
	CHECK_EQ(m.data, 0x4042);
	/* Disable. */
	wr(E_MSI + 2, 2, 0x0000);
	CHECK_EQ(f->msi_calls, 4);
	CHECK(!f->msi_en);
	/* Changes while disabled: no call. */
	wr(E_MSI + 4, 4, 0xfee00000);
	CHECK_EQ(f->msi_calls, 4);
	/* No MSI write reached the device; its registers are untouched. */
	CHECK(!wrote(f, E_MSI, 14));
	CHECK_EQ(get(f, E_MSI + 4, 4), 0xdeadbeef);
	CHECK_EQ(get(f, E_MSI + 2, 2), 0x0080);
	/* The read-only control bits stay. */
	wr(E_MSI + 2, 2, 0xff00);
	CHECK_EQ(rd(E_MSI + 2, 2), 0x0080);
}

static void test_msi_masking(void)
{
	struct fake *f = &F;
	struct vpci_msi m;

	/* A 32-bit MSI with 4 vectors and per-vector masking (0x14 bytes). */
	make_nvme(f);
	cap(f, N_SATA, 0x12, 0xd0);
	cap(f, 0xd0, 0x05, 0);
	put(f, 0xd2, 2, 0x0104);
	put(f, 0xe0, 4, 0x00000005); /* pending bits: read from the device */
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(vpci_cap_offset(&D, VPCI_CAP_ID_MSI), 0xd0);
	CHECK_EQ(rd(N_MSIX + 1, 1), 0xd0);
	CHECK_EQ(rd(0xd2, 2), 0x0104);
	wr(0xd4, 4, 0xfee00000);
	wr(0xd8, 2, 0x0030);
	wr(0xdc, 4, 0x0000000e); /* mask: reaches the device */
	CHECK_EQ(rd(0xdc, 4), 0x0e);
	CHECK_EQ(get(f, 0xdc, 4), 0x0e);
	CHECK_EQ(rd(0xe0, 4), 0x05);
	wr(0xd2, 2, 0x0071); /* 8 vectors asked, MMC says 4 */
	CHECK_EQ(f->msi_calls, 1);
	CHECK_EQ(f->msi_nvec, 4);
	CHECK_EQ(f->msi_addr, 0xfee00000ull);
	CHECK_EQ(rd(0xd2, 2), 0x0125);
	/* The mask changes no message: no call. */
	wr(0xdc, 4, 0);
	CHECK_EQ(f->msi_calls, 1);
	CHECK(vpci_msi_state(&D, &m));
	CHECK_EQ(m.mask, 0);
	CHECK_EQ(m.mme, 2);
	CHECK_EQ(rd(0xe4, 4), 0); /* past the capability */
	CHECK_EQ(get(f, 0xdc, 4), 0);
	CHECK_EQ(f->nlog, 2); /* the two mask writes, nothing else */
	CHECK_EQ(f->log[0].off, 0xdc);
	CHECK_EQ(f->log[1].off, 0xdc);
}

/* ---- MSI-X ---- */

static void test_msix(void)
{
	unsigned bir, n, pba_bir;
	uint32_t toff, poff;
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK(vpci_msix_location(&D, &bir, &toff, &n, &pba_bir, &poff));
	CHECK_EQ(bir, 4);
	CHECK_EQ(toff, 0);
	CHECK_EQ(n, 5);
	CHECK_EQ(pba_bir, 4);
	CHECK_EQ(poff, 0x2000);
	CHECK_EQ(rd(E_MSIX + 2, 2), 0x0004);
	CHECK_EQ(rd(E_MSIX + 4, 4), 0x00000004);
	CHECK_EQ(rd(E_MSIX + 8, 4), 0x00002004);

	/* Linux enables with the function masked, then unmasks. */
	wr(E_MSIX + 2, 2, 0xc000);
	CHECK_EQ(f->msix_calls, 1);
	CHECK(f->msix_en && f->msix_mask);
	CHECK_EQ(rd(E_MSIX + 2, 2), 0xc004);
	wr(E_MSIX + 2, 2, 0x8000);
	CHECK_EQ(f->msix_calls, 2);
	CHECK(f->msix_en && !f->msix_mask);
	wr(E_MSIX + 3, 1, 0x80); /* same again */
	CHECK_EQ(f->msix_calls, 2);
	wr(E_MSIX + 2, 1, 0xff); /* low byte: table size is read-only */
	CHECK_EQ(f->msix_calls, 2);
	CHECK_EQ(rd(E_MSIX + 2, 2), 0x8004);
	wr(E_MSIX + 4, 4, 0x1000); /* table offset is read-only */
	CHECK_EQ(rd(E_MSIX + 4, 4), 0x00000004);
	wr(E_MSIX + 2, 2, 0x0000);
	CHECK_EQ(f->msix_calls, 3);
	CHECK(!f->msix_en);
	CHECK_EQ(f->nlog, 0);
	CHECK_EQ(get(f, E_MSIX + 2, 2), 0x0004);

	make_nvme(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK(vpci_msix_location(&D, &bir, &toff, &n, &pba_bir, &poff));
	CHECK_EQ(bir, 0);
	CHECK_EQ(toff, 0x3000);
	CHECK_EQ(n, 65);
	CHECK_EQ(poff, 0x2000);
	CHECK(vpci_msix_location(&D, NULL, NULL, NULL, NULL, NULL));
	make_gpu(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK(!vpci_msix_location(&D, &bir, &toff, &n, &pba_bir, &poff));
}

/* ---- PCI Express ---- */

static void test_pcie(void)
{
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(E_EXP + 2, 2), 0x0001);
	CHECK_EQ(rd(E_EXP + 4, 4), 0x00008cc1); /* FLR capability hidden */
	CHECK_EQ(rd(E_EXP + 8, 2), 0x2810);
	CHECK_EQ(rd(E_EXP + 0x0c, 4), 0x00013c11); /* Link Capabilities */
	/* v1 at 0xe0: the capability is clipped at 0x100 (extended space). */
	CHECK_EQ(rd(E_EXP + 0x1c, 4), 0);

	/* Initiate FLR alone: dropped, nothing written. */
	wr(E_EXP + 8, 2, 0x2810 | 0x8000);
	CHECK_EQ(f->nlog, 0);
	/* MRRS 4096 passes; FLR, MPS, phantom, no snoop do not; error
	 * reporting (0-3) reads back but stays the host's. */
	wr(E_EXP + 8, 2, 0xd2ef);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].size, 2);
	CHECK_EQ(get(f, E_EXP + 8, 2), 0x5800);
	CHECK_EQ(rd(E_EXP + 8, 2), 0x580f);
	/* A byte write of the high byte. */
	wr(E_EXP + 9, 1, 0x28);
	CHECK_EQ(get(f, E_EXP + 8, 2), 0x2800);
	CHECK_EQ(rd(E_EXP + 8, 2), 0x280f);
	/* Error reporting alone: virtual, nothing written. */
	f->nlog = 0;
	wr(E_EXP + 8, 1, 0x00);
	CHECK_EQ(f->nlog, 0);
	CHECK_EQ(rd(E_EXP + 8, 2), 0x2800);
	/* Device Status (RW1C), Link Control, Link Capabilities: dropped. */
	f->nlog = 0;
	wr(E_EXP + 0x0a, 2, 0xffff);
	wr(E_EXP + 0x10, 2, 0x0013);
	wr(E_EXP + 0x0c, 4, 0);
	wr(E_EXP + 2, 2, 0x00ff);
	wr(E_EXP + 4, 4, 0xffffffff);
	CHECK_EQ(f->nlog, 0);
	CHECK_EQ(get(f, E_EXP + 0x10, 2), 0x0040);

	make_nvme(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(N_EXP + 4, 4), 0x00008fc1);
	/* Device Control 2: completion timeout, atomics, IDO pass; LTR, OBFF,
	 * 10-bit tags do not. */
	wr(N_EXP + 0x28, 2, 0xffff);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(get(f, N_EXP + 0x28, 2), 0x035f);
	wr(N_EXP + 0x28, 2, 0x0005);
	CHECK_EQ(get(f, N_EXP + 0x28, 2), 0x0005);
	/* Link Control 2 and the rest: dropped. */
	f->nlog = 0;
	wr(N_EXP + 0x30, 2, 0x0001);
	wr(N_EXP + 0x10, 4, 0x00000003);
	wr(N_EXP + 0x2a, 2, 0xffff);
	CHECK_EQ(f->nlog, 0);
}

/* ---- power management ---- */

static void test_pm(void)
{
	struct fake *f = &F;

	make_nvme(f);
	CHECK_EQ(init(f), VPCI_OK);
	CHECK_EQ(rd(N_PM + 2, 2), 0x0003);
	CHECK_EQ(rd(N_PM + 4, 2), 0x0008);
	/* D3hot passes; PME_En, PME_Status and Data_Select do not. */
	wr(N_PM + 4, 2, 0x9f03);
	CHECK_EQ(f->nlog, 1);
	CHECK_EQ(f->log[0].size, 2);
	CHECK_EQ(f->log[0].val, 0x000b);
	CHECK_EQ(rd(N_PM + 4, 2), 0x000b);
	/* D1/D2 are not offered and are dropped. */
	wr(N_PM + 4, 2, 0x0001);
	wr(N_PM + 4, 2, 0x0002);
	CHECK_EQ(f->nlog, 1);
	/* Writes to the upper bytes or PMC: dropped. */
	wr(N_PM + 5, 1, 0x81);
	wr(N_PM + 6, 2, 0xffff);
	wr(N_PM + 2, 2, 0);
	CHECK_EQ(f->nlog, 1);
	/* Back to D0: with No_Soft_Reset set, nothing to restore. */
	wr(N_PM + 4, 2, 0x0000);
	CHECK_EQ(f->nlog, 2);
	CHECK_EQ(rd(N_PM + 4, 2), 0x0008);
	CHECK_EQ(f->nlog, 2);
	CHECK_EQ(f->resets, 0);

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	/* PMC: D1, D2 and PME support are hidden. */
	CHECK_EQ(rd(E_PM + 2, 2), 0x0022);
	CHECK_EQ(rd(E_PM, 4), 0x00220000u | E_MSI << 8 | 0x01);
}

/* D3hot->D0 without No_Soft_Reset resets the device; the model restores it. */
static void test_pm_reset(void)
{
	struct fake *f = &F;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	wr(0x04, 2, 0x0406);
	wr(E_EXP + 8, 2, 0x5010);
	wr(E_MSIX + 2, 2, 0x8000);
	wr(E_MSI + 4, 4, 0xfee00000);
	wr(E_MSI + 2, 2, 0x0001);
	CHECK_EQ(f->msi_calls, 1);
	CHECK_EQ(f->msix_calls, 1);
	wr(E_PM + 4, 2, 0x0003);
	wr(E_PM + 4, 2, 0x0000);
	CHECK_EQ(f->resets, 1);
	CHECK_EQ(get(f, 0x10, 4), 0);
	CHECK_EQ(get(f, 0x04, 2), 0);
	/* The guest waits 10 ms, then reads: the model restores first. */
	f->nlog = 0;
	CHECK_EQ(rd(E_PM + 4, 2), 0x0000);
	CHECK_EQ(get(f, 0x10, 4), E_BAR0);
	CHECK_EQ(get(f, 0x14, 4), (uint32_t)E_BAR1 | 0xc);
	CHECK_EQ(get(f, 0x18, 4), 4);
	CHECK_EQ(get(f, 0x1c, 4), E_IO | 1);
	CHECK_EQ(get(f, 0x20, 4), E_BAR4);
	CHECK_EQ(get(f, 0x04, 2), 0x0446);
	CHECK_EQ(get(f, E_EXP + 8, 2), 0x5810);
	CHECK_EQ(f->msi_calls, 2); /* replayed for the hypervisor */
	CHECK(f->msi_en);
	CHECK_EQ(f->msix_calls, 2);
	CHECK(f->msix_en);
	/* Only once. */
	f->nlog = 0;
	rd(0x00, 4);
	CHECK_EQ(f->nlog, 0);
	CHECK_EQ(rd(0x10, 4), E_BAR0);
	CHECK_EQ(rd(0x04, 2), 0x0406);
}

/* ---- host bridge ---- */

static void test_host_bridge(void)
{
	CHECK_EQ(vpci_host_bridge_read(0x00, 2), VPCI_HOST_BRIDGE_VENDOR);
	CHECK_EQ(vpci_host_bridge_read(0x02, 2), VPCI_HOST_BRIDGE_DEVICE);
	CHECK_EQ(vpci_host_bridge_read(0x00, 4),
		 VPCI_HOST_BRIDGE_VENDOR | VPCI_HOST_BRIDGE_DEVICE << 16);
	CHECK(VPCI_HOST_BRIDGE_VENDOR != 0xffff);
	CHECK(VPCI_HOST_BRIDGE_VENDOR != 0);
	CHECK_EQ(vpci_host_bridge_read(0x08, 4), 0x06000000);
	CHECK_EQ(vpci_host_bridge_read(0x0b, 1), 0x06);
	CHECK_EQ(vpci_host_bridge_read(0x0a, 1), 0x00);
	CHECK_EQ(vpci_host_bridge_read(0x09, 1), 0x00);
	CHECK_EQ(vpci_host_bridge_read(0x0e, 1), 0x00); /* type 0, single fn */
	CHECK_EQ(vpci_host_bridge_read(0x06, 2) & 0x10, 0);
	CHECK_EQ(vpci_host_bridge_read(0x34, 1), 0);
	for (uint16_t o = 0x10; o < 0x28; o += 4)
		CHECK_EQ(vpci_host_bridge_read(o, 4), 0);
	CHECK_EQ(vpci_host_bridge_read(0x30, 4), 0);
	CHECK_EQ(vpci_host_bridge_read(0x3c, 4), 0);
	CHECK_EQ(vpci_host_bridge_read(0x100, 4), 0);
	CHECK_EQ(vpci_host_bridge_read(0x03, 2), 0xffffffffu);
	CHECK_EQ(vpci_host_bridge_read(0x00, 3), 0xffffffffu);
	CHECK_EQ(vpci_host_bridge_read(0x1000, 1), 0xffffffffu);
}

/* ---- hostile guest ---- */

static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

/* Every write the model made is one it may make, with allowed values. */
static void check_log(const struct fake *f, uint16_t host_cmd,
		      uint16_t host_devctl, unsigned from)
{
	for (unsigned i = from; i < f->nlog; i++) {
		const struct wlog *w = &f->log[i];

		if (w->off == 0x04) {
			CHECK_EQ(w->size, 2);
			CHECK_EQ(w->val & ~0x0407u, host_cmd & ~0x0407u);
		} else if (w->off == 0x06) {
			CHECK_EQ(w->size, 2);
			CHECK_EQ(w->val & ~0xf900u, 0);
		} else if (w->off == E_PM + 4) {
			CHECK_EQ(w->size, 2);
			CHECK(((w->val & 3) == 0 || (w->val & 3) == 3));
			CHECK_EQ(w->val & 0x8000, 0);
		} else if (w->off == E_EXP + 8) {
			CHECK_EQ(w->size, 2);
			CHECK_EQ(w->val & ~0x7510u, host_devctl & ~0x7510u);
		} else if (w->off >= 0x10 && w->off < 0x24) {
			/* Only restores after a reset. */
			CHECK(f->resets > 0);
		} else {
			CHECK(0 && "write to a forbidden register");
			fprintf(stderr, "  off 0x%x size %u val 0x%x\n", w->off,
				w->size, w->val);
		}
	}
}

static void test_fuzz(void)
{
	static const uint8_t sizes[] = { 1, 2, 4, 1, 2, 4, 3, 8 };
	struct fake *f = &F;
	uint32_t bars[VPCI_NR_BARS];
	unsigned writes = 0;

	make_e1000e(f);
	CHECK_EQ(init(f), VPCI_OK);
	memcpy(bars, &f->cfg[0x10], sizeof(bars));
	for (unsigned it = 0; it < 200000; it++) {
		uint32_t r = rng();
		uint16_t off = (r & 1) ? (uint16_t)(rng() % 0x1004) :
					 (uint16_t)(rng() % 0x100);
		uint8_t size = sizes[rng() % sizeof(sizes)];
		uint32_t val =
			(r & 6) == 0 ? 0xffffffffu : rng() ^ (rng() << 16);

		if (r & 8)
			vpci_write(&D, off, size, val);
		else
			vpci_read(&D, off, size);
		if (f->nlog > LOG_MAX - 64) {
			check_log(f, E_CMD, 0x2810, 0);
			writes += f->nlog;
			f->nlog = 0;
		}
	}
	check_log(f, E_CMD, 0x2810, 0);
	writes += f->nlog;
	rd(0, 4); /* a pending restore happens here */
	CHECK(memcmp(bars, &f->cfg[0x10], sizeof(bars)) == 0);
	CHECK_EQ(get(f, 0x30, 4), 0xf7c40000u);
	CHECK_EQ(get(f, 0x04, 2) & ~0x0407u, E_CMD & ~0x0407u);
	CHECK_EQ(get(f, E_MSI + 4, 4), 0xdeadbeef);
	CHECK_EQ(get(f, E_MSIX + 2, 2), 0x0004);
	CHECK_EQ(get(f, E_VNDR + 4, 1), 0x5a);
	CHECK_EQ(get(f, 0x100, 4), 0x14010001);
	CHECK_EQ(f->bad_align, 0);
	/* The guest still sees the host addresses. */
	for (unsigned i = 0; i < VPCI_NR_BARS; i++)
		wr(0x10 + 4 * i, 4, 0);
	CHECK_EQ(rd(0x10, 4), E_BAR0);
	CHECK_EQ(rd(0x18, 4), 4);
	printf("fuzz: 200000 accesses, %u device writes, %u device resets\n",
	       writes, f->resets);
}

int main(void)
{
	test_init_e1000e();
	test_init_rejects();
	test_header();
	test_bad_accesses();
	test_command();
	test_status();
	test_bars_e1000e();
	test_bars_64();
	test_intline();
	test_caps_e1000e();
	test_caps_nvme();
	test_no_caps();
	test_caps_malformed();
	test_msi();
	test_msi_masking();
	test_msix();
	test_pcie();
	test_pm();
	test_pm_reset();
	test_host_bridge();
	test_fuzz();
	return test_summary();
}
