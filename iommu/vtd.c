// SPDX-License-Identifier: MIT
/*
 * The VT-d driver: DMA remapping with one domain per VM, interrupt
 * remapping, invalidation and fault reporting (VT-d spec rev 4.1, chapters
 * 3, 5, 6, 7, 11). Every device without a context entry is blocked; a
 * context entry exists only for a device assigned to a VM.
 */
#include "dmar.h"
#include <errno.h>
#include "irte.h"
#include "vtd_regs.h"
#include "vtd_tables.h"
#include <host/acpi.h>
#include <format.h>
#include <gpa_map.h>
#include <core/iommu.h>
#include <host/log.h>
#include <mm/page_alloc.h>
#include <host/pci.h>
#include <pt_build.h>
#include <host/spinlock.h>
#include <mm/stage2.h>
#include <string.h>
#include <host/timekeeping.h>
#include <core/vm.h>
#include <arch/x86.h>

#define IRT_ENTRIES 256
#define IRTA_SIZE_FIELD 7 /* 2^(7+1) = 256 entries */
#define QI_ENTRIES 256
#define WAIT_MS 100

struct vtd_unit {
	volatile uint8_t *regs;
	uint64_t cap, ecap;
	uint32_t gcmd; /* persistent command bits we have set */
	int aw;
	bool qi;
	uint64_t *queue;
	uint32_t tail;
	volatile uint32_t wait_status;
	const struct dmar_unit *dmar;
};

struct vtd_domain {
	uint64_t root4; /* 4-level second-level table built from the VM's RAM */
	uint16_t did;
};

static struct dmar_info dmar;
static struct vtd_unit units[DMAR_MAX_UNITS];
static uint32_t nr_units;
static struct vtd_root_table root_table;
static uint64_t (*irt)[2];
static bool irt_used[IRT_ENTRIES];
static bool ir_enabled;
static struct spinlock lock;
static uint64_t fault_count;

static uint32_t rd32(struct vtd_unit *u, unsigned off)
{
	return *(volatile uint32_t *)(u->regs + off);
}

static uint64_t rd64(struct vtd_unit *u, unsigned off)
{
	return *(volatile uint64_t *)(u->regs + off);
}

static void wr32(struct vtd_unit *u, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(u->regs + off) = v;
}

static void wr64(struct vtd_unit *u, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(u->regs + off) = v;
}

static int wait_for(struct vtd_unit *u, unsigned off, uint32_t mask, bool set)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * WAIT_MS;

	while (!!(rd32(u, off) & mask) != set)
		if (rdtsc() > end)
			return -ETIMEDOUT;
	return 0;
}

/* GCMD takes the persistent bits plus one command; GSTS reports it (11.4.4). */
static int gcmd(struct vtd_unit *u, uint32_t bit, bool persistent)
{
	wr32(u, VTD_GCMD, u->gcmd | bit);
	if (persistent)
		u->gcmd |= bit;
	return wait_for(u, VTD_GSTS, bit, true);
}

static void qi_submit(struct vtd_unit *u, uint64_t lo, uint64_t hi)
{
	u->queue[u->tail * 2] = lo;
	u->queue[u->tail * 2 + 1] = hi;
	u->tail = (u->tail + 1) % QI_ENTRIES;
}

/* Queue descriptors and wait until the unit has processed them (6.5.2.8). */
static void qi_sync(struct vtd_unit *u)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * WAIT_MS;

	u->wait_status = 0;
	qi_submit(u, VTD_QI_WAIT | (1ull << 32), (uint64_t)&u->wait_status);
	wr64(u, VTD_IQT, (uint64_t)u->tail << 4);
	while (!__atomic_load_n(&u->wait_status, __ATOMIC_ACQUIRE))
		if (rdtsc() > end) {
			pr_err("iommu: invalidation queue timed out (fault status 0x%x)",
			       rd32(u, VTD_FSTS));
			return;
		}
}

