// SPDX-License-Identifier: MIT
/* Isolation groups over synthetic topologies (hypervisor/host/pci_groups.c). */
#include <string.h>

#include <host/pci_groups.h>
#include "test.h"

#define BDF(b, d, f) ((uint16_t)((b) << 8 | (d) << 3 | (f)))

static struct pci_topo_fn fn(uint16_t bdf, int parent, uint8_t type)
{
	return (struct pci_topo_fn){ .bdf = bdf,
				     .parent = parent,
				     .pcie_type = type };
}

static struct pci_topo_fn bridge(uint16_t bdf, int parent, uint8_t type,
				 uint8_t secondary, bool acs)
{
	struct pci_topo_fn f = fn(bdf, parent, type);

	f.is_bridge = true;
	f.secondary = secondary;
	f.acs = acs;
	return f;
}

/* q35's root bus: integrated endpoints and conventional devices each
 * stand alone, and alias to nothing. */
static void test_root_bus(void)
{
	struct pci_topo_fn t[] = {
		fn(BDF(0, 2, 0), -1, PCIE_TYPE_RC_ENDPOINT),
		fn(BDF(0, 3, 0), -1, PCIE_TYPE_ENDPOINT),
		fn(BDF(0, 5, 0), -1, PCIE_TYPE_NONE),
	};

	pci_groups_compute(t, 3);
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(t[i].group, i);
		CHECK_EQ(t[i].dma_alias, t[i].bdf);
		CHECK_EQ(t[i].why, 0);
	}
}

/* A multi-function device: one group unless every function has ACS. */
static void test_multifunction(void)
{
	struct pci_topo_fn t[] = {
		fn(BDF(0, 7, 0), -1, PCIE_TYPE_NONE),
		fn(BDF(0, 7, 1), -1, PCIE_TYPE_NONE),
		fn(BDF(0, 8, 0), -1, PCIE_TYPE_NONE),
	};

	pci_groups_compute(t, 3);
	CHECK_EQ(t[0].group, 0);
	CHECK_EQ(t[1].group, 0);
	CHECK_EQ(t[2].group, 2);
	CHECK_EQ(t[1].why, PCI_GROUP_MULTIFUNCTION);
	CHECK_EQ(t[1].dma_alias, BDF(0, 7, 1)); /* own requester IDs */

	t[0].acs = true;
	pci_groups_compute(t, 3);
	CHECK_EQ(t[1].group, 0); /* one function without ACS keeps them one */
	t[1].acs = true;
	pci_groups_compute(t, 3);
	CHECK_EQ(t[0].group, 0);
	CHECK_EQ(t[1].group, 1);
}

/* QEMU's pcie-pci-bridge with two conventional devices behind it: they
 * DMA as (secondary bus, 00.0), so they and the bridge are one group. */
static void test_pcie_to_pci_bridge(void)
{
	struct pci_topo_fn t[] = {
		bridge(BDF(0, 6, 0), -1, PCIE_TYPE_PCIE_TO_PCI, 1, false),
		fn(BDF(1, 1, 0), 0, PCIE_TYPE_NONE),
		fn(BDF(1, 2, 0), 0, PCIE_TYPE_NONE),
		fn(BDF(0, 9, 0), -1, PCIE_TYPE_RC_ENDPOINT),
	};
	char buf[256];

	pci_groups_compute(t, 4);
	CHECK_EQ(t[1].group, 0);
	CHECK_EQ(t[2].group, 0);
	CHECK_EQ(t[3].group, 3);
	CHECK_EQ(t[1].dma_alias, BDF(1, 0, 0));
	CHECK_EQ(t[2].dma_alias, BDF(1, 0, 0));
	CHECK_EQ(t[0].dma_alias, BDF(0, 6, 0));
	CHECK_EQ(t[2].why, PCI_GROUP_ALIAS);
	CHECK(strstr(pci_group_why_str(t[2].why, buf, sizeof(buf)),
		     "one requester ID"));
}

/* A conventional PCI-to-PCI bridge (no PCIe capability) lends its own
 * requester ID; the topmost conventional hop wins. */
