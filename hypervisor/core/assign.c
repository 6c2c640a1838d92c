// SPDX-License-Identifier: MIT
/*
 * Device assignment: a driver VM gets real PCI functions. corral resets
 * them, maps their memory BARs 1:1 (guest-physical = host-physical, as
 * Jailhouse does) except for the MSI-X table pages, which it emulates, puts
 * them in the VM's DMA domain, and gives the guest a filtered configuration
 * space (vpci.c). Guest MSI and MSI-X messages become interrupt-remapping
 * entries that deliver to the host CPU running the VM; corral forwards the
 * host vector as the guest's vector. docs/device-assignment.md.
 */
#include <core/backend.h>
#include <core/assign.h>
#include <format.h>
#include <guest/guest_acpi.h>
#include <host/boot.h>
#include <host/host_ioapic.h>
#include <host/pci_groups.h>
#include <core/host_irq.h>
#include <core/iommu.h>
#include <host/log.h>
#include <mm/page_alloc.h>
#include <host/pci.h>
#include <host/percpu.h>
#include <string.h>
#include <core/vm.h>
#include <core/vm_pci.h>
#include <core/vcpu.h>
#include <vdev/vpci.h>

#define MSIX_MAX 256
#define MSIX_ENTRY_SIZE 16
#define MSIX_VECTOR_CTRL_MASKED 1u
#define MSI_CTRL_ENABLE 0x1
#define MSI_CTRL_64BIT 0x80
#define MSI_CTRL_MME_MASK 0x70
#define MSIX_CTRL_ENABLE 0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define PAGE_MASK_4K 0xfffull

struct vec {
	uint8_t host;  /* host vector, 0 = none */
	uint16_t irte; /* remapping entry, valid with ir */
	bool ir;
};

struct assigned_dev {
	bool in_use; /* a pool slot taken by a VM's current run */
	struct vm *vm;
	uint8_t intx_host_vector; /* 0: no INTx forwarding */
	uint8_t intx_guest_pin;
	uint8_t intx_line; /* the host IOAPIC pin, as the firmware routed it */
	struct pci_device *pdev;
	struct vpci_dev vdev;
	uint8_t guest_devfn;
	uint8_t msi_cap, msix_cap;
	struct vec msi;
	/* MSI-X: the guest's view of the table and what backs each entry. */
	bool msix_enabled, msix_masked;
	unsigned msix_nr;
	uint64_t msix_table; /* host-physical address */
	uint64_t msix_page, msix_page_size;
	uint32_t msix_virt[MSIX_MAX][4];
	struct vec msix[MSIX_MAX];
};

/* Every run of a VM takes its devices' slots and gives them back when it
 * stops (assign_release), so restarts never exhaust the pool. */
#define POOL_SIZE (CONFIG_MAX_VMS * VM_MAX_DEVICES)
static struct assigned_dev pool[POOL_SIZE];

static struct assigned_dev *pool_take(void)
{
	for (uint32_t i = 0; i < POOL_SIZE; i++) {
		if (!pool[i].in_use) {
			memset(&pool[i], 0, sizeof(pool[i]));
			pool[i].in_use = true;
			return &pool[i];
		}
	}
	return NULL;
}

static uint32_t pool_in_use(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < POOL_SIZE; i++)
		n += pool[i].in_use;
	return n;
}

static void dev_error(struct vm *vm, const char *bdf, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_err("vm %s (%s): property \"pci-devices\": %s: %s; this VM does not start",
	       vm->name, vm->cfg->node, bdf, msg);
}

/* ---- host config access for the model ----------------------------------- */

static uint32_t host_read(void *ctx, uint16_t off, uint8_t size)
{
	struct assigned_dev *d = ctx;

	return pci_read(d->pdev->bdf, off, size);
}

static void host_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct assigned_dev *d = ctx;

	pci_write(d->pdev->bdf, off, size, val);
}

/* INTx (PCI 3.0 2.2.6): the firmware's routing put the line on the host
 * IOAPIC pin named by the Interrupt Line register; the guest sees it on its
 * own IOAPIC pin 16 + slot - 1 through its _PRT. Without interrupt
 * remapping only: with remapping the IOAPIC's messages would need IRTEs. */
#define PCI_INTERRUPT_PIN 0x3d
#define GUEST_INTX_FIRST_PIN 16

static uint8_t guest_intx_pin(const struct assigned_dev *d)
{
	return GUEST_INTX_FIRST_PIN + ((d->guest_devfn >> 3) - 1) % 8;
}

/* ---- interrupts ----------------------------------------------------------- */

