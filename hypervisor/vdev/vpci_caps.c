// SPDX-License-Identifier: MIT
/*
 * The capabilities of an assigned function's virtual config space (see
 * vpci.h and docs/virtual-pci.md): the filtered list and the four
 * capabilities the guest may see.
 *
 *   PM     PMC and PMCSR pass through, but only PowerState D0/D3hot is
 *          written (PCI Bus Power Management Interface 1.2, §3.2).
 *   MSI    entirely virtual (PCI Local Bus 3.0, §6.8.1); the hypervisor
 *          learns of changes through msi_changed().
 *   MSI-X  table/PBA location from the device, Enable and Function Mask
 *          virtual (PCI 3.0, §6.8.2), reported through msix_control().
 *   PCIe   reads pass; Device Control (2) writes pass selected bits
 *          (PCI Express Base 4.0, §7.5.3).
 *
 * Every other capability is unlinked, and every byte of config space
 * from 0x40 to 0xff that is not in a visible capability reads 0.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vdev/vpci_caps.h>

/* Capability list (PCI 3.0 §6.7): pointers are dword aligned. */
#define CAP_PTR_MASK 0xfc
#define CAP_TTL 48 /* (0x100 - 0x40) / 4: more entries means a loop */

/* PCI PM 1.2 §3.2.3 PMC and §3.2.4 PMCSR. */
#define PM_PMCSR 4
#define PM_LEN 8
#define PMC_D1 (1u << 9)
#define PMC_D2 (1u << 10)
#define PMC_PME_SUPPORT (0x1fu << 11)
#define PMC_HIDDEN (PMC_D1 | PMC_D2 | PMC_PME_SUPPORT)
#define PMCSR_STATE 3u
#define PMCSR_NO_SOFT_RESET (1u << 3)
#define PMCSR_PME_STATUS (1u << 15)
#define PM_D0 0
#define PM_D3HOT 3

/* MSI (PCI 3.0 §6.8.1.3-6.8.1.7). */
#define MSI_CTRL 2
#define MSI_ADDR_LO 4
#define MSI_CTRL_ENABLE (1u << 0)
#define MSI_CTRL_MMC_SHIFT 1
#define MSI_CTRL_MME_SHIFT 4
#define MSI_CTRL_MMx_MASK 7u
#define MSI_CTRL_64BIT (1u << 7)
#define MSI_CTRL_PVM (1u << 8)
#define MSI_CTRL_RO                                                 \
	(MSI_CTRL_MMx_MASK << MSI_CTRL_MMC_SHIFT | MSI_CTRL_64BIT | \
	 MSI_CTRL_PVM)
#define MSI_ADDR_LO_MASK 0xfffffffcu /* bits 1:0 are reserved */
#define MSI_MAX_MME 5		     /* 32 vectors; 6 and 7 are reserved */
/* Structure lengths: 32/64-bit address, without/with per-vector masking. */
#define MSI_LEN_32 0x0a
#define MSI_LEN_64 0x0e
#define MSI_LEN_32_PVM 0x14
#define MSI_LEN_64_PVM 0x18

/* MSI-X (PCI 3.0 §6.8.2.3-6.8.2.5). */
#define MSIX_CTRL 2
#define MSIX_TABLE 4
#define MSIX_PBA 8
#define MSIX_LEN 12
#define MSIX_CTRL_SIZE_MASK 0x7ffu
#define MSIX_CTRL_MASKALL (1u << 14)
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_BIR_MASK 7u
#define MSIX_OFF_MASK 0xfffffff8u
#define MSIX_ENTRY_SIZE 16
#define MSIX_PBA_BITS_PER_QWORD 64

/* PCI Express Capability (PCIe 4.0 §7.5.3). */
#define EXP_FLAGS 2
#define EXP_FLAGS_VERSION 0xfu
#define EXP_DEVCAP 4
#define EXP_DEVCTL 8
#define EXP_DEVCTL2 0x28
#define EXP_LEN_V1 0x24
#define EXP_LEN_V2 0x3c
#define DEVCAP_FLR (1u << 28)
/*
 * Device Control bits the guest may change (§7.5.3.4): Relaxed Ordering
 * (4), Extended Tag (8), Aux Power PM (10), Max_Read_Request_Size (14:12).
 * The rest keeps the host's value: Max_Payload_Size (7:5) must match the
 * real upstream port, Phantom Functions (9) would make the device use
 * requester IDs the IOMMU does not map for it, No Snoop (11) is a
 * coherency decision of the hypervisor's, and Initiate FLR (15) is
 * corral's. The error reporting enables (0-3) are virtual: error messages
 * reach the host's root port, where they can become NMIs or machine
 * checks, so the host decides; the guest reads back what it wrote.
 */
