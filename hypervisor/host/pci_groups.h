/* SPDX-License-Identifier: MIT */
/*
 * Isolation groups: the smallest sets of PCI functions that the IOMMU can
 * keep apart, computed from the topology (in the spirit of Linux's IOMMU
 * groups). Two functions share a group when
 *  - the IOMMU sees them with one requester ID: everything behind a
 *    PCIe-to-PCI bridge (PCIe-to-PCI/PCI-X Bridge 1.0, 2.3) or a
 *    conventional PCI-to-PCI bridge, whose bus they also share;
 *  - one can reach the other peer-to-peer without passing the IOMMU:
 *    functions of one multi-function device unless each has ACS (PCIe 4.0,
 *    6.12), functions below a root port or switch downstream port without
 *    ACS, and everything below a switch with a downstream port without ACS.
 * A group goes to one VM whole (docs/device-assignment.md, "The group
 * rule"). Pure logic (unit.pci_groups).
 */
#ifndef CORRAL_HOST_PCI_GROUPS_H
#define CORRAL_HOST_PCI_GROUPS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PCIe Capabilities register, Device/Port Type (PCIe 4.0, 7.5.3.2). */
#define PCIE_TYPE_ENDPOINT 0x0
#define PCIE_TYPE_LEGACY_ENDPOINT 0x1
#define PCIE_TYPE_ROOT_PORT 0x4
#define PCIE_TYPE_UPSTREAM 0x5
#define PCIE_TYPE_DOWNSTREAM 0x6
#define PCIE_TYPE_PCIE_TO_PCI 0x7
#define PCIE_TYPE_PCI_TO_PCIE 0x8
#define PCIE_TYPE_RC_ENDPOINT 0x9
#define PCIE_TYPE_NONE 0xff /* conventional PCI: no PCIe capability */

/* Why a group has more than one member (bits, for messages). */
#define PCI_GROUP_ALIAS (1u << 0)	  /* one requester ID behind a bridge */
#define PCI_GROUP_MULTIFUNCTION (1u << 1) /* functions without ACS */
#define PCI_GROUP_PORT_NO_ACS (1u << 2)	  /* below a port without ACS */
#define PCI_GROUP_SWITCH_NO_ACS (1u << 3) /* in a switch without ACS */

struct pci_topo_fn {
	/* in */
	uint16_t bdf;
	int parent;	   /* index of the bridge above; -1 on a root bus */
	uint8_t secondary; /* bridges: the secondary bus number */
	uint8_t pcie_type; /* PCIE_TYPE_* */
	bool is_bridge;
	bool acs; /* has ACS, with what it implements of SV/RR/CR/UF on */
	/* out */
	unsigned group; /* index of the group's first member */
	uint16_t
		dma_alias; /* the requester ID its DMA reaches the IOMMU with */
	unsigned why; /* the group's PCI_GROUP_* reasons (on every member) */
};

/* Fills group, dma_alias and why of each of the n functions. A parent
 * must come before its children (enumeration order). */
void pci_groups_compute(struct pci_topo_fn *f, size_t n);

/* "functions of one device without ACS, ..." for why bits, into buf. */
const char *pci_group_why_str(unsigned why, char *buf, size_t n);

#endif
