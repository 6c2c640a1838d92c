// SPDX-License-Identifier: MIT
/*
 * Host PCI. Configuration space through ECAM when the firmware lists an MCFG
 * (PCI Firmware 3.2, 4.1.2), through mechanism #1 (0xcf8/0xcfc, PCI 3.0
 * 3.2.2.3.2) otherwise. Bus 0 is scanned and every bridge's secondary bus
 * after it (PCI-to-PCI Bridge 1.2, 3.2.5).
 */
#include <errno.h>
#include <format.h>
#include <host/acpi.h>
#include <host/log.h>
#include <host/pci.h>
#include <host/pci_groups.h>
#include <host/spinlock.h>
#include <host/timekeeping.h>
#include <arch/x86.h>

#define CONF1_ADDR 0xcf8
#define CONF1_DATA 0xcfc
#define CONF1_ENABLE 0x80000000u
#define MCFG_ALLOC_OFFSET 44 /* after the header and 8 reserved bytes */
#define PCI_EXP_DEVCAP 0x04
#define PCI_EXP_DEVCTL 0x08
#define PCI_EXP_DEVCAP_FLR (1u << 28)
#define PCI_EXP_DEVCTL_FLR (1u << 15)
#define PCI_PM_CTRL 0x04
#define PCI_PM_CTRL_STATE_MASK 0x3
#define PCI_PM_CTRL_NO_SOFT_RESET 0x8
#define PCI_D3HOT 3
#define PCI_EXP_FLAGS 0x02
#define PCI_EXP_FLAGS_TYPE_SHIFT 4
#define PCI_EXP_FLAGS_TYPE_MASK 0xf
#define PCI_EXT_CAP_START 0x100
#define PCI_EXT_CAP_ID_ACS 0x000d
#define PCI_ACS_CAP 0x04
#define PCI_ACS_CTRL 0x06
/* ACS Source Validation, P2P Request Redirect, P2P Completion Redirect,
 * Upstream Forwarding (PCIe 4.0, 7.7.7.2): together they send every
 * peer-to-peer request up to the root complex, through the IOMMU. */
#define PCI_ACS_ISOLATE 0x001d

static uint64_t ecam_base;
static uint8_t ecam_bus_end;
static struct spinlock conf1_lock;
static struct pci_device devices[PCI_MAX_DEVICES];
static uint32_t nr_devices;

bool pci_uses_ecam(void)
{
	return ecam_base != 0;
}

uint64_t pci_ecam_base(void)
{
	return ecam_base;
}

static volatile void *ecam_ptr(uint16_t bdf, uint16_t off)
{
	return (volatile void *)(ecam_base + ((uint64_t)bdf << 12) + off);
}