static uint32_t first_apic_id(struct vm *vm)
{
	return cpus[vm->vcpus[0]->pcpu]->apic_id;
}

/* Compatibility-format MSI address (SDM 3A 10.11.1): destination id in
 * bits 19:12, destination mode (1 = logical) in bit 2. */
#define MSI_ADDR_DEST_SHIFT 12
#define MSI_ADDR_LOGICAL (1u << 2)

/* The host APIC id of the pCPU that runs the vCPU the guest aimed its MSI
 * at, so that the interrupt needs no second hop. */
static uint32_t msi_host_apic_id(struct vm *vm, uint8_t dest, bool logical)
{
	for (uint32_t i = 0; i < vm->nr_vcpus; i++)
		if (vlapic_match_dest8(&vm->vcpus[i]->lapic, dest, logical))
			return cpus[vm->vcpus[i]->pcpu]->apic_id;
	return first_apic_id(vm);
}

/* One line per VM run when a quota stops a device's interrupt: the entry
 * then stays masked, and the guest's driver sees a silent vector. */
static int quota_take_logged(struct assigned_dev *d, struct quota *q,
			     const char *what, const char *prop)
{
	char b[8];

	if (!quota_take(q))
		return 0;
	if (!d->vm->irq_quota_logged) {
		d->vm->irq_quota_logged = true;
		pr_warn("vm %s: %s: all %u %s of its quota are in use (property \"%s\"); this vector stays masked",
			d->vm->name, pci_bdf_str(d->pdev->bdf, b), q->max, what,
			prop);
	}
	return -EDQUOT;
}

static int vec_take_host(struct assigned_dev *d, struct vec *v, uint8_t gv)
{
	struct vm *vm = d->vm;

	if (v->host)
		return 0;
	if (quota_take_logged(d, &vm->irq_vectors, "host vectors",
			      "irq-vectors"))
		return -EDQUOT;
	v->host = host_irq_alloc(vm, gv);
	if (!v->host) {
		quota_give(&vm->irq_vectors);
		return -ENOSPC;
	}
	return 0;
}

static int vec_take_irte(struct assigned_dev *d, struct vec *v,
			 uint32_t host_dest)
{
	struct vm *vm = d->vm;

	if (v->ir)
		return iommu_irte_update(v->irte, d->pdev->bdf, v->host,
					 host_dest);
	if (quota_take_logged(d, &vm->irq_remap, "interrupt-remapping entries",
			      "irq-remap-entries"))
		return -EDQUOT;
	if (iommu_irte_alloc(d->pdev->bdf, v->host, host_dest, &v->irte)) {
		quota_give(&vm->irq_remap);
		return -ENOSPC;
	}
	v->ir = true;
	return 0;
}

/* Points `v` at guest vector `gv` for the destination in the guest's MSI
 * address: a host vector, and with an IOMMU a remapping entry that only
 * this device may use. Returns the message the device must send. */
static int vec_bind(struct assigned_dev *d, struct vec *v, uint8_t gv,
		    uint64_t guest_addr, uint32_t *lo, uint32_t *hi,
		    uint32_t *data)
{
	uint8_t dest = (uint8_t)(guest_addr >> MSI_ADDR_DEST_SHIFT);
	bool logical = guest_addr & MSI_ADDR_LOGICAL;
	uint32_t host_dest = msi_host_apic_id(d->vm, dest, logical);
	int err = vec_take_host(d, v, gv);

	if (err)
		return err;
	host_irq_set_guest_msi(v->host, gv, dest, logical);
	if (iommu_remaps_interrupts(d->pdev->bdf)) {
		err = vec_take_irte(d, v, host_dest);
		if (err)
			return err;
		iommu_msi_message(v->irte, lo, hi, data);
		return 0;
	}
	/* No remapping (dma-isolation = "none"): a direct compatibility MSI. */
	*lo = 0xfee00000u | (host_dest << MSI_ADDR_DEST_SHIFT);
	*hi = 0;
	*data = v->host;
	return 0;
}

static void vec_unbind(struct assigned_dev *d, struct vec *v)
{
	if (v->ir) {
		iommu_irte_free(v->irte);
		quota_give(&d->vm->irq_remap);
	}
	if (v->host) {
		host_irq_free(v->host);
		quota_give(&d->vm->irq_vectors);
	}
	*v = (struct vec){ 0 };
}