static void flush_all(struct vtd_unit *u)
{
	unsigned iotlb = VTD_ECAP_IRO(u->ecap) + 8;

	if (u->qi) {
		qi_submit(u, VTD_QI_CC_GLOBAL, 0);
		qi_submit(u, VTD_QI_IOTLB_GLOBAL, 0);
		if (ir_enabled)
			qi_submit(u, VTD_QI_IEC_GLOBAL, 0);
		qi_sync(u);
		return;
	}
	wr64(u, VTD_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
	while (rd64(u, VTD_CCMD) & VTD_CCMD_ICC)
		cpu_relax();
	wr64(u, iotlb,
	     VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW);
	while (rd64(u, iotlb) & VTD_IOTLB_IVT)
		cpu_relax();
}

static int enable_qi(struct vtd_unit *u)
{
	int err;

	u->queue = page_alloc_zeroed_page(); /* 256 descriptors of 16 bytes */
	if (!u->queue)
		return -ENOMEM;
	wr64(u, VTD_IQT, 0);
	wr64(u, VTD_IQA, (uint64_t)u->queue); /* QS = 0: one 4 KiB page */
	u->tail = 0;
	err = gcmd(u, VTD_GCMD_QIE, true);
	u->qi = !err;
	return err;
}

static int enable_ir(struct vtd_unit *u)
{
	int err;

	wr64(u, VTD_IRTA, (uint64_t)irt | IRTA_SIZE_FIELD);
	err = gcmd(u, VTD_GCMD_SIRTP, false);
	if (err)
		return err;
	qi_submit(u, VTD_QI_IEC_GLOBAL, 0);
	qi_sync(u);
	/* CFI stays clear: compatibility-format (unremapped) interrupts are
	 * blocked and reported as faults (5.1.4). */
	return gcmd(u, VTD_GCMD_IRE, true);
}

static int unit_init(struct vtd_unit *u, const struct dmar_unit *du)
{
	int err;

	u->dmar = du;
	u->regs = (volatile uint8_t *)du->reg_base;
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	u->aw = vtd_pick_aw(u->cap);
	if (u->aw < 0) {
		pr_err("iommu: unit at 0x%llx supports neither 3- nor 4-level tables",
		       (unsigned long long)du->reg_base);
		return -ENODEV;
	}
	wr32(u, VTD_FECTL, VTD_FECTL_IM); /* corral polls for faults */
	wr64(u, VTD_RTADDR, root_table.phys);
	err = gcmd(u, VTD_GCMD_SRTP, false);
	if (!err && (u->ecap & VTD_ECAP_QI))
		err = enable_qi(u);
	if (err)
		return err;
	flush_all(u);
	err = gcmd(u, VTD_GCMD_TE, true);
	if (err)
		return err;
	if (irt && (u->ecap & VTD_ECAP_IR) && u->qi && !enable_ir(u))
		ir_enabled = true;
	pr_info("iommu: unit at 0x%llx: DMA remapping on (%d-level tables, %s invalidation)%s",
		(unsigned long long)du->reg_base, u->aw == 2 ? 4 : 3,
		u->qi ? "queued" : "register-based",
		ir_enabled ? ", interrupt remapping on" : "");
	return 0;
}

int iommu_init(uint64_t rsdp)
{
	const void *t = acpi_find_table(rsdp, "DMAR");
	const char *why;

	if (!t) {
		pr_info("iommu: none (no ACPI DMAR table)");
		return -ENODEV;
	}
	if (dmar_parse(t, acpi_table_length(t), &dmar, &why)) {
		pr_err("iommu: ACPI DMAR table rejected: %s", why);
		return -EINVAL;
	}
	if (vtd_root_init(&root_table, &host_pt_alloc)) {
		pr_err("iommu: out of memory for the root table");
		return -ENOMEM;
	}
	if (dmar.intr_remap)
		irt = page_alloc(IRT_ENTRIES * 16, PAGE_SIZE, ALLOC_ANYWHERE);
	for (uint32_t i = 0; i < dmar.nr_units; i++)
		if (!unit_init(&units[nr_units], &dmar.units[i]))
			nr_units++;
	return nr_units ? 0 : -ENODEV;
}

bool iommu_present(void)
{
	return nr_units > 0;
}

bool iommu_irq_remapping(void)
{
	return ir_enabled;
}

static int secondary_bus(void *ctx, uint8_t bus, uint8_t devfn)
{
	uint16_t bdf = PCI_BDF(bus, devfn);

	if (!pci_find(bdf) || !pci_find(bdf)->is_bridge)
		return -ENODEV;
	return (int)pci_read(bdf, PCI_SECONDARY_BUS, 1);
}

static struct vtd_unit *unit_for(uint16_t bdf)
{
	const struct dmar_unit *du = dmar_unit_for(
		&dmar, 0, bdf >> 8, bdf & 0xff, secondary_bus, NULL);

	for (uint32_t i = 0; i < nr_units; i++)
		if (units[i].dmar == du)
			return &units[i];
	return NULL;
}

int iommu_domain_create(struct vm *vm, char *why, size_t n)
{
	struct gpa_map ram;
	struct vtd_domain *d = vm->iommu_domain;

	/* A restart: the devices were detached and the IOTLB flushed
	 * (assign_release), so nothing walks the old tables any more. */
	if (d) {
		pt_free(d->root4, &vtd_sl_format, &host_pt_alloc);
		d->root4 = 0;
	} else {
		d = page_alloc(sizeof(*d), PAGE_SIZE, ALLOC_ANYWHERE);
	}
	if (!d) {
		snprintf(why, n, "out of memory for the DMA domain");
		return -ENOMEM;
	}
	/* Only RAM: device BARs and emulated pages are never DMA targets. */
	gpa_map_init(&ram);
	for (uint32_t i = 0; i < vm->map.nr; i++)
		if (vm->map.r[i].mem_type == GPA_MEM_WB)
			gpa_map_add(&ram, vm->map.r[i].gpa, vm->map.r[i].hpa,
				    vm->map.r[i].size, GPA_READ | GPA_WRITE,
				    GPA_MEM_WB);
	vm->iommu_domain = d;
	d->root4 = pt_build(&ram, &vtd_sl_format, &host_pt_alloc);
	d->did = (uint16_t)(vm->id + 1);
	if (!d->root4) {
		snprintf(why, n, "out of memory for the DMA page tables");
		return -ENOMEM;
	}
	return 0;
}

int iommu_attach(struct vm *vm, uint16_t bdf, char *why, size_t n)
{
	struct vtd_unit *u = unit_for(bdf);
	struct vtd_domain *d = vm->iommu_domain;
	uint64_t root;
	char b[8];

	if (!u) {
		snprintf(why, n, "no IOMMU unit covers %s",
			 pci_bdf_str(bdf, b));
		return -ENODEV;
	}
	root = vtd_sl_root_for_levels(d->root4, vtd_aw_levels(u->aw),
				      &vtd_sl_format, &host_pt_alloc);
	if (!root) {
		snprintf(
			why, n,
			"the VM's memory lies beyond the IOMMU's address width");
		return -ERANGE;
	}
	spin_lock(&lock);
	if (vtd_context_set(&root_table, bdf >> 8, bdf & 0xff, root,
			    (uint8_t)u->aw, d->did, &host_pt_alloc)) {
		spin_unlock(&lock);
		snprintf(why, n, "out of memory for a context table");
		return -ENOMEM;
	}
	flush_all(u);
	spin_unlock(&lock);
	return 0;
}

void iommu_detach(uint16_t bdf)
{
	struct vtd_unit *u = unit_for(bdf);

	spin_lock(&lock);
	vtd_context_clear(&root_table, bdf >> 8, bdf & 0xff, &host_pt_alloc);
	if (u)
		flush_all(u);
	spin_unlock(&lock);
}

static void flush_iec(uint16_t bdf)
{
	struct vtd_unit *u = unit_for(bdf);

	if (u && u->qi) {
		qi_submit(u, VTD_QI_IEC_GLOBAL, 0);
		qi_sync(u);
	}
}

int iommu_irte_alloc(uint16_t bdf, uint8_t vector, uint32_t dest,
		     uint16_t *index)
{
	if (!ir_enabled)
		return -ENODEV;
	spin_lock(&lock);
	for (uint16_t i = 0; i < IRT_ENTRIES; i++) {
		if (irt_used[i])
			continue;
		irt_used[i] = true;
		*index = i;
		spin_unlock(&lock);
		iommu_irte_update(i, bdf, vector, dest);
		return 0;
	}
	spin_unlock(&lock);
	return -ENOSPC;
}

void iommu_irte_update(uint16_t index, uint16_t bdf, uint8_t vector,
		       uint32_t dest)
{
	struct irte_params p = {
		.vector = vector,
		.dest = dest,
		.x2apic = false,
		.source_id = bdf,
		.verify_source = true, /* only this device may use the entry */
	};

	spin_lock(&lock);
	irte_encode(irt[index], &p);
	spin_unlock(&lock);
	flush_iec(bdf);
}

void iommu_irte_free(uint16_t index)
{
	spin_lock(&lock);
	irte_clear(irt[index]);
	irt_used[index] = false;
	spin_unlock(&lock);
}

static const char *fault_reason(unsigned r)
{
	switch (r) {
	case 0x01:
		return "root entry not present";
	case 0x02:
		return "context entry not present (device not assigned)";
	case 0x03:
		return "invalid context entry";
	case 0x04:
		return "address beyond the domain's width";
	case 0x05:
		return "write to an address the VM does not own";
	case 0x06:
		return "read of an address the VM does not own";
	case 0x20:
		return "reserved bits in a remappable interrupt";
	case 0x21:
		return "interrupt index beyond the table";
	case 0x22:
		return "interrupt entry not present (never programmed)";
	case 0x25:
		return "unremapped (compatibility-format) interrupt blocked";
	case 0x26:
		return "interrupt from a device other than the entry's owner";
	}
	return "see VT-d spec appendix A";
}

static void log_fault(struct vtd_unit *u, uint64_t lo, uint64_t hi)
{
	uint16_t sid = hi & 0xffff;
	unsigned reason = (hi >> 32) & 0xff;
	struct pci_device *d = pci_find(sid);
	const char *owner = d && d->owner ? d->owner->name : "(none)";
	char b[8];

	fault_count++;
	if (d && d->owner)
		d->owner->iommu_faults++;
	if (reason >= 0x20)
		pr_warn("iommu: interrupt fault #%llu: source %s (owner vm %s), index %llu: reason 0x%02x, %s",
			(unsigned long long)fault_count, pci_bdf_str(sid, b),
			owner, (unsigned long long)(lo >> 48), reason,
			fault_reason(reason));
	else
		pr_warn("iommu: DMA fault #%llu: %s of 0x%llx from source %s (owner vm %s): reason 0x%02x, %s",
			(unsigned long long)fault_count,
			(hi & VTD_FRCD_TYPE_READ) ? "read" : "write",
			(unsigned long long)(lo & ~0xfffull),
			pci_bdf_str(sid, b), owner, reason,
			fault_reason(reason));
}

void iommu_poll_faults(void)
{
	for (uint32_t i = 0; i < nr_units; i++) {
		struct vtd_unit *u = &units[i];
		uint32_t fsts = rd32(u, VTD_FSTS);
		unsigned nfr = VTD_CAP_NFR(u->cap), fro = VTD_CAP_FRO(u->cap);
		unsigned idx;

		if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
			continue;
		spin_lock(&lock);
		idx = VTD_FSTS_FRI(fsts);
		for (unsigned k = 0; k < nfr; k++, idx = (idx + 1) % nfr) {
			unsigned off = fro + idx * 16;
			uint64_t hi = rd64(u, off + 8), lo;

			if (!(hi & VTD_FRCD_F))
				break;
			lo = rd64(u, off);
			log_fault(u, lo, hi);
			wr32(u, off + 12,
			     (uint32_t)(VTD_FRCD_F >> 32)); /* RW1C */
		}
		wr32(u, VTD_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF);
		spin_unlock(&lock);
	}
}

void iommu_msi_message(uint16_t index, uint32_t *addr_lo, uint32_t *addr_hi,
		       uint32_t *data)
{
	msi_remappable(index, addr_lo, addr_hi, data);
}

bool msi_guest_vector(uint64_t addr, uint32_t data, uint8_t *vector)
{
	struct msi_compat m;

	if (!msi_decode_compat(addr, data, &m))
		return false;
	*vector = m.vector;
	return true;
}