#define DEVCTL_FLR (1u << 15)
#define DEVCTL_GUEST_FWD 0x7510u
#define DEVCTL_GUEST_VIRT 0x000fu
/*
 * Device Control 2 (§7.5.3.16): Completion Timeout Value/Disable (4:0),
 * AtomicOp Requester (6), IDO Request/Completion (9:8). Not LTR, OBFF or
 * 10-bit tags, which depend on the platform's support along the path.
 */
#define DEVCTL2_GUEST_FWD 0x035fu

#define BYTE_BITS 8

/* ---- the list ---- */

static uint8_t pcie_len(const struct vpci_dev *d, uint8_t off)
{
	uint16_t flags = (uint16_t)vpci_dev_read(d, off + EXP_FLAGS, 2);

	return (flags & EXP_FLAGS_VERSION) >= 2 ? EXP_LEN_V2 : EXP_LEN_V1;
}

static uint8_t msi_len(uint16_t ctrl)
{
	if (ctrl & MSI_CTRL_PVM)
		return ctrl & MSI_CTRL_64BIT ? MSI_LEN_64_PVM : MSI_LEN_32_PVM;
	return ctrl & MSI_CTRL_64BIT ? MSI_LEN_64 : MSI_LEN_32;
}

/* The length of an allowed capability at off, or 0 if it does not fit. */
static unsigned cap_len(const struct vpci_dev *d, uint8_t off, uint8_t id)
{
	unsigned room = VPCI_CFG_LEGACY_SIZE - off, len;

	switch (id) {
	case VPCI_CAP_ID_PM:
		len = PM_LEN;
		break;
	case VPCI_CAP_ID_MSI:
		len = msi_len((uint16_t)vpci_dev_read(d, off + MSI_CTRL, 2));
		break;
	case VPCI_CAP_ID_PCIE:
		/*
		 * A version 1 endpoint implements only the registers up to
		 * Link Status, so one at 0xe0 is legal: clip to the end of
		 * the legacy space, where extended space starts (reads 0).
		 */
		len = pcie_len(d, off);
		return len < room ? len : room;
	case VPCI_CAP_ID_MSIX:
		len = MSIX_LEN;
		break;
	default:
		return 0;
	}
	return len <= room ? len : 0;
}

static bool cap_overlaps(const struct vpci_dev *d, unsigned off, unsigned len)
{
	for (unsigned k = 0; k < d->nr_caps; k++) {
		const struct vpci_cap *c = &d->caps[k];

		if (off < c->off + c->len && c->off < off + len)
			return true;
	}
	return false;
}

static uint8_t *cap_slot(struct vpci_dev *d, uint8_t id)
{
	switch (id) {
	case VPCI_CAP_ID_PM:
		return &d->pm_off;
	case VPCI_CAP_ID_MSI:
		return &d->msi_off;
	case VPCI_CAP_ID_PCIE:
		return &d->pcie_off;
	case VPCI_CAP_ID_MSIX:
		return &d->msix_off;
	default:
		return NULL;
	}
}

/* A table or PBA location must lie inside an implemented memory BAR. */
static bool msix_region_ok(const struct vpci_dev *d, uint32_t reg, uint64_t len)
{
	unsigned bir = reg & MSIX_BIR_MASK;
	uint64_t off = reg & MSIX_OFF_MASK;

	if (bir >= VPCI_NR_BARS || !d->bar[bir].present || d->bar[bir].io)
		return false;
	return off < d->bar[bir].size && len <= d->bar[bir].size - off;
}