static void msi_changed(void *ctx, bool enabled, uint64_t addr, uint32_t data,
			unsigned nvec)
{
	struct assigned_dev *d = ctx;
	uint16_t bdf = d->pdev->bdf, cap = d->msi_cap;
	uint16_t ctrl = pci_read(bdf, cap + 2, 2);
	bool is64 = ctrl & MSI_CTRL_64BIT;
	uint32_t lo, hi, md;
	uint8_t gv;

	pci_write(bdf, cap + 2, 2,
		  ctrl & ~(MSI_CTRL_ENABLE | MSI_CTRL_MME_MASK));
	if (!enabled || !msi_guest_vector(addr, data, &gv) ||
	    vec_bind(d, &d->msi, gv, addr, &lo, &hi, &md)) {
		vec_unbind(d, &d->msi);
		return;
	}
	/* One vector only: multiple-message enable stays 0 on the device. */
	pci_write(bdf, cap + 4, 4, lo);
	if (is64)
		pci_write(bdf, cap + 8, 4, hi);
	pci_write(bdf, cap + (is64 ? 12 : 8), 2, md);
	pci_write(bdf, cap + 2, 2,
		  (ctrl & ~MSI_CTRL_MME_MASK) | MSI_CTRL_ENABLE);
}

static volatile uint32_t *msix_real(struct assigned_dev *d, unsigned i)
{
	return (volatile uint32_t *)(d->msix_table +
				     (uint64_t)i * MSIX_ENTRY_SIZE);
}

/* Brings real entry i in line with the guest's view (PCI 3.0 6.8.2). */
static void msix_sync(struct assigned_dev *d, unsigned i)
{
	const uint32_t *g = d->msix_virt[i];
	volatile uint32_t *r = msix_real(d, i);
	bool live = d->msix_enabled && !d->msix_masked &&
		    !(g[3] & MSIX_VECTOR_CTRL_MASKED);
	uint64_t addr = ((uint64_t)g[1] << 32) | g[0];
	uint32_t lo, hi, data;
	uint8_t gv;

	r[3] = MSIX_VECTOR_CTRL_MASKED;
	if (!live)
		return;
	if (!msi_guest_vector(addr, g[2], &gv) ||
	    vec_bind(d, &d->msix[i], gv, addr, &lo, &hi, &data))
		return;
	r[0] = lo;
	r[1] = hi;
	r[2] = data;
	r[3] = 0;
}

static void msix_control(void *ctx, bool enabled, bool masked)
{
	struct assigned_dev *d = ctx;
	uint16_t bdf = d->pdev->bdf, cap = d->msix_cap;
	uint16_t ctrl = pci_read(bdf, cap + 2, 2);

	d->msix_enabled = enabled;
	d->msix_masked = masked;
	/* The real function stays enabled with every unused entry masked. */
	pci_write(bdf, cap + 2, 2,
		  (ctrl & ~MSIX_CTRL_MASKALL) |
			  (enabled ? MSIX_CTRL_ENABLE : 0));
	for (unsigned i = 0; i < d->msix_nr; i++)
		msix_sync(d, i);
}

static uint64_t msix_read(void *ctx, uint64_t off, uint8_t size)
{
	struct assigned_dev *d = ctx;
	uint64_t addr = d->msix_page + off;
	uint64_t toff = addr - d->msix_table;

	if (addr >= d->msix_table &&
	    toff < (uint64_t)d->msix_nr * MSIX_ENTRY_SIZE) {
		const uint32_t *e = d->msix_virt[toff / MSIX_ENTRY_SIZE];
		unsigned w = (toff % MSIX_ENTRY_SIZE) / 4;

		if (size == 8 && w % 2 == 0)
			return e[w] | ((uint64_t)e[w + 1] << 32);
		return e[w];
	}
	/* Elsewhere in the trapped page (e.g. the PBA): the real register. */
	if (size == 8)
		return *(volatile uint64_t *)addr;
	if (size == 2)
		return *(volatile uint16_t *)addr;
	if (size == 1)
		return *(volatile uint8_t *)addr;
	return *(volatile uint32_t *)addr;
}

static void msix_write(void *ctx, uint64_t off, uint8_t size, uint64_t val)
{
	struct assigned_dev *d = ctx;
	uint64_t addr = d->msix_page + off;
	uint64_t toff = addr - d->msix_table;
	unsigned i, w;

	if (addr < d->msix_table ||
	    toff >= (uint64_t)d->msix_nr * MSIX_ENTRY_SIZE)
		return; /* the PBA is read-only; other registers stay untouched */
	i = toff / MSIX_ENTRY_SIZE;
	w = (toff % MSIX_ENTRY_SIZE) / 4;
	if (size == 8 && w % 2 == 0) {
		d->msix_virt[i][w] = (uint32_t)val;
		d->msix_virt[i][w + 1] = (uint32_t)(val >> 32);
	} else if (size == 4) {
		d->msix_virt[i][w] = (uint32_t)val;
	} else {
		return; /* MSI-X table accesses are dword or qword (6.8.2) */
	}
	msix_sync(d, i);
}

