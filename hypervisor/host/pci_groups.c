// SPDX-License-Identifier: MIT
/* Isolation groups from the PCI topology (host/pci_groups.h). */
#include <format.h>
#include <host/pci_groups.h>

#define DEVFN_SLOT(bdf) ((bdf) >> 3) /* bus and device: one slot */

/* Union-find over f[].group, which holds a parent index until the end. */
static unsigned find(struct pci_topo_fn *f, unsigned i)
{
	while (f[i].group != i) {
		f[i].group = f[f[i].group].group;
		i = f[i].group;
	}
	return i;
}

static void join(struct pci_topo_fn *f, unsigned a, unsigned b, unsigned why)
{
	unsigned ra = find(f, a), rb = find(f, b);
	unsigned lo = ra < rb ? ra : rb, hi = ra < rb ? rb : ra;

	f[lo].why |= f[hi].why | why;
	f[hi].group = lo;
}

static bool is_port(const struct pci_topo_fn *p)
{
	return p->pcie_type == PCIE_TYPE_ROOT_PORT ||
	       p->pcie_type == PCIE_TYPE_DOWNSTREAM;
}

/*
 * The requester ID the IOMMU sees: each conventional bus on the way up
 * takes it over, a PCIe-to-PCI bridge as (secondary bus, 00.0), any other
 * bridge as itself (the convention of Linux's DMA aliases and QEMU's
 * intel-iommu). The topmost such bridge wins.
 */
static uint16_t dma_alias(const struct pci_topo_fn *f, unsigned i)
{
	uint16_t alias = f[i].bdf;

	for (int p = f[i].parent; p >= 0; p = f[p].parent) {
		if (f[p].pcie_type == PCIE_TYPE_PCIE_TO_PCI)
			alias = (uint16_t)(f[p].secondary << 8);
		else if (f[p].pcie_type == PCIE_TYPE_NONE ||
			 f[p].pcie_type == PCIE_TYPE_PCI_TO_PCIE)
			alias = f[p].bdf;
	}
	return alias;
}

/* Joins a function to the bridge above it unless that bridge is a port
 * whose ACS keeps what is below it from reaching its peers. */
static void join_parent(struct pci_topo_fn *f, unsigned i)
{
	const struct pci_topo_fn *p;

	if (f[i].parent < 0)
		return; /* on a root bus: the root complex isolates it */
	p = &f[f[i].parent];
	if (is_port(p) && p->acs)
		return;
	join(f, i, (unsigned)f[i].parent,
	     is_port(p)				? PCI_GROUP_PORT_NO_ACS :
	     p->pcie_type == PCIE_TYPE_UPSTREAM ? 0 :
						  PCI_GROUP_ALIAS);
}

/* Functions of one device reach each other unless each has ACS. */
static void join_slot(struct pci_topo_fn *f, size_t n, unsigned i)
{
	for (unsigned k = 0; k < n; k++)
		if (k != i && DEVFN_SLOT(f[k].bdf) == DEVFN_SLOT(f[i].bdf) &&
		    !(f[k].acs && f[i].acs))
			join(f, i, k, PCI_GROUP_MULTIFUNCTION);
}

static bool below(const struct pci_topo_fn *f, unsigned i, unsigned anc)
{
	for (int p = f[i].parent; p >= 0; p = f[p].parent)
		if ((unsigned)p == anc)
			return true;
	return false;
}

/* A switch downstream port without ACS lets what is below it reach
 * everything below the switch's other ports: the whole switch is one. */
static void join_switch(struct pci_topo_fn *f, size_t n, unsigned port)
{
	unsigned up;

	if (f[port].pcie_type != PCIE_TYPE_DOWNSTREAM || f[port].acs ||
	    f[port].parent < 0)
		return;
	up = (unsigned)f[port].parent;
	for (unsigned k = 0; k < n; k++)
		if (below(f, k, up))
			join(f, k, up, PCI_GROUP_SWITCH_NO_ACS);
}

void pci_groups_compute(struct pci_topo_fn *f, size_t n)
{
	for (unsigned i = 0; i < n; i++) {
		f[i].group = i;
		f[i].why = 0;
		f[i].dma_alias = dma_alias(f, i);
	}
	for (unsigned i = 0; i < n; i++) {
		join_parent(f, i);
		join_slot(f, n, i);
		join_switch(f, n, i);
		/* Whatever shares a requester ID is one, however it came to. */
		for (unsigned k = 0; k < i; k++)
			if (f[k].dma_alias == f[i].dma_alias)
				join(f, i, k, PCI_GROUP_ALIAS);
	}
	for (unsigned i = 0; i < n; i++)
		f[i].group = find(f, i);
	for (unsigned i = 0; i < n; i++)
		f[i].why = f[f[i].group].why;
}

const char *pci_group_why_str(unsigned why, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *text;
	} reasons[] = {
		{ PCI_GROUP_ALIAS,
		  "devices behind a PCI bridge reach the IOMMU with one requester ID" },
		{ PCI_GROUP_MULTIFUNCTION,
		  "functions of one device without ACS reach each other directly" },
		{ PCI_GROUP_PORT_NO_ACS,
		  "devices below a PCIe port without ACS reach each other directly" },
		{ PCI_GROUP_SWITCH_NO_ACS,
		  "devices below a PCIe switch without ACS reach each other directly" },
	};
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if ((why & reasons[i].bit) && len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s",
						len ? "; " : "",
						reasons[i].text);
	return buf;
}