uint32_t pci_read(uint16_t bdf, uint16_t off, uint8_t size)
{
	uint32_t v;

	if (ecam_base && (bdf >> 8) <= ecam_bus_end) {
		if (size == 1)
			return *(volatile uint8_t *)ecam_ptr(bdf, off);
		if (size == 2)
			return *(volatile uint16_t *)ecam_ptr(bdf, off);
		return *(volatile uint32_t *)ecam_ptr(bdf, off);
	}
	if (off >= 256)
		return 0xffffffff;
	spin_lock(&conf1_lock);
	outl(CONF1_ADDR, CONF1_ENABLE | ((uint32_t)bdf << 8) | (off & 0xfc));
	v = inl(CONF1_DATA) >> (8 * (off & 3));
	spin_unlock(&conf1_lock);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

void pci_write(uint16_t bdf, uint16_t off, uint8_t size, uint32_t val)
{
	if (ecam_base && (bdf >> 8) <= ecam_bus_end) {
		if (size == 1)
			*(volatile uint8_t *)ecam_ptr(bdf, off) = (uint8_t)val;
		else if (size == 2)
			*(volatile uint16_t *)ecam_ptr(bdf, off) =
				(uint16_t)val;
		else
			*(volatile uint32_t *)ecam_ptr(bdf, off) = val;
		return;
	}
	if (off >= 256)
		return;
	spin_lock(&conf1_lock);
	outl(CONF1_ADDR, CONF1_ENABLE | ((uint32_t)bdf << 8) | (off & 0xfc));
	if (size == 1)
		outb(CONF1_DATA + (off & 3), (uint8_t)val);
	else if (size == 2)
		outw(CONF1_DATA + (off & 2), (uint16_t)val);
	else
		outl(CONF1_DATA, val);
	spin_unlock(&conf1_lock);
}

uint8_t pci_find_cap(uint16_t bdf, uint8_t id)
{
	uint8_t pos;

	if (!(pci_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = pci_read(bdf, PCI_CAPABILITY_LIST, 1) & 0xfc;
	for (int guard = 0; pos && guard < 48; guard++) {
		if (pci_read(bdf, pos, 1) == id)
			return pos;
		pos = pci_read(bdf, pos + 1, 1) & 0xfc;
	}
	return 0;
}

/* Sizes the BARs with decoding off (PCI 3.0 6.2.5.1), before any guest
 * can have touched them, and puts the firmware's values back. */
static void record_bars(struct pci_device *d)
{
	unsigned nr = d->is_bridge ? 2 : PCI_NR_BARS;
	uint16_t cmd = pci_read(d->bdf, PCI_COMMAND, 2);
	uint32_t probe[PCI_NR_BARS] = { 0 };

	pci_write(d->bdf, PCI_COMMAND, 2,
		  cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (unsigned i = 0; i < nr; i++) {
		uint16_t reg = PCI_BAR0 + 4 * i;

		d->bar_raw[i] = pci_read(d->bdf, reg, 4);
		pci_write(d->bdf, reg, 4, 0xffffffff);
		probe[i] = pci_read(d->bdf, reg, 4);
		pci_write(d->bdf, reg, 4, d->bar_raw[i]);
	}
	pci_write(d->bdf, PCI_COMMAND, 2, cmd);
	pci_bars_decode(d->bar_raw, probe, d->bars);
}

void pci_restore_bars(struct pci_device *d)
{
	unsigned nr = d->is_bridge ? 2 : PCI_NR_BARS;
	char b[8];

	for (unsigned i = 0; i < nr; i++) {
		uint16_t reg = PCI_BAR0 + 4 * i;
		uint32_t now = pci_read(d->bdf, reg, 4);

		if (now != d->bar_raw[i])
			pr_info("pci: %s: BAR%u restored from the boot-time record (it read 0x%x, the record says 0x%x)",
				pci_bdf_str(d->bdf, b), i, now, d->bar_raw[i]);
		pci_write(d->bdf, reg, 4, d->bar_raw[i]);
	}
}

void pci_for_each_bar(void (*fn)(void *ctx, const struct pci_device *d,
				 unsigned i, const struct pci_bar_rec *bar),
		      void *ctx)
{
	for (uint32_t k = 0; k < nr_devices; k++)
		for (unsigned i = 0; i < PCI_NR_BARS; i++)
			if (devices[k].bars[i].size)
				fn(ctx, &devices[k], i, &devices[k].bars[i]);
}

bool pci_ecam_window(uint64_t *start, uint64_t *end)
{
	*start = ecam_base;
	*end = ecam_base + ((uint64_t)ecam_bus_end + 1) * (1u << 20);
	return ecam_base != 0;
}

static void add_device(uint16_t bdf, uint16_t parent)
{
	struct pci_device *d;
	uint32_t id = pci_read(bdf, PCI_VENDOR_ID, 4);

	if (nr_devices == PCI_MAX_DEVICES) {
		pr_warn("pci: more than %u functions; ignoring the rest",
			PCI_MAX_DEVICES);
		return;
	}
	d = &devices[nr_devices++];
	d->bdf = bdf;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->class_rev = pci_read(bdf, PCI_CLASS_REVISION, 4);
	d->parent_bridge = parent;
	d->is_bridge = (pci_read(bdf, PCI_HEADER_TYPE, 1) & 0x7f) == 1;
	d->irq_line = pci_read(bdf, PCI_INTERRUPT_LINE, 1);
	record_bars(d);
}

static uint8_t pcie_type(uint16_t bdf)
{
	uint8_t exp = pci_find_cap(bdf, PCI_CAP_ID_EXP);

	if (!exp)
		return PCIE_TYPE_NONE;
	return (pci_read(bdf, exp + PCI_EXP_FLAGS, 2) >>
		PCI_EXP_FLAGS_TYPE_SHIFT) &
	       PCI_EXP_FLAGS_TYPE_MASK;
}

/* Offset of an extended capability (PCIe 4.0, 7.6.2), or 0. Only through
 * ECAM: mechanism #1 reaches the first 256 bytes alone. */
static uint16_t find_ext_cap(uint16_t bdf, uint16_t id)
{
	uint16_t off = PCI_EXT_CAP_START;

	if (!ecam_base)
		return 0;
	for (int n = 0; off >= PCI_EXT_CAP_START && n < 256; n++) {
		uint32_t h = pci_read(bdf, off, 4);

		if (h == 0 || h == 0xffffffffu)
			return 0;
		if ((h & 0xffff) == id)
			return off;
		off = (h >> 20) & 0xffc;
	}
	return 0;
}

/* Turns on what the function's ACS implements of PCI_ACS_ISOLATE, as
 * Linux does at boot (firmware leaves it off); false without ACS. */
static bool enable_acs(uint16_t bdf)
{
	uint16_t acs = find_ext_cap(bdf, PCI_EXT_CAP_ID_ACS), cap, ctrl;

	if (!acs)
		return false;
	cap = pci_read(bdf, acs + PCI_ACS_CAP, 2);
	ctrl = pci_read(bdf, acs + PCI_ACS_CTRL, 2);
	pci_write(bdf, acs + PCI_ACS_CTRL, 2, ctrl | (cap & PCI_ACS_ISOLATE));
	return true;
}

/* The isolation groups of everything found (host/pci_groups.h). */
static void compute_groups(void)
{
	static struct pci_topo_fn topo[PCI_MAX_DEVICES];

	for (uint32_t i = 0; i < nr_devices; i++) {
		const struct pci_device *d = &devices[i];
		const struct pci_device *p = pci_find(d->parent_bridge);

		topo[i] = (struct pci_topo_fn){
			.bdf = d->bdf,
			.parent = p ? (int)(p - devices) : -1,
			.is_bridge = d->is_bridge,
			.secondary =
				d->is_bridge ?
					pci_read(d->bdf, PCI_SECONDARY_BUS, 1) :
					0,
			.pcie_type = pcie_type(d->bdf),
			.acs = enable_acs(d->bdf),
		};
	}
	pci_groups_compute(topo, nr_devices);
	for (uint32_t i = 0; i < nr_devices; i++) {
		devices[i].group = topo[i].group;
		devices[i].group_why = topo[i].why;
		devices[i].dma_alias = topo[i].dma_alias;
	}
}

void pci_for_each_in_group(const struct pci_device *d,
			   void (*fn)(void *ctx, const struct pci_device *m),
			   void *ctx)
{
	for (uint32_t i = 0; i < nr_devices; i++)
		if (devices[i].group == d->group && !devices[i].is_bridge)
			fn(ctx, &devices[i]);
}

static void scan_bus(uint8_t bus, uint16_t parent, int depth)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		for (uint8_t fn = 0; fn < 8; fn++) {
			uint16_t bdf = PCI_BDF(bus, PCI_DEVFN(dev, fn));
			uint32_t id = pci_read(bdf, PCI_VENDOR_ID, 4);
			uint8_t sec;

			if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
				if (fn == 0)
					break;
				continue;
			}
			add_device(bdf, parent);
			if (devices[nr_devices - 1].is_bridge && depth < 8) {
				sec = pci_read(bdf, PCI_SECONDARY_BUS, 1);
				if (sec > bus)
					scan_bus(sec, bdf, depth + 1);
			}
			if (fn == 0 &&
			    !(pci_read(bdf, PCI_HEADER_TYPE, 1) & 0x80))
				break; /* single-function device */
		}
	}
}

static void find_ecam(uint64_t rsdp)
{
	const uint8_t *mcfg = acpi_find_table(rsdp, "MCFG");

	if (!mcfg || acpi_table_length(mcfg) < MCFG_ALLOC_OFFSET + 16)
		return;
	/* First allocation: base (8), segment (2), start bus, end bus. */
	if (*(const uint16_t *)(mcfg + MCFG_ALLOC_OFFSET + 8) != 0 ||
	    mcfg[MCFG_ALLOC_OFFSET + 10] != 0)
		return;
	ecam_base = *(const uint64_t *)(mcfg + MCFG_ALLOC_OFFSET);
	ecam_bus_end = mcfg[MCFG_ALLOC_OFFSET + 11];
}

void pci_init(uint64_t rsdp)
{
	char b[8];

	find_ecam(rsdp);
	scan_bus(0, PCI_NO_BRIDGE, 0);
	compute_groups();
	pr_info("pci: %u functions via %s", nr_devices,
		ecam_base ? "ECAM (MCFG)" : "configuration mechanism #1");
	for (uint32_t i = 0; i < nr_devices; i++)
		pr_info("pci:   %s %04x:%04x class %06x%s, group %u",
			pci_bdf_str(devices[i].bdf, b), devices[i].vendor,
			devices[i].device, devices[i].class_rev >> 8,
			devices[i].is_bridge ? " (bridge)" : "",
			devices[i].group);
}

struct pci_device *pci_find(uint16_t bdf)
{
	for (uint32_t i = 0; i < nr_devices; i++)
		if (devices[i].bdf == bdf)
			return &devices[i];
	return NULL;
}

static unsigned hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 16;
}