/* ---- memory ----------------------------------------------------------------- */

static int map_range(struct assigned_dev *d, uint64_t start, uint64_t end,
		     const char *bdf)
{
	int err;

	if (end <= start)
		return 0;
	err = gpa_map_add(&d->vm->map, start, start, end - start,
			  GPA_READ | GPA_WRITE, GPA_MEM_UC);
	if (err)
		dev_error(d->vm, bdf, "BAR at 0x%llx: %s",
			  (unsigned long long)start, gpa_map_strerror(err));
	return err;
}

static int map_bars(struct assigned_dev *d, const char *bdf)
{
	for (unsigned i = 0; i < 6; i++) {
		const struct vpci_bar *b = vpci_bar(&d->vdev, i);
		uint64_t start, end;
		int err;

		if (!b || !b->present || b->io)
			continue;
		start = b->addr & ~PAGE_MASK_4K;
		end = (b->addr + b->size + PAGE_MASK_4K) & ~PAGE_MASK_4K;
		if (d->msix_nr && d->msix_page >= start && d->msix_page < end) {
			/* Leave the MSI-X table pages out: they trap (msix_*). */
			err = map_range(d, start, d->msix_page, bdf);
			if (!err)
				err = map_range(
					d, d->msix_page + d->msix_page_size,
					end, bdf);
		} else {
			err = map_range(d, start, end, bdf);
		}
		if (err)
			return err;
	}
	return 0;
}

static int setup_msix(struct assigned_dev *d, const char *bdf)
{
	unsigned bir, pba_bir, nr;
	uint32_t off, pba_off;
	const struct vpci_bar *b;
	struct mmio_region r;

	if (!vpci_msix_location(&d->vdev, &bir, &off, &nr, &pba_bir, &pba_off))
		return 0;
	b = vpci_bar(&d->vdev, bir);
	if (!b || !b->present || b->io || nr > MSIX_MAX) {
		dev_error(d->vm, bdf,
			  "unusable MSI-X table (BAR %u, %u entries)", bir, nr);
		return -ENOSPC;
	}
	d->msix_nr = nr;
	d->msix_table = b->addr + off;
	d->msix_page = d->msix_table & ~PAGE_MASK_4K;
	d->msix_page_size =
		((d->msix_table + nr * MSIX_ENTRY_SIZE + PAGE_MASK_4K) &
		 ~PAGE_MASK_4K) -
		d->msix_page;
	for (unsigned i = 0; i < nr; i++)
		d->msix_virt[i][3] = MSIX_VECTOR_CTRL_MASKED;
	r = (struct mmio_region){ d->msix_page, d->msix_page_size, msix_read,
				  msix_write, d };
	if (vm_add_mmio(d->vm, &r)) {
		dev_error(d->vm, bdf, "too many emulated regions");
		return -ENOSPC;
	}
	return 0;
}

/* ---- guest configuration space ------------------------------------------------ */

static uint32_t fn_read(void *ctx, uint16_t off, uint8_t size);
static void fn_write(void *ctx, uint16_t off, uint8_t size, uint32_t val);

static int add_function(struct assigned_dev *d, const char *bdf)
{
	struct vm_pci_fn fn = { d->guest_devfn, fn_read, fn_write, d };

	if (vm_pci_add(d->vm, &fn)) {
		dev_error(d->vm, bdf, "no room on the VM's PCI bus");
		return -ENOSPC;
	}
	return 0;
}

static uint32_t fn_read(void *ctx, uint16_t off, uint8_t size)
{
	struct assigned_dev *d = ctx;

	return vpci_read(&d->vdev, off, size);
}

static void fn_write(void *ctx, uint16_t off, uint8_t size, uint32_t val)
{
	struct assigned_dev *d = ctx;

	vpci_write(&d->vdev, off, size, val);
}

/* The root bridge's windows span exactly the BARs (below and above 4 GiB),
 * so they never cover ECAM, the IOAPIC or guest RAM. */
