/* SPDX-License-Identifier: MIT */
/*
 * A PCI function's Base Address Registers as the firmware laid them out,
 * decoded from the registers and their sizing read-backs (PCI 3.0 6.2.5.1),
 * and the rules an assigned function's BARs must pass: corral maps memory
 * BARs into a VM by the page and opens I/O BARs to it by the port, so a
 * BAR that shares a page with another device, or covers RAM, the platform's
 * MMIO or the ISA ports, would hand the VM something that is not its own.
 * Pure logic (unit.pci_bars).
 */
#ifndef CORRAL_HOST_PCI_BARS_H
#define CORRAL_HOST_PCI_BARS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <phys_range.h>

#define PCI_NR_BARS 6
#define PCI_IO_BAR_MIN 0x1000	 /* below: the ISA platform's ports */
#define PCI_IO_BAR_LIMIT 0x10000 /* x86 I/O space */

struct pci_bar_rec {
	uint64_t addr, size; /* size 0: not implemented */
	bool io;
	bool is64; /* takes this register and the next */
	bool prefetch;
};

/*
 * Decodes raw[i] (the BAR as the firmware left it) and probe[i] (what
 * reads back after writing all ones) into rec[i]. The upper half of a
 * 64-bit BAR gets a record with size 0.
 */
void pci_bars_decode(const uint32_t raw[PCI_NR_BARS],
		     const uint32_t probe[PCI_NR_BARS],
		     struct pci_bar_rec rec[PCI_NR_BARS]);

/*
 * Checks one function's BARs: memory BARs have an address, do not wrap,
 * and their pages overlap neither a `forbidden` range (RAM, corral, the
 * platform's MMIO) nor the pages of an `other` range (other devices'
 * BARs); I/O BARs lie in [PCI_IO_BAR_MIN, PCI_IO_BAR_LIMIT) and overlap no
 * `other` I/O range. 0, or -EINVAL with why[] naming the BAR and the
 * problem.
 */
int pci_bars_check(const struct pci_bar_rec rec[PCI_NR_BARS],
		   const struct phys_range *forbidden, size_t nr_forbidden,
		   const struct phys_range *other_mem, size_t nr_other_mem,
		   const struct phys_range *other_io, size_t nr_other_io,
		   char *why, size_t n);

#endif