static int msix_setup(struct vpci_dev *d, uint8_t off)
{
	struct vpci_msix *x = &d->msix;
	unsigned n;

	x->ctrl_ro = (uint16_t)vpci_dev_read(d, off + MSIX_CTRL, 2) &
		     MSIX_CTRL_SIZE_MASK;
	x->table = vpci_dev_read(d, off + MSIX_TABLE, 4);
	x->pba = vpci_dev_read(d, off + MSIX_PBA, 4);
	n = x->ctrl_ro + 1u;
	if (!msix_region_ok(d, x->table, (uint64_t)n * MSIX_ENTRY_SIZE) ||
	    !msix_region_ok(d, x->pba,
			    (n + MSIX_PBA_BITS_PER_QWORD - 1) /
				    MSIX_PBA_BITS_PER_QWORD * 8))
		return -EINVAL;
	return 0;
}

static void pcie_setup(struct vpci_dev *d, uint8_t off)
{
	d->pcie_ver = vpci_dev_read(d, off + EXP_FLAGS, 2) & EXP_FLAGS_VERSION;
	d->devctl_dev =
		(uint16_t)(vpci_dev_read(d, off + EXP_DEVCTL, 2) & ~DEVCTL_FLR);
	d->devctl_guest = d->devctl_dev & DEVCTL_GUEST_VIRT;
	if (d->pcie_ver >= 2)
		d->devctl2_dev =
			(uint16_t)vpci_dev_read(d, off + EXP_DEVCTL2, 2);
}

/* Snapshots what the model needs of an allowed capability; an error hides
 * it. */
static int setup_cap(struct vpci_dev *d, uint8_t off, uint8_t id)
{
	switch (id) {
	case VPCI_CAP_ID_MSI:
		d->msi.ctrl_ro = (uint16_t)vpci_dev_read(d, off + MSI_CTRL, 2) &
				 MSI_CTRL_RO;
		return 0;
	case VPCI_CAP_ID_PCIE:
		pcie_setup(d, off);
		return 0;
	case VPCI_CAP_ID_MSIX:
		/* A table outside its BAR is unusable: hide MSI-X. */
		return msix_setup(d, off);
	default:
		return 0;
	}
}

/* Keeps the first well-formed instance of each allowed capability. */
static void add_cap(struct vpci_dev *d, uint8_t off, uint8_t id)
{
	uint8_t *slot = cap_slot(d, id);
	unsigned len;

	if (!slot || *slot || d->nr_caps >= VPCI_MAX_CAPS)
		return;
	len = cap_len(d, off, id);
	if (!len || cap_overlaps(d, off, len) || setup_cap(d, off, id))
		return;
	d->caps[d->nr_caps++] = (struct vpci_cap){
		.off = off,
		.len = (uint8_t)len,
		.id = id,
	};
	*slot = off;
}

void vpci_caps_init(struct vpci_dev *d, uint8_t ptr)
{
	ptr &= CAP_PTR_MASK;
	for (unsigned ttl = CAP_TTL; ptr >= VPCI_CAPS_START && ttl; ttl--) {
		uint16_t hdr = (uint16_t)vpci_dev_read(d, ptr, 2);

		add_cap(d, ptr, (uint8_t)hdr);
		ptr = (hdr >> BYTE_BITS) & CAP_PTR_MASK;
	}
	for (unsigned k = 0; k < d->nr_caps; k++)
		d->caps[k].next = k + 1 < d->nr_caps ? d->caps[k + 1].off : 0;
	d->cap_first = d->nr_caps ? d->caps[0].off : 0;
}

static const struct vpci_cap *cap_at(const struct vpci_dev *d, uint16_t dw)
{
	for (unsigned k = 0; k < d->nr_caps; k++) {
		const struct vpci_cap *c = &d->caps[k];

		if (dw >= c->off && dw < c->off + c->len)
			return c;
	}
	return NULL;
}

/* ---- MSI ---- */

static uint64_t msi_addr(const struct vpci_dev *d)
{
	uint64_t a = d->msi.addr_lo;

	if (d->msi.ctrl_ro & MSI_CTRL_64BIT)
		a |= (uint64_t)d->msi.addr_hi << 32;
	return a;
}

static uint16_t msi_ctrl(const struct vpci_dev *d)
{
	return d->msi.ctrl_ro | (d->msi.enabled ? MSI_CTRL_ENABLE : 0) |
	       (uint16_t)(d->msi.mme << MSI_CTRL_MME_SHIFT);
}