void assign_acpi_params(struct vm *vm, struct guest_acpi_params *ap)
{
	for (uint32_t i = 0; i < vm->nr_devices; i++) {
		for (unsigned k = 0; k < 6; k++) {
			const struct vpci_bar *b =
				vpci_bar(&vm->devices[i]->vdev, k);

			if (b && b->present && !b->io)
				vm_pci_acpi_window(ap, b->addr, b->size);
		}
	}
	for (uint32_t i = 0; i < vm->nr_devices && ap->nr_prt < GACPI_MAX_PRT &&
			     !iommu_irq_remapping();
	     i++) {
		const struct assigned_dev *d = vm->devices[i];
		uint8_t pin = pci_read(d->pdev->bdf, PCI_INTERRUPT_PIN, 1);

		if (pin >= 1 && pin <= 4)
			ap->prt[ap->nr_prt++] = (struct guest_acpi_prt){
				.slot = d->guest_devfn >> 3,
				.pin = pin - 1,
				.gsi = guest_intx_pin(d)
			};
	}
}

/* ---- set-up and tear-down ---------------------------------------------------------- */

static const struct vpci_host_ops host_ops = {
	.read = host_read,
	.write = host_write,
	.msi_changed = msi_changed,
	.msix_control = msix_control,
};

/*
 * Full isolation needs a unit that remaps both the device's DMA and its
 * interrupts (docs/device-assignment.md, "Threat model"): without interrupt
 * remapping a device can write any vector, NMI, INIT or SMI to any CPU.
 * dma-isolation = "none" accepts less, loudly.
 */
static int isolation_check(struct vm *vm, const char *bdf_str, uint16_t bdf)
{
	char why[200];
	int err = -ENODEV;

	if (iommu_present())
		err = iommu_device_check(bdf, why, sizeof(why));
	else
		snprintf(
			why, sizeof(why),
			"this machine has no IOMMU, so the device could DMA anywhere");
	if (!err)
		return 0;
	if (!vm->cfg->dma_isolation_none) {
		dev_error(vm, bdf_str,
			  "%s; set dma-isolation = \"none\" to accept that",
			  why);
		return err;
	}
	pr_warn("**************************************************************");
	pr_warn("vm %s: %s is assigned WITHOUT full isolation:", vm->name,
		bdf_str);
	pr_warn("%s.", why);
	pr_warn("**************************************************************");
	return 0;
}

/* Is bdf one of the functions this VM's config assigns to it? */
static bool in_config(const struct vm_config *cfg, uint16_t bdf)
{
	uint16_t b;

	for (uint32_t i = 0; i < cfg->nr_pci; i++)
		if (!pci_parse_bdf(cfg->pci[i], &b) && b == bdf)
			return true;
	return false;
}

/* ---- the group rule ------------------------------------------------------- */

struct group_check {
	const struct vm_config *cfg;
	char members[160];
	size_t len;
	const struct pci_device *outsider; /* a member this VM is not given */
};

static void note_member(void *ctx, const struct pci_device *m)
{
	struct group_check *g = ctx;
	char b[8];

	if (g->len < sizeof(g->members))
		g->len += (size_t)snprintf(
			g->members + g->len, sizeof(g->members) - g->len,
			"%s%s", g->len ? ", " : "", pci_bdf_str(m->bdf, b));
	if (!g->outsider && !in_config(g->cfg, m->bdf))
		g->outsider = m;
}

/* The function's isolation group goes to this VM whole, or not at all
 * (docs/device-assignment.md, "The group rule"). */
static int check_group(struct vm *vm, const struct pci_device *pdev,
		       const char *bdf_str)
{
	struct group_check g = { .cfg = vm->cfg };
	char why[300], b[8];

	pci_for_each_in_group(pdev, note_member, &g);
	if (!g.outsider)
		return 0;
	dev_error(
		vm, bdf_str,
		"its isolation group is {%s} (%s), and a group goes to one VM whole, but %s is %s%s; list all of them in this VM's pci-devices",
		g.members, pci_group_why_str(pdev->group_why, why, sizeof(why)),
		pci_bdf_str(g.outsider->bdf, b),
		g.outsider->owner ? "assigned to vm " : "not listed",
		g.outsider->owner ? g.outsider->owner->name : "");
	return -EBUSY;
}

/* ---- BAR rules ------------------------------------------------------------ */

#define BAR_CHECK_RANGES 512
#define LAPIC_MSI_WINDOW 0xfee00000ull /* 1 MiB: LAPIC and MSI addresses */
#define LAPIC_MSI_WINDOW_SIZE 0x100000ull

/* Scratch for one check at a time (VM builds take turns: vm.c). */
static struct phys_range forbidden[BAR_CHECK_RANGES];
static struct phys_range other_mem[PCI_MAX_DEVICES * PCI_NR_BARS];
static struct phys_range other_io[PCI_MAX_DEVICES * PCI_NR_BARS];
static char other_name[PCI_MAX_DEVICES * PCI_NR_BARS][24];

struct other_bars {
	const struct vm_config *cfg;
	size_t nr_mem, nr_io;
};