static const char *parse_hex(const char *s, unsigned digits, unsigned *out)
{
	*out = 0;
	for (unsigned i = 0; i < digits; i++, s++) {
		unsigned v = hexval(*s);

		if (v > 15)
			return NULL;
		*out = *out * 16 + v;
	}
	return s;
}

int pci_parse_bdf(const char *s, uint16_t *bdf)
{
	unsigned seg = 0, bus, dev, fn;
	const char *p = s;

	if (s[4] == ':') {
		p = parse_hex(p, 4, &seg);
		if (!p || *p++ != ':' || seg != 0)
			return -EINVAL;
	}
	p = parse_hex(p, 2, &bus);
	if (!p || *p++ != ':')
		return -EINVAL;
	p = parse_hex(p, 2, &dev);
	if (!p || *p++ != '.' || dev > 31)
		return -EINVAL;
	p = parse_hex(p, 1, &fn);
	if (!p || *p || fn > 7)
		return -EINVAL;
	*bdf = PCI_BDF(bus, PCI_DEVFN(dev, fn));
	return 0;
}

const char *pci_bdf_str(uint16_t bdf, char buf[8])
{
	snprintf(buf, 8, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 31, bdf & 7);
	return buf;
}

static void delay_ms(uint64_t ms)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * ms;

	while (rdtsc() < end)
		cpu_relax();
}