/* Offsets after the address: 64-bit adds Message Upper Address (§6.8.1). */
static unsigned msi_data_off(const struct vpci_dev *d)
{
	return d->msi.ctrl_ro & MSI_CTRL_64BIT ? 12 : 8;
}

static void msi_notify(struct vpci_dev *d, const struct vpci_msi *old)
{
	const struct vpci_msi *m = &d->msi;
	bool moved = old->addr_lo != m->addr_lo || old->addr_hi != m->addr_hi ||
		     old->data != m->data || old->mme != m->mme;

	if (!d->ops->msi_changed)
		return;
	if (old->enabled != m->enabled || (m->enabled && moved))
		d->ops->msi_changed(d->ctx, m->enabled, msi_addr(d), m->data,
				    1u << m->mme);
}

static uint32_t msi_read(const struct vpci_dev *d, const struct vpci_cap *c,
			 unsigned r)
{
	unsigned data = msi_data_off(d);

	if (r == 0)
		return c->id | (uint32_t)c->next << BYTE_BITS |
		       (uint32_t)msi_ctrl(d) << 16;
	if (r == MSI_ADDR_LO)
		return d->msi.addr_lo;
	if (r == data)
		return d->msi.data;
	if (r == data + 4)
		return d->msi.mask;
	if (r == data + 8) /* Pending Bits: read-only, from the device */
		return vpci_dev_read(d, c->off + r, 4);
	return d->msi.addr_hi; /* r == 8 of a 64-bit capability */
}

static void write_msi_mask(struct vpci_dev *d)
{
	if (d->msi.ctrl_ro & MSI_CTRL_PVM)
		vpci_dev_write(d,
			       vpci_cap_offset(d, VPCI_CAP_ID_MSI) +
				       msi_data_off(d) + 4,
			       4, d->msi.mask);
}

static void msi_write(struct vpci_dev *d, unsigned r, uint32_t v,
		      uint32_t wmask)
{
	struct vpci_msi old = d->msi, *m = &d->msi;
	unsigned data = msi_data_off(d);

	if (r == 0 && (wmask & 0x00ff0000u)) {
		uint8_t lo = (uint8_t)(v >> 16);
		uint8_t mmc =
			(m->ctrl_ro >> MSI_CTRL_MMC_SHIFT) & MSI_CTRL_MMx_MASK;
		uint8_t mme = (lo >> MSI_CTRL_MME_SHIFT) & MSI_CTRL_MMx_MASK;

		if (mmc > MSI_MAX_MME)
			mmc = MSI_MAX_MME;
		m->enabled = lo & MSI_CTRL_ENABLE;
		m->mme = mme > mmc ? mmc : mme;
	} else if (r == MSI_ADDR_LO) {
		m->addr_lo =
			vpci_merge(m->addr_lo, v, wmask) & MSI_ADDR_LO_MASK;
	} else if (r == data) {
		m->data = (uint16_t)vpci_merge(m->data, v, wmask & 0xffffu);
	} else if (r == data + 4) {
		/* Mask bits reach the device, which then holds a masked
		 * message and sets its pending bit (§6.8.1.8-9), as the
		 * guest expects; corral could not tell a masked one apart. */
		m->mask = vpci_merge(m->mask, v, wmask);
		write_msi_mask(d);
	} else if (r == 8 && data == 12) {
		m->addr_hi = vpci_merge(m->addr_hi, v, wmask);
	}
	msi_notify(d, &old);
}

/* ---- MSI-X ---- */

static uint32_t msix_read(const struct vpci_dev *d, const struct vpci_cap *c,
			  unsigned r)
{
	uint16_t ctrl = d->msix.ctrl_ro |
			(d->msix.masked ? MSIX_CTRL_MASKALL : 0) |
			(d->msix.enabled ? MSIX_CTRL_ENABLE : 0);

	if (r == 0)
		return c->id | (uint32_t)c->next << BYTE_BITS |
		       (uint32_t)ctrl << 16;
	return r == MSIX_TABLE ? d->msix.table : d->msix.pba;
}