static void add_other_bar(void *ctx, const struct pci_device *d, unsigned i,
			  const struct pci_bar_rec *bar)
{
	struct other_bars *o = ctx;
	size_t k = o->nr_mem + o->nr_io;
	char b[8];

	if (in_config(o->cfg, d->bdf) || !bar->addr)
		return;
	snprintf(other_name[k], sizeof(other_name[k]), "BAR%u of %s", i,
		 pci_bdf_str(d->bdf, b));
	if (bar->io)
		other_io[o->nr_io++] =
			(struct phys_range){ bar->addr, bar->addr + bar->size,
					     other_name[k] };
	else
		other_mem[o->nr_mem++] =
			(struct phys_range){ bar->addr, bar->addr + bar->size,
					     other_name[k] };
}

/* What no BAR may cover: corral, memory, and the platform's MMIO. */
static size_t platform_ranges(void)
{
	size_t n = 0;
	uint64_t start, end;

	forbidden[n++] = (struct phys_range){ boot_info->hv_phys_base,
					      boot_info->hv_phys_base +
						      boot_info->hv_phys_size,
					      "corral's own image" };
	forbidden[n++] =
		(struct phys_range){ LAPIC_MSI_WINDOW,
				     LAPIC_MSI_WINDOW + LAPIC_MSI_WINDOW_SIZE,
				     "the local APIC and MSI window" };
	forbidden[n++] = (struct phys_range){ host_ioapic_base(),
					      host_ioapic_base() + PAGE_SIZE,
					      "the I/O APIC" };
	if (pci_ecam_window(&start, &end))
		forbidden[n++] = (struct phys_range){
			start, end, "the PCI configuration space (ECAM)"
		};
	n += iommu_register_ranges(forbidden + n, BAR_CHECK_RANGES - n);
	return n +
	       page_alloc_memory_ranges(forbidden + n, BAR_CHECK_RANGES - n);
}

/* The function's BARs, as recorded at boot, may go to this VM
 * (docs/device-assignment.md, "The BAR rule"). */
static int check_bars(struct vm *vm, const struct pci_device *pdev,
		      const char *bdf_str)
{
	struct other_bars o = { .cfg = vm->cfg };
	size_t nf = platform_ranges();
	char why[256];
	int err;

	if (nf > BAR_CHECK_RANGES) {
		dev_error(
			vm, bdf_str,
			"the firmware's memory map has more than %u ranges, too many to check its BARs against",
			BAR_CHECK_RANGES);
		return -E2BIG;
	}
	pci_for_each_bar(add_other_bar, &o);
	err = pci_bars_check(pdev->bars, forbidden, nf, other_mem, o.nr_mem,
			     other_io, o.nr_io, why, sizeof(why));
	if (err)
		dev_error(vm, bdf_str, "%s", why);
	return err;
}

/* After the reset the device must decode what the record says, or what
 * gets mapped would not be what check_bars() passed. */
static int bars_match_record(const struct assigned_dev *d, const char *bdf_str)
{
	for (unsigned i = 0; i < PCI_NR_BARS; i++) {
		const struct vpci_bar *b = vpci_bar(&d->vdev, i);
		const struct pci_bar_rec *r = &d->pdev->bars[i];
		uint64_t size = b->present ? b->size : 0;

		if (size == r->size &&
		    (!size || (b->addr == r->addr && b->io == r->io)))
			continue;
		dev_error(
			d->vm, bdf_str,
			"BAR%u reads 0x%llx (+0x%llx) after its reset, but was 0x%llx (+0x%llx) at boot",
			i, (unsigned long long)b->addr,
			(unsigned long long)size, (unsigned long long)r->addr,
			(unsigned long long)r->size);
		return -EIO;
	}
	return 0;
}

/* A secondary bus reset also reset the VM's devices set up before this
 * one behind the same bridge: give them their configuration back. */
static void restore_siblings(struct vm *vm, const struct pci_device *pdev)
{
	for (uint32_t i = 0; i < vm->nr_devices; i++)
		if (vm->devices[i]->pdev->parent_bridge ==
			    pdev->parent_bridge &&
		    pdev->parent_bridge != PCI_NO_BRIDGE)
			vpci_dev_restore(&vm->devices[i]->vdev);
}