/* PCIe 4.0 6.6.2: FLR, then 100 ms before the function is usable. */
static int try_flr(struct pci_device *d, const struct vm *vm)
{
	uint16_t bdf = d->bdf;
	uint8_t exp = pci_find_cap(bdf, PCI_CAP_ID_EXP);

	if (!exp ||
	    !(pci_read(bdf, exp + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR))
		return -ENOTSUP;
	pci_write(bdf, exp + PCI_EXP_DEVCTL, 2,
		  pci_read(bdf, exp + PCI_EXP_DEVCTL, 2) | PCI_EXP_DEVCTL_FLR);
	delay_ms(100);
	return 0;
}

/* PCI PM 1.2 5.6.1: D3hot -> D0 resets the function unless No_Soft_Reset. */
static int try_pm_reset(struct pci_device *d, const struct vm *vm)
{
	uint16_t bdf = d->bdf;
	uint8_t pm = pci_find_cap(bdf, PCI_CAP_ID_PM);
	uint16_t ctrl;

	if (!pm)
		return -ENOTSUP;
	ctrl = pci_read(bdf, pm + PCI_PM_CTRL, 2);
	if (ctrl & PCI_PM_CTRL_NO_SOFT_RESET)
		return -ENOTSUP;
	pci_write(bdf, pm + PCI_PM_CTRL, 2,
		  (ctrl & ~PCI_PM_CTRL_STATE_MASK) | PCI_D3HOT);
	delay_ms(10);
	pci_write(bdf, pm + PCI_PM_CTRL, 2, ctrl & ~PCI_PM_CTRL_STATE_MASK);
	delay_ms(10);
	return 0;
}

/*
 * A secondary bus reset resets everything behind the bridge (PCI-to-PCI
 * Bridge 1.2, 3.2.5.17). It is used only when that is functions alone
 * (no bridge, whose bus numbers it would lose) that belong to the VM the
 * device goes to or comes from, or to nobody, and each gets its recorded
 * BARs back.
 */
static int try_bus_reset(struct pci_device *d, const struct vm *vm)
{
	uint16_t br = d->parent_bridge;
	uint16_t ctl;

	if (br == PCI_NO_BRIDGE)
		return -ENOTSUP;
	for (uint32_t i = 0; i < nr_devices; i++) {
		const struct pci_device *o = &devices[i];

		if (o->parent_bridge != br || o == d)
			continue;
		if (o->is_bridge || (o->owner && o->owner != vm))
			return -ENOTSUP;
	}
	ctl = pci_read(br, PCI_BRIDGE_CONTROL, 2);
	pci_write(br, PCI_BRIDGE_CONTROL, 2, ctl | PCI_BRIDGE_CTL_BUS_RESET);
	delay_ms(2);
	pci_write(br, PCI_BRIDGE_CONTROL, 2, ctl);
	delay_ms(100);
	for (uint32_t i = 0; i < nr_devices; i++)
		if (devices[i].parent_bridge == br && &devices[i] != d) {
			pci_restore_bars(&devices[i]);
			enable_acs(devices[i].bdf);
		}
	return 0;
}

/* AHCI 1.3.1, 10.4.3: GHC.HR resets the whole HBA; the controller clears
 * the bit when done (within 1 s). ABAR is BAR5. */
#define PCI_CLASS_AHCI 0x010601
#define AHCI_ABAR (PCI_BAR0 + 5 * 4)
#define AHCI_GHC 0x04
#define AHCI_GHC_HR 0x1u

static int try_ahci_reset(struct pci_device *d, const struct vm *vm)
{
	uint32_t abar = pci_read(d->bdf, AHCI_ABAR, 4) & ~0xfu;
	uint16_t cmd = pci_read(d->bdf, PCI_COMMAND, 2);
	volatile uint32_t *ghc;
	uint64_t end;

	if ((d->class_rev >> 8) != PCI_CLASS_AHCI || !abar)
		return -ENOTSUP;
	pci_write(d->bdf, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
	ghc = (volatile uint32_t *)((uint64_t)abar + AHCI_GHC);
	*ghc |= AHCI_GHC_HR;
	end = rdtsc() + tsc_hz;
	while ((*ghc & AHCI_GHC_HR) && rdtsc() < end)
		cpu_relax();
	pci_write(d->bdf, PCI_COMMAND, 2, cmd);
	return *ghc & AHCI_GHC_HR ? -ETIMEDOUT : 0;
}

/* Intel 8254x (e1000) NICs: CTRL.RST (bit 26 of CTRL at BAR0 + 0) resets
 * the MAC, self-clearing (8254x SDM 13.4.1). Bochs' and QEMU's e1000
 * (82540EM, 8086:100e) have neither FLR nor a PM capability. */
#define E1000_CTRL 0x0
#define E1000_CTRL_RST (1u << 26)

static bool is_8254x(const struct pci_device *d)
{
	return d->vendor == 0x8086 &&
	       (d->device == 0x100e || d->device == 0x100f ||
		d->device == 0x1004 || d->device == 0x1026);
}

static int try_e1000_reset(struct pci_device *d, const struct vm *vm)
{
	uint32_t bar0 = pci_read(d->bdf, PCI_BAR0, 4);
	uint16_t cmd = pci_read(d->bdf, PCI_COMMAND, 2);
	volatile uint32_t *ctrl;
	uint64_t end;

	if (!is_8254x(d) || (bar0 & 1) || !(bar0 & ~0xfu))
		return -ENOTSUP;
	pci_write(d->bdf, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
	ctrl = (volatile uint32_t *)((uint64_t)(bar0 & ~0xfu) + E1000_CTRL);
	*ctrl |= E1000_CTRL_RST;
	end = rdtsc() + tsc_hz / 10;
	while ((*ctrl & E1000_CTRL_RST) && rdtsc() < end)
		cpu_relax();
	pci_write(d->bdf, PCI_COMMAND, 2, cmd);
	return *ctrl & E1000_CTRL_RST ? -ETIMEDOUT : 0;
}

/* Devices known to need no reset (documented in docs/device-assignment.md). */
static int reset_quirk(struct pci_device *d, const struct vm *vm)
{
	/* QEMU's edu test device */
	return d->vendor == 0x1234 && d->device == 0x11e8 ? 0 : -ENOTSUP;
}

/* In order of preference: the first that applies and completes is used. */
static const struct {
	const char *name;
	int (*reset)(struct pci_device *d, const struct vm *vm);
} reset_methods[] = {
	{ "function-level reset", try_flr },
	{ "PM D3hot->D0", try_pm_reset },
	{ "secondary bus reset", try_bus_reset },
	{ "AHCI HBA reset (GHC.HR)", try_ahci_reset },
	{ "e1000 MAC reset (CTRL.RST)", try_e1000_reset },
	{ "none needed (quirk)", reset_quirk },
};

int pci_reset(struct pci_device *d, const struct vm *vm, const char **method)
{
	size_t m;

	for (m = 0; m < sizeof(reset_methods) / sizeof(reset_methods[0]); m++)
		if (!reset_methods[m].reset(d, vm))
			break;
	if (m == sizeof(reset_methods) / sizeof(reset_methods[0]))
		return -ENOTSUP;
	*method = reset_methods[m].name;
	/* Resets clear BARs on some paths, and a guest may have moved them:
	 * the firmware's layout, recorded at boot, is what the next owner
	 * gets. A reset also clears ACS Control, which the groups rely on. */
	pci_restore_bars(d);
	enable_acs(d->bdf);
	return 0;
}
