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
#include "qi_ring.h"
#include "vtd_regs.h"
#include "vtd_tables.h"
#include <host/acpi.h>
#include <format.h>
#include <ratelimit.h>
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
	bool qi;       /* queued invalidation on */
	bool ir;       /* interrupt remapping on */
	bool coherent; /* ECAP.C: it snoops the tables it reads */
	struct qi_ring ring;
	/* One batch at a time: submit, wait, and read the status under it. */
	struct spinlock qi_lock;
	volatile uint32_t wait_status;
	uint32_t wait_seq;
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
static bool ir_enabled; /* on some unit: compatibility MSIs are blocked there */
static bool all_coherent; /* every unit snoops its tables (ECAP.C) */
static bool all_snoop;	  /* every unit can force snooping (ECAP.SC) */
/* Lock order: lock, then a unit's qi_lock. */
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

/* Makes what the CPU wrote to [p, p+n) visible to a unit that does not
 * snoop (ECAP.C = 0, VT-d 6.1: software flushes the cache lines of the
 * tables it changes). */
static void table_sync(const void *p, size_t n)
{
	if (!all_coherent)
		clflush_range(p, n);
}

/* CAP.RWBF: the unit may buffer writes, which must be flushed before an
 * invalidation sees the tables (6.1, 11.4.4.1). */
static int flush_write_buffer(struct vtd_unit *u)
{
	if (!(u->cap & VTD_CAP_RWBF))
		return 0;
	wr32(u, VTD_GCMD, u->gcmd | VTD_GCMD_WBF);
	return wait_for(u, VTD_GSTS, VTD_GSTS_WBFS, false);
}

/*
 * Runs a batch of invalidation descriptors and waits for it (6.5.2.8).
 * Returns 0, -ETIMEDOUT, or -EIO when the unit reports a queue error
 * (FSTS.IQE); callers stop what they were doing rather than run on
 * tables the hardware may still cache.
 */
static int qi_run(struct vtd_unit *u, const uint64_t (*desc)[2], unsigned n)
{
	uint64_t end = rdtsc() + tsc_hz / 1000 * WAIT_MS;
	uint64_t lo, hi;
	uint32_t seq;
	int err = 0;

	spin_lock(&u->qi_lock);
	if (qi_ring_room(&u->ring, qi_ring_slot(rd64(u, VTD_IQH), u->ring.nr)) <
	    n + 1) {
		spin_unlock(&u->qi_lock);
		return -EBUSY; /* cannot happen: every batch is waited for */
	}
	for (unsigned i = 0; i < n; i++)
		qi_ring_put(&u->ring, desc[i][0], desc[i][1]);
	seq = ++u->wait_seq ? u->wait_seq : ++u->wait_seq; /* never 0 */
	qi_wait_desc(seq, (uint64_t)&u->wait_status, &lo, &hi);
	qi_ring_put(&u->ring, lo, hi);
	table_sync(u->ring.desc, (size_t)u->ring.nr * 16);
	wr64(u, VTD_IQT, qi_ring_reg(u->ring.tail));
	while (__atomic_load_n(&u->wait_status, __ATOMIC_ACQUIRE) != seq) {
		if (rd32(u, VTD_FSTS) & VTD_FSTS_IQE) {
			err = -EIO;
			break;
		}
		if (rdtsc() > end) {
			err = -ETIMEDOUT;
			break;
		}
	}
	spin_unlock(&u->qi_lock);
	if (err)
		pr_err("iommu: unit at 0x%llx: invalidation %s (fault status 0x%x)",
		       (unsigned long long)u->dmar->reg_base,
		       err == -EIO ? "queue error" : "timed out",
		       rd32(u, VTD_FSTS));
	return err;
}