static void test_conventional_chain(void)
{
	struct pci_topo_fn t[] = {
		bridge(BDF(0, 0x1e, 0), -1, PCIE_TYPE_NONE, 1, false),
		bridge(BDF(1, 3, 0), 0, PCIE_TYPE_NONE, 2, false),
		fn(BDF(2, 0, 0), 1, PCIE_TYPE_NONE),
		fn(BDF(1, 4, 0), 0, PCIE_TYPE_NONE),
	};

	pci_groups_compute(t, 4);
	CHECK_EQ(t[2].dma_alias, BDF(0, 0x1e, 0));
	CHECK_EQ(t[3].dma_alias, BDF(0, 0x1e, 0));
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(t[i].group, 0);
}

/* Root ports: ACS isolates what is below each; without it, the device
 * joins its port (and only that port). */
static void test_root_ports(void)
{
	struct pci_topo_fn t[] = {
		bridge(BDF(0, 0x1c, 0), -1, PCIE_TYPE_ROOT_PORT, 1, true),
		fn(BDF(1, 0, 0), 0, PCIE_TYPE_ENDPOINT),
		bridge(BDF(0, 0x1d, 0), -1, PCIE_TYPE_ROOT_PORT, 2, false),
		fn(BDF(2, 0, 0), 2, PCIE_TYPE_ENDPOINT),
	};

	pci_groups_compute(t, 4);
	CHECK_EQ(t[0].group, 0);
	CHECK_EQ(t[1].group, 1);
	CHECK_EQ(t[1].why, 0);
	CHECK_EQ(t[2].group, 2);
	CHECK_EQ(t[3].group, 2);
	CHECK_EQ(t[3].why, PCI_GROUP_PORT_NO_ACS);
	CHECK_EQ(t[3].dma_alias, BDF(2, 0, 0)); /* PCIe: no alias */
}

/* A switch: upstream port 02:00.0 below root port 00:1c.0, downstream
 * ports 03:00.0 and 03:01.0, an endpoint below each. */
static void test_switch(void)
{
	struct pci_topo_fn t[] = {
		bridge(BDF(0, 0x1c, 0), -1, PCIE_TYPE_ROOT_PORT, 2, true),
		bridge(BDF(2, 0, 0), 0, PCIE_TYPE_UPSTREAM, 3, false),
		bridge(BDF(3, 0, 0), 1, PCIE_TYPE_DOWNSTREAM, 4, true),
		fn(BDF(4, 0, 0), 2, PCIE_TYPE_ENDPOINT),
		bridge(BDF(3, 1, 0), 1, PCIE_TYPE_DOWNSTREAM, 5, true),
		fn(BDF(5, 0, 0), 4, PCIE_TYPE_ENDPOINT),
	};

	pci_groups_compute(t, 6);
	CHECK(t[3].group != t[5].group); /* ACS everywhere: apart */
	CHECK_EQ(t[3].group, 3);
	CHECK_EQ(t[5].group, 5);

	/* The second port lacks ACS: its endpoint can reach the first's,
	 * whose port has ACS, so the whole switch is one group. */
	t[4].acs = false;
	pci_groups_compute(t, 6);
	CHECK_EQ(t[3].group, t[5].group);
	CHECK(t[3].why & PCI_GROUP_SWITCH_NO_ACS);
	CHECK(t[0].group != t[3].group); /* the root port's ACS holds */
}

/* Sharing a requester ID puts devices together whatever else holds. */
static void test_same_alias(void)
{
	struct pci_topo_fn t[] = {
		bridge(BDF(0, 0x1c, 0), -1, PCIE_TYPE_ROOT_PORT, 1, true),
		bridge(BDF(1, 0, 0), 0, PCIE_TYPE_PCIE_TO_PCI, 2, false),
		fn(BDF(2, 1, 0), 1, PCIE_TYPE_NONE),
		fn(BDF(2, 2, 0), 1, PCIE_TYPE_NONE),
	};

	pci_groups_compute(t, 4);
	CHECK_EQ(t[2].group, t[3].group);
	CHECK_EQ(t[2].dma_alias, BDF(2, 0, 0));
	CHECK(t[0].group != t[2].group);
}

int main(void)
{
	test_root_bus();
	test_multifunction();
	test_pcie_to_pci_bridge();
	test_conventional_chain();
	test_root_ports();
	test_switch();
	test_same_alias();
	return test_summary();
}