static void msix_write(struct vpci_dev *d, unsigned r, uint32_t v,
		       uint32_t wmask)
{
	bool en, mask;

	/* Enable and Function Mask are bits 15:14: the dword's top byte. */
	if (r != 0 || !(wmask & 0xff000000u))
		return;
	en = v & ((uint32_t)MSIX_CTRL_ENABLE << 16);
	mask = v & ((uint32_t)MSIX_CTRL_MASKALL << 16);
	if (en == d->msix.enabled && mask == d->msix.masked)
		return;
	d->msix.enabled = en;
	d->msix.masked = mask;
	if (d->ops->msix_control)
		d->ops->msix_control(d->ctx, en, mask);
}

/* ---- power management ---- */

static uint32_t pm_read(const struct vpci_dev *d, const struct vpci_cap *c,
			unsigned r)
{
	uint32_t v = vpci_dev_read(d, c->off + r, 4);

	if (r != 0)
		return v; /* PMCSR, PMCSR_BSE, Data */
	/* No D1/D2, no PME: those writes would not reach the device. */
	v &= ~((uint32_t)PMC_HIDDEN << 16);
	return c->id | (uint32_t)c->next << BYTE_BITS | (v & 0xffff0000u);
}

/* Only PowerState (D0/D3hot) reaches the device (PCI PM 1.2 §3.2.4). */
static void pm_write(struct vpci_dev *d, const struct vpci_cap *c, unsigned r,
		     uint32_t v, uint32_t wmask)
{
	uint16_t cur, state = v & PMCSR_STATE;

	if (r != PM_PMCSR || !(wmask & 0xffu))
		return;
	if (state != PM_D0 && state != PM_D3HOT)
		return;
	cur = (uint16_t)vpci_dev_read(d, c->off + PM_PMCSR, 2);
	if ((cur & PMCSR_STATE) == state)
		return;
	/* PME_Status is RW1C: write it as 0. Other fields keep their values. */
	vpci_dev_write(d, c->off + PM_PMCSR, 2,
		       (cur & ~(PMCSR_PME_STATUS | PMCSR_STATE)) | state);
	/*
	 * D3hot->D0 without No_Soft_Reset is an internal reset (PCI PM 1.2
	 * §3.2.4): BARs and command return to defaults. The guest must wait
	 * 10 ms before its next access (§5.6.1); restore then.
	 */
	if ((cur & PMCSR_STATE) == PM_D3HOT && state == PM_D0 &&
	    !(cur & PMCSR_NO_SOFT_RESET))
		d->restore_pending = true;
}

/* ---- PCI Express ---- */

static uint32_t pcie_read(const struct vpci_dev *d, const struct vpci_cap *c,
			  unsigned r)
{
	uint32_t v = vpci_dev_read(d, c->off + r, 4);

	if (r == 0)
		return c->id | (uint32_t)c->next << BYTE_BITS |
		       (v & 0xffff0000u);
	if (r == EXP_DEVCAP)
		v &= ~DEVCAP_FLR; /* FLR writes are dropped: do not offer it */
	if (r == EXP_DEVCTL)
		v = (v & ~DEVCTL_GUEST_VIRT) | d->devctl_guest;
	return v;
}

/* A 16-bit register where only `fwd` bits follow the guest. */
static void pcie_ctl_write(struct vpci_dev *d, uint16_t off, uint16_t *dev,
			   uint16_t fwd, uint32_t v, uint32_t wmask)
{
	uint16_t guest = (uint16_t)vpci_merge(*dev, v, wmask & 0xffffu);
	uint16_t val = (uint16_t)((*dev & ~fwd) | (guest & fwd));

	if (val == *dev)
		return;
	vpci_dev_write(d, off, 2, val);
	*dev = val;
}

static void pcie_write(struct vpci_dev *d, const struct vpci_cap *c, unsigned r,
		       uint32_t v, uint32_t wmask)
{
	if (!(wmask & 0xffffu))
		return; /* Device Status and the other upper halves: dropped */
	if (r == EXP_DEVCTL) {
		d->devctl_guest = (uint16_t)vpci_merge(d->devctl_guest, v,
						       wmask & 0xffffu) &
				  DEVCTL_GUEST_VIRT;
		pcie_ctl_write(d, c->off + EXP_DEVCTL, &d->devctl_dev,
			       DEVCTL_GUEST_FWD, v, wmask);
	} else if (r == EXP_DEVCTL2 && d->pcie_ver >= 2)
		pcie_ctl_write(d, c->off + EXP_DEVCTL2, &d->devctl2_dev,
			       DEVCTL2_GUEST_FWD, v, wmask);
}