static int assign_one(struct vm *vm, const char *bdf_str)
{
	struct assigned_dev *d;
	struct pci_device *pdev;
	const char *method = "";
	uint16_t bdf;
	int err;

	if (pci_parse_bdf(bdf_str, &bdf) || !(pdev = pci_find(bdf))) {
		dev_error(vm, bdf_str, "no such PCI function on this machine");
		return -ENODEV;
	}
	if (pdev->owner || pdev->is_bridge) {
		dev_error(vm, bdf_str,
			  pdev->is_bridge ? "bridges cannot be assigned" :
					    "already assigned to vm %s",
			  pdev->owner ? pdev->owner->name : "");
		return -ENODEV;
	}
	err = isolation_check(vm, bdf_str, bdf);
	if (!err && !vm->cfg->dma_isolation_none)
		err = check_group(vm, pdev, bdf_str);
	if (!err)
		err = check_bars(vm, pdev, bdf_str);
	if (err)
		return err;
	if (vm->nr_devices == VM_MAX_DEVICES) {
		dev_error(vm, bdf_str, "more than %u devices for one VM",
			  VM_MAX_DEVICES);
		return -ENOSPC;
	}
	err = pci_reset(pdev, vm, &method);
	if (err) {
		dev_error(
			vm, bdf_str,
			"no reset method: no FLR, no PM soft reset, not alone behind a bridge");
		return err;
	}
	restore_siblings(vm, pdev);
	d = pool_take();
	if (!d) {
		dev_error(vm, bdf_str,
			  "all %u assigned-device slots are in use", POOL_SIZE);
		return -ENOSPC;
	}
	d->vm = vm;
	d->pdev = pdev;
	d->guest_devfn = PCI_DEVFN(vm->nr_devices + 1, 0);
	d->msi_cap = pci_find_cap(bdf, PCI_CAP_ID_MSI);
	d->msix_cap = pci_find_cap(bdf, PCI_CAP_ID_MSIX);
	if (vpci_dev_init(&d->vdev, &host_ops, d)) {
		dev_error(vm, bdf_str,
			  "cannot build its virtual configuration space");
		d->in_use = false;
		return -ENODEV;
	}
	err = bars_match_record(d, bdf_str);
	if (!err)
		err = setup_msix(d, bdf_str);
	if (!err)
		err = map_bars(d, bdf_str);
	if (!err)
		err = add_function(d, bdf_str);
	if (err) {
		d->in_use = false;
		return err;
	}
	pdev->owner = vm;
	vm->devices[vm->nr_devices++] = d;
	pr_info("vm %s: assigned %s (%04x:%04x) as 00:%02x.0, reset: %s",
		vm->name, bdf_str, pdev->vendor, pdev->device,
		d->guest_devfn >> 3, method);
	for (unsigned i = 0; i < 6; i++) {
		const struct vpci_bar *b = vpci_bar(&d->vdev, i);

		if (b && b->present)
			pr_info("vm %s:   BAR%u %s 0x%llx-0x%llx%s", vm->name,
				i, b->io ? "io " : "mem",
				(unsigned long long)b->addr,
				(unsigned long long)(b->addr + b->size - 1),
				d->msix_nr && !b->io &&
						d->msix_page >= b->addr &&
						d->msix_page <
							b->addr + b->size ?
					" (MSI-X table page trapped)" :
					"");
	}
	return 0;
}

int assign_devices(struct vm *vm)
{
	for (uint32_t i = 0; i < vm->cfg->nr_pci; i++) {
		int err = assign_one(vm, vm->cfg->pci[i]);

		if (err)
			return err;
	}
	if (vm->nr_devices)
		pr_info("assign: %u of %u assigned-device slots in use",
			pool_in_use(), POOL_SIZE);
	return 0;
}

/* An assigned device that already forwards INTx from host pin `line`. A
 * level-triggered pin masked while one guest handles it cannot be shared
 * with another device: that guest could hold it masked for both. */
static const struct assigned_dev *intx_line_user(uint8_t line)
{
	for (unsigned i = 0; i < POOL_SIZE; i++)
		if (pool[i].in_use && pool[i].intx_host_vector &&
		    pool[i].intx_line == line)
			return &pool[i];
	return NULL;
}