/* Register-based invalidation (6.5.1) for units without QI. */
static int flush_registers(struct vtd_unit *u)
{
	unsigned iotlb = VTD_ECAP_IRO(u->ecap) + 8;
	uint64_t end = rdtsc() + tsc_hz / 1000 * WAIT_MS;

	wr64(u, VTD_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
	while (rd64(u, VTD_CCMD) & VTD_CCMD_ICC)
		if (rdtsc() > end)
			return -ETIMEDOUT;
	wr64(u, iotlb,
	     VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW);
	while (rd64(u, iotlb) & VTD_IOTLB_IVT)
		if (rdtsc() > end)
			return -ETIMEDOUT;
	return 0;
}

/* After a context or second-level table change: the context cache and
 * the IOTLB (and the interrupt entry cache) forget what they held. */
static int flush_all(struct vtd_unit *u)
{
	static const uint64_t dma[][2] = {
		{ VTD_QI_CC_GLOBAL, 0 },
		{ VTD_QI_IOTLB_GLOBAL, 0 },
		{ VTD_QI_IEC_GLOBAL, 0 },
	};
	int err = flush_write_buffer(u);

	if (err)
		return err;
	if (u->qi)
		return qi_run(u, dma, u->ir ? 3 : 2);
	return flush_registers(u);
}

/* After an IRTE change: the interrupt entry cache (6.5.2.7). */
static int flush_iec(struct vtd_unit *u)
{
	static const uint64_t iec[][2] = { { VTD_QI_IEC_GLOBAL, 0 } };

	return u->ir ? qi_run(u, iec, 1) : 0;
}

/* The IRT is one table that every unit with interrupt remapping uses. */
static int flush_iec_all(void)
{
	int err = 0;

	for (uint32_t i = 0; i < nr_units; i++)
		if (flush_iec(&units[i]))
			err = -EIO;
	return err;
}

static int enable_qi(struct vtd_unit *u)
{
	int err;

	/* QS = 0: one 4 KiB page of 256 descriptors of 16 bytes. */
	u->ring.desc = page_alloc_zeroed_page();
	if (!u->ring.desc)
		return -ENOMEM;
	u->ring.nr = QI_ENTRIES;
	u->ring.tail = 0;
	wr64(u, VTD_IQT, 0);
	wr64(u, VTD_IQA, (uint64_t)u->ring.desc);
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
	u->ir = true; /* the IEC flush below needs it */
	err = flush_iec(u);
	/* CFI stays clear: compatibility-format (unremapped) interrupts are
	 * blocked and reported as faults (5.1.4). */
	if (!err)
		err = gcmd(u, VTD_GCMD_IRE, true);
	u->ir = !err;
	return err;
}

static int unit_init(struct vtd_unit *u, const struct dmar_unit *du)
{
	int err;

	u->dmar = du;
	u->regs = (volatile uint8_t *)du->reg_base;
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	u->coherent = u->ecap & VTD_ECAP_C;
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
	if (!err)
		err = flush_all(u);
	if (!err)
		err = gcmd(u, VTD_GCMD_TE, true);
	if (err)
		return err;
	if (irt && (u->ecap & VTD_ECAP_IR) && u->qi && !enable_ir(u))
		ir_enabled = true;
	pr_info("iommu: unit at 0x%llx: DMA remapping on (%d-level tables, %s invalidation%s%s), interrupt remapping %s",
		(unsigned long long)du->reg_base, u->aw == 2 ? 4 : 3,
		u->qi ? "queued" : "register-based",
		u->coherent ? "" : ", non-coherent: tables flushed from caches",
		(u->cap & VTD_CAP_RWBF) ? ", write-buffer flush" : "",
		u->ir ? "on" : "OFF (devices behind it cannot be assigned)");
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
	/* Before any table is written: does every unit snoop, and can every
	 * unit force snooping? */
	all_coherent = all_snoop = true;
	for (uint32_t i = 0; i < dmar.nr_units; i++) {
		uint64_t ecap = *(volatile uint64_t *)(dmar.units[i].reg_base +
						       VTD_ECAP);

		all_coherent &= !!(ecap & VTD_ECAP_C);
		all_snoop &= !!(ecap & VTD_ECAP_SC);
	}
	if (vtd_root_init(&root_table, &host_pt_alloc)) {
		pr_err("iommu: out of memory for the root table");
		return -ENOMEM;
	}
	table_sync(root_table.virt, PAGE_SIZE);
	if (dmar.intr_remap) {
		irt = page_alloc(IRT_ENTRIES * 16, PAGE_SIZE, ALLOC_ANYWHERE);
		if (irt) {
			memset(irt, 0, IRT_ENTRIES * 16);
			table_sync(irt, IRT_ENTRIES * 16);
		}
	}
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

static void sync_table_page(void *ctx, uint64_t *table)
{
	table_sync(table, PAGE_SIZE);
}

int iommu_domain_create(struct vm *vm, char *why, size_t n)
{
	/* Where every unit can, DMA snoops whatever the device asks (VT-d
	 * 3.9: SNP in the leaves; ECAP.SC). */
	const struct pt_format *f =
		all_snoop ? &vtd_sl_snoop_format : &vtd_sl_format;
	struct vtd_domain *d = vm->iommu_domain;
	struct gpa_map ram;

	/* A restart: the devices were detached and the IOTLB flushed
	 * (assign_release), so nothing walks the old tables any more. */
	if (d) {
		pt_free(d->root4, f, &host_pt_alloc);
		d->root4 = 0;
	} else {
		d = page_alloc(sizeof(*d), PAGE_SIZE, ALLOC_ANYWHERE);
	}
	if (!d) {
		snprintf(why, n, "out of memory for the DMA domain");
		return -ENOMEM;
	}
	/* Only the VM's own RAM: device BARs, emulated pages and windows
	 * onto other VMs' memory are never DMA targets. */
	gpa_map_init(&ram);
	for (uint32_t i = 0; i < vm->map.nr; i++)
		if (vm->map.r[i].size && vm->map.r[i].mem_type == GPA_MEM_WB &&
		    !(vm->map.r[i].flags & GPA_FOREIGN))
			gpa_map_add(&ram, vm->map.r[i].gpa, vm->map.r[i].hpa,
				    vm->map.r[i].size, GPA_READ | GPA_WRITE,
				    GPA_MEM_WB);
	vm->iommu_domain = d;
	d->root4 = pt_build(&ram, f, &host_pt_alloc);
	d->did = (uint16_t)(vm->id + 1);
	if (!d->root4) {
		snprintf(why, n, "out of memory for the DMA page tables");
		return -ENOMEM;
	}
	if (!all_coherent)
		pt_for_each_table(d->root4, f, &host_pt_alloc, sync_table_page,
				  NULL);
	return 0;
}

/* The root entry and the context entry of bus:devfn, out to memory. */
static void sync_context(uint8_t bus)
{
	uint64_t *ct = vtd_context_table(&root_table, bus, &host_pt_alloc);

	table_sync(&root_table.virt[2 * bus], 16);
	if (ct)
		table_sync(ct, PAGE_SIZE);
}

int iommu_device_check(uint16_t bdf, char *why, size_t n)
{
	struct vtd_unit *u = unit_for(bdf);

	if (!u) {
		snprintf(why, n, "no IOMMU unit covers it");
		return -ENODEV;
	}
	if (!u->ir) {
		snprintf(
			why, n,
			"the IOMMU unit at 0x%llx that covers it has no interrupt remapping (%s), so the device could send any interrupt to any CPU",
			(unsigned long long)u->dmar->reg_base,
			!(u->ecap & VTD_ECAP_IR) ? "the unit lacks it" :
			!u->qi		 ? "it needs queued invalidation" :
			!dmar.intr_remap ? "the DMAR table does not offer it" :
					   "it could not be enabled");
		return -ENOTSUP;
	}
	return 0;
}

size_t iommu_register_ranges(struct phys_range *out, size_t max)
{
	size_t n = 0;

	for (uint32_t i = 0; i < dmar.nr_units && n < max; i++)
		out[n++] =
			(struct phys_range){ dmar.units[i].reg_base,
					     dmar.units[i].reg_base + PAGE_SIZE,
					     "an IOMMU unit's registers" };
	return n;
}

bool iommu_remaps_interrupts(uint16_t bdf)
{
	struct vtd_unit *u = unit_for(bdf);

	return u && u->ir;
}

/* The requester ID the device's DMA and MSIs carry (host/pci_groups.h). */
static uint16_t dma_alias(uint16_t bdf)
{
	const struct pci_device *pd = pci_find(bdf);

	return pd ? pd->dma_alias : bdf;
}

static int set_context(uint16_t rid, uint64_t root, const struct vtd_unit *u,
		       uint16_t did, char *why, size_t n)
{
	char b[8];
	int err = vtd_context_set(&root_table, rid >> 8, rid & 0xff, root,
				  (uint8_t)u->aw, did, &host_pt_alloc);

	if (err) {
		snprintf(why, n, "cannot set the context entry of %s (%s)",
			 pci_bdf_str(rid, b),
			 err == -ENOMEM ? "out of memory" :
					  "it holds another domain");
		return err;
	}
	sync_context(rid >> 8);
	return 0;
}

/* Installs the VM's domain at the device's requester ID and, behind a PCI
 * bridge, at the alias its DMA really carries (VT-d 3.4.3). */
int iommu_attach(struct vm *vm, uint16_t bdf, char *why, size_t n)
{
	struct vtd_unit *u = unit_for(bdf);
	struct vtd_domain *d = vm->iommu_domain;
	uint16_t alias = dma_alias(bdf);
	uint64_t root;
	char b[8];
	int err;

	if (!u) {
		snprintf(why, n, "no IOMMU unit covers %s",
			 pci_bdf_str(bdf, b));
		return -ENODEV;
	}
	root = vtd_sl_root_for_levels(d->root4, vtd_aw_levels(u->aw),
				      all_snoop ? &vtd_sl_snoop_format :
						  &vtd_sl_format,
				      &host_pt_alloc);
	if (!root) {
		snprintf(
			why, n,
			"the VM's memory lies beyond the IOMMU's address width");
		return -ERANGE;
	}
	spin_lock(&lock);
	err = set_context(bdf, root, u, d->did, why, n);
	if (!err && alias != bdf)
		err = set_context(alias, root, u, d->did, why, n);
	if (err) {
		spin_unlock(&lock);
		return err;
	}
	err = flush_all(u);
	spin_unlock(&lock);
	if (err)
		snprintf(why, n, "the IOMMU did not complete the invalidation");
	return err;
}

int iommu_detach(uint16_t bdf)
{
	struct vtd_unit *u = unit_for(bdf);
	uint16_t alias = dma_alias(bdf);
	int err = 0;

	spin_lock(&lock);
	vtd_context_clear(&root_table, bdf >> 8, bdf & 0xff, &host_pt_alloc);
	sync_context(bdf >> 8);
	if (alias != bdf) {
		vtd_context_clear(&root_table, alias >> 8, alias & 0xff,
				  &host_pt_alloc);
		sync_context(alias >> 8);
	}
	if (u)
		err = flush_all(u);
	spin_unlock(&lock);
	return err;
}

/* Writes entry `index` and makes every unit forget its cached copy before
 * returning: once this returns, the device can only see the new entry. */
static int irte_write(uint16_t index, const struct irte_params *p)
{
	if (p)
		irte_encode(irt[index], p);
	else
		irte_clear(irt[index]);
	table_sync(irt[index], 16);
	return flush_iec_all();
}

int iommu_irte_alloc(uint16_t bdf, uint8_t vector, uint32_t dest,
		     uint16_t *index)
{
	if (!iommu_remaps_interrupts(bdf))
		return -ENODEV;
	spin_lock(&lock);
	for (uint16_t i = 0; i < IRT_ENTRIES; i++) {
		if (irt_used[i])
			continue;
		irt_used[i] = true;
		*index = i;
		spin_unlock(&lock);
		if (iommu_irte_update(i, bdf, vector, dest)) {
			iommu_irte_free(i);
			return -EIO;
		}
		return 0;
	}
	spin_unlock(&lock);
	return -ENOSPC;
}

/*
 * Who may use an entry: only the device itself, by its requester ID; a
 * device whose MSIs carry an alias (behind a PCI bridge) by the range of
 * buses between the two, as Linux does (VT-d 9.10, SVT = 10b). Its whole
 * isolation group shares those buses and belongs to the same VM.
 */
static void irte_source(uint16_t bdf, struct irte_params *p)
{
	uint16_t alias = dma_alias(bdf);
	uint8_t a = alias >> 8, b = bdf >> 8;

	if (alias == bdf) {
		p->verify = IRTE_SVT_SID;
		p->source_id = bdf;
		return;
	}
	p->verify = IRTE_SVT_BUS;
	p->source_id = (uint16_t)((a < b ? a : b) << 8 | (a < b ? b : a));
}

int iommu_irte_update(uint16_t index, uint16_t bdf, uint8_t vector,
		      uint32_t dest)
{
	struct irte_params p = {
		.vector = vector,
		.dest = dest,
		.x2apic = false,
	};
	int err;

	irte_source(bdf, &p);

	spin_lock(&lock);
	err = irte_write(index, &p);
	spin_unlock(&lock);
	return err;
}

void iommu_irte_free(uint16_t index)
{
	spin_lock(&lock);
	irte_write(index, NULL); /* a failure was logged; the entry is gone */
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

/*
 * Fault lines are rate-limited per source device and per owning VM: a
 * device spraying bad DMA costs FAULT_BURST lines a second, plus one line
 * that counts what was not logged, and never stalls the console for the
 * other VMs.
 */
#define FAULT_BURST 5
#define FAULT_WINDOW_MS 1000
#define FAULT_SOURCES 64
#define FAULT_BATCH 16

struct fault_source {
	uint16_t sid;
	bool used;
	struct ratelimit rl;
};

static struct fault_source fault_sources[FAULT_SOURCES];
static struct fault_source fault_unknown; /* when the table is full */
/* Serialises fault bookkeeping and lines, never IRTE or attach work. */
static struct spinlock fault_log_lock;

struct fault_record {
	uint64_t lo, hi;
};

static struct fault_source *fault_source(uint16_t sid)
{
	for (unsigned i = 0; i < FAULT_SOURCES; i++) {
		if (fault_sources[i].used && fault_sources[i].sid == sid)
			return &fault_sources[i];
		if (!fault_sources[i].used) {
			fault_sources[i].used = true;
			fault_sources[i].sid = sid;
			return &fault_sources[i];
		}
	}
	return &fault_unknown;
}

static void log_suppressed(uint16_t sid, const char *owner, uint64_t n,
			   const char *per)
{
	char b[8];

	if (n)
		pr_warn("iommu: %llu fault(s) from source %s (owner vm %s) not logged (rate limit per %s)",
			(unsigned long long)n, pci_bdf_str(sid, b), owner, per);
}

static void log_fault(const struct fault_record *f, uint64_t now)
{
	uint16_t sid = f->hi & 0xffff;
	unsigned reason = (f->hi >> 32) & 0xff;
	struct pci_device *d = pci_find(sid);
	struct vm *vm = d ? d->owner : NULL;
	const char *owner = vm ? vm->name : "(none)";
	uint64_t window = tsc_hz / 1000 * FAULT_WINDOW_MS, dev_n, vm_n = 0;
	char b[8];

	fault_count++;
	if (vm)
		vm->iommu_faults++;
	if (!ratelimit_allow(&fault_source(sid)->rl, now, window, FAULT_BURST,
			     &dev_n))
		return;
	if (vm && !ratelimit_allow(&vm->iommu_fault_rl, now, window,
				   2 * FAULT_BURST, &vm_n))
		return;
	log_suppressed(sid, owner, dev_n, "device");
	log_suppressed(sid, owner, vm_n, "VM");
	if (reason >= 0x20)
		pr_warn("iommu: interrupt fault #%llu: source %s (owner vm %s), index %llu: reason 0x%02x, %s",
			(unsigned long long)fault_count, pci_bdf_str(sid, b),
			owner, (unsigned long long)(f->lo >> 48), reason,
			fault_reason(reason));
	else
		pr_warn("iommu: DMA fault #%llu: %s of 0x%llx from source %s (owner vm %s): reason 0x%02x, %s",
			(unsigned long long)fault_count,
			(f->hi & VTD_FRCD_TYPE_READ) ? "read" : "write",
			(unsigned long long)(f->lo & ~0xfffull),
			pci_bdf_str(sid, b), owner, reason,
			fault_reason(reason));
}

/* Takes up to FAULT_BATCH records off the unit (under `lock`); the caller
 * logs them after dropping it. */
static unsigned take_faults(struct vtd_unit *u, struct fault_record *out)
{
	uint32_t fsts = rd32(u, VTD_FSTS);
	unsigned nfr = VTD_CAP_NFR(u->cap), fro = VTD_CAP_FRO(u->cap);
	unsigned idx = VTD_FSTS_FRI(fsts), n = 0;

	for (unsigned k = 0; k < nfr && n < FAULT_BATCH;
	     k++, idx = (idx + 1) % nfr) {
		unsigned off = fro + idx * 16;
		uint64_t hi = rd64(u, off + 8);

		if (!(hi & VTD_FRCD_F))
			break;
		out[n].lo = rd64(u, off);
		out[n++].hi = hi;
		wr32(u, off + 12, (uint32_t)(VTD_FRCD_F >> 32)); /* RW1C */
	}
	wr32(u, VTD_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF);
	return n;
}

void iommu_poll_faults(void)
{
	struct fault_record rec[FAULT_BATCH];

	for (uint32_t i = 0; i < nr_units; i++) {
		struct vtd_unit *u = &units[i];
		unsigned n;

		if (!(rd32(u, VTD_FSTS) & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
			continue;
		spin_lock(&lock);
		n = take_faults(u, rec);
		spin_unlock(&lock);
		spin_lock(&fault_log_lock);
		for (unsigned k = 0; k < n; k++)
			log_fault(&rec[k], rdtsc());
		spin_unlock(&fault_log_lock);
	}
}

void iommu_fault_summary(struct vm *vm)
{
	uint64_t n;

	spin_lock(&fault_log_lock);
	n = ratelimit_take_suppressed(&vm->iommu_fault_rl);
	for (unsigned i = 0; i < FAULT_SOURCES; i++) {
		struct fault_source *s = &fault_sources[i];
		struct pci_device *d = s->used ? pci_find(s->sid) : NULL;

		if (d && d->owner == vm)
			log_suppressed(s->sid, vm->name,
				       ratelimit_take_suppressed(&s->rl),
				       "device");
	}
	if (n)
		pr_warn("iommu: vm %s: %llu more fault(s) not logged (rate limit per VM); %llu in all",
			vm->name, (unsigned long long)n,
			(unsigned long long)vm->iommu_faults);
	spin_unlock(&fault_log_lock);
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