/* ---- dispatch ---- */

/* Bytes of a capability's dword at r that belong to it; the rest read 0. */
static uint32_t cap_bytes(const struct vpci_cap *c, unsigned r)
{
	unsigned left = c->len - r;

	return left >= 4 ? 0xffffffffu : (1u << (left * BYTE_BITS)) - 1;
}

uint32_t vpci_caps_read(const struct vpci_dev *d, uint16_t dw)
{
	const struct vpci_cap *c = cap_at(d, dw);
	unsigned r;
	uint32_t v;

	if (!c)
		return 0; /* hidden capabilities and everything else */
	r = dw - c->off;
	switch (c->id) {
	case VPCI_CAP_ID_PM:
		v = pm_read(d, c, r);
		break;
	case VPCI_CAP_ID_MSI:
		v = msi_read(d, c, r);
		break;
	case VPCI_CAP_ID_PCIE:
		v = pcie_read(d, c, r);
		break;
	default:
		v = msix_read(d, c, r);
		break;
	}
	return v & cap_bytes(c, r);
}

void vpci_caps_write(struct vpci_dev *d, uint16_t dw, uint32_t v,
		     uint32_t wmask)
{
	const struct vpci_cap *c = cap_at(d, dw);
	unsigned r;

	if (!c)
		return;
	r = dw - c->off;
	wmask &= cap_bytes(c, r);
	switch (c->id) {
	case VPCI_CAP_ID_PM:
		pm_write(d, c, r, v, wmask);
		break;
	case VPCI_CAP_ID_MSI:
		msi_write(d, r, v, wmask);
		break;
	case VPCI_CAP_ID_PCIE:
		pcie_write(d, c, r, v, wmask);
		break;
	default:
		msix_write(d, r, v, wmask);
		break;
	}
}

/* Rewrites the host-owned PCIe Device Control (2) after a reset. */
void vpci_caps_restore(struct vpci_dev *d)
{
	if (d->msi.mask)
		write_msi_mask(d);
	if (!d->pcie_off)
		return;
	vpci_dev_write(d, d->pcie_off + EXP_DEVCTL, 2, d->devctl_dev);
	if (d->pcie_ver >= 2)
		vpci_dev_write(d, d->pcie_off + EXP_DEVCTL2, 2, d->devctl2_dev);
}

/* Tells the hypervisor again about enabled vectors, which a reset lost. */
void vpci_caps_replay(struct vpci_dev *d)
{
	if (d->msi.enabled && d->ops->msi_changed)
		d->ops->msi_changed(d->ctx, true, msi_addr(d), d->msi.data,
				    1u << d->msi.mme);
	if ((d->msix.enabled || d->msix.masked) && d->ops->msix_control)
		d->ops->msix_control(d->ctx, d->msix.enabled, d->msix.masked);
}

/* ---- queries ---- */

bool vpci_msix_location(const struct vpci_dev *d, unsigned *bir,
			uint32_t *table_off, unsigned *nr_entries,
			unsigned *pba_bir, uint32_t *pba_off)
{
	if (!d->msix_off)
		return false;
	if (bir)
		*bir = d->msix.table & MSIX_BIR_MASK;
	if (table_off)
		*table_off = d->msix.table & MSIX_OFF_MASK;
	if (nr_entries)
		*nr_entries = d->msix.ctrl_ro + 1u;
	if (pba_bir)
		*pba_bir = d->msix.pba & MSIX_BIR_MASK;
	if (pba_off)
		*pba_off = d->msix.pba & MSIX_OFF_MASK;
	return true;
}

bool vpci_msi_state(const struct vpci_dev *d, struct vpci_msi *out)
{
	if (!d->msi_off)
		return false;
	*out = d->msi;
	return true;
}

uint8_t vpci_cap_offset(const struct vpci_dev *d, uint8_t id)
{
	switch (id) {
	case VPCI_CAP_ID_PM:
		return d->pm_off;
	case VPCI_CAP_ID_MSI:
		return d->msi_off;
	case VPCI_CAP_ID_PCIE:
		return d->pcie_off;
	case VPCI_CAP_ID_MSIX:
		return d->msix_off;
	default:
		return 0;
	}
}