static void setup_intx(struct assigned_dev *d)
{
	uint16_t bdf = d->pdev->bdf;
	uint8_t pin = pci_read(bdf, PCI_INTERRUPT_PIN, 1);
	uint8_t line = d->pdev->irq_line; /* a reset may have cleared it */
	const struct assigned_dev *other;
	char b[8], ob[8];
	uint8_t v;

	if (!pin || line == 0xff || iommu_irq_remapping())
		return;
	other = intx_line_user(line);
	if (other) {
		pr_warn("vm %s: %s: INTx not forwarded: host IOAPIC pin %u already carries %s of vm %s, and a masked level-triggered pin cannot be shared; the device must use MSI",
			d->vm->name, pci_bdf_str(bdf, b), line,
			pci_bdf_str(other->pdev->bdf, ob), other->vm->name);
		return;
	}
	if (quota_take_logged(d, &d->vm->irq_vectors, "host vectors",
			      "irq-vectors"))
		return;
	v = host_irq_alloc(d->vm, 0);
	if (!v) {
		quota_give(&d->vm->irq_vectors);
		return;
	}
	d->intx_guest_pin = guest_intx_pin(d);
	host_irq_set_intx(v, line, d->intx_guest_pin);
	if (host_ioapic_route_level(line, v, first_apic_id(d->vm))) {
		host_irq_free(v);
		quota_give(&d->vm->irq_vectors);
		return;
	}
	d->intx_host_vector = v;
	d->intx_line = line;
	pr_info("vm %s: %s INT%c on host IOAPIC pin %u -> guest pin %u",
		d->vm->name, pci_bdf_str(bdf, b), 'A' + pin - 1, line,
		d->intx_guest_pin);
}

/* The device's I/O BARs become the guest's ports, with or without an
 * IOMMU (their addresses were checked when the device was recorded). */
static void open_io_bars(struct assigned_dev *d)
{
	for (unsigned k = 0; k < 6; k++) {
		const struct vpci_bar *bar = vpci_bar(&d->vdev, k);

		if (bar && bar->present && bar->io)
			backend()->allow_io(d->vm, (uint16_t)bar->addr,
					    (uint32_t)bar->size);
	}
}

int assign_finish(struct vm *vm)
{
	char why[128], b[8];
	int err;

	for (uint32_t i = 0; i < vm->nr_devices; i++) {
		setup_intx(vm->devices[i]);
		open_io_bars(vm->devices[i]);
	}
	if (!vm->nr_devices || !iommu_present())
		return 0;
	err = iommu_domain_create(vm, why, sizeof(why));
	if (err) {
		pr_err("vm %s: %s", vm->name, why);
		return err;
	}
	for (uint32_t i = 0; i < vm->nr_devices; i++) {
		struct assigned_dev *d = vm->devices[i];

		err = iommu_attach(vm, d->pdev->bdf, why, sizeof(why));
		if (err) {
			pr_err("vm %s: %s: %s; this VM does not start",
			       vm->name, pci_bdf_str(d->pdev->bdf, b), why);
			return err;
		}
	}
	pr_info("vm %s: DMA domain %u holds %u device(s); everything else it cannot reach",
		vm->name, vm->id + 1, vm->nr_devices);
	return 0;
}

/* Quiets the function before anything it could still use goes away: no
 * decoding, no DMA (and so no MSI, PCI 3.0 6.8.1), no MSI or MSI-X
 * enable left behind for the next owner. */
static void quiesce(struct assigned_dev *d)
{
	uint16_t bdf = d->pdev->bdf;

	pci_write(bdf, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	if (d->msi_cap)
		pci_write(bdf, d->msi_cap + 2, 2,
			  pci_read(bdf, d->msi_cap + 2, 2) & ~MSI_CTRL_ENABLE);
	if (d->msix_cap)
		pci_write(bdf, d->msix_cap + 2, 2,
			  pci_read(bdf, d->msix_cap + 2, 2) &
				  ~MSIX_CTRL_ENABLE);
}

static void release_intx(struct assigned_dev *d)
{
	if (!d->intx_host_vector)
		return;
	host_ioapic_mask(d->intx_line, true);
	host_irq_free(d->intx_host_vector);
	quota_give(&d->vm->irq_vectors);
	d->intx_host_vector = 0;
}

/* In this order (docs/device-assignment.md, "Threat model"): stop the device,
 * take it out of the DMA domain, free its interrupt entries and vectors,
 * reset it, give its slot back. */
void assign_release(struct vm *vm)
{
	const char *method;
	char b[8];

	for (uint32_t i = 0; i < vm->nr_devices; i++) {
		struct assigned_dev *d = vm->devices[i];

		quiesce(d);
		if (iommu_present() && iommu_detach(d->pdev->bdf))
			pr_err("vm %s: %s: the IOMMU did not confirm its detach",
			       vm->name, pci_bdf_str(d->pdev->bdf, b));
		vec_unbind(d, &d->msi);
		for (unsigned k = 0; k < d->msix_nr; k++)
			vec_unbind(d, &d->msix[k]);
		release_intx(d);
		pci_reset(d->pdev, vm, &method);
		d->pdev->owner = NULL;
		d->in_use = false;
		vm->devices[i] = NULL;
	}
	vm->nr_devices = 0;
}
