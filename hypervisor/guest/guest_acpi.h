/* SPDX-License-Identifier: MIT */
/*
 * Per-VM ACPI tables: RSDP, RSDT, XSDT, FADT, FACS, DSDT and MADT, plus
 * MCFG and a PCI host bridge in the DSDT when the VM has PCI.
 *
 * The FADT is a classic (not hardware-reduced) one with a PM timer block,
 * because that is what stock Linux 6.1 needs to calibrate the TSC (see
 * docs/guest-acpi.md). The hypervisor emulates the fixed-hardware registers
 * named below; these tables only tell the guest where they are.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 */
#ifndef CORRAL_GUEST_ACPI_H
#define CORRAL_GUEST_ACPI_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fixed-hardware I/O ports (ACPI 6.4 §4.8.3). */
#define GACPI_PM1A_EVT_PORT 0x600 /* 4 bytes: PM1_STS (2) + PM1_EN (2) */
#define GACPI_PM1A_CNT_PORT \
	0x604 /* 2 bytes: SCI_EN bit 0, SLP_TYP 10-12, SLP_EN 13 */
#define GACPI_PM_TMR_PORT 0x608 /* 4 bytes, 24-bit counter at 3.579545 MHz */
#define GACPI_PM1_EVT_LEN 4
#define GACPI_PM1_CNT_LEN 2
#define GACPI_PM_TMR_LEN 4
#define GACPI_PM_TMR_HZ 3579545u
#define GACPI_PM_TMR_MASK 0x00FFFFFFu /* TMR_VAL_EXT clear: 24 bits */

/* PM1 control register bits (ACPI 6.4 §4.8.3.2.1). */
#define GACPI_PM1_CNT_SCI_EN (1u << 0)
#define GACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define GACPI_PM1_CNT_SLP_TYP_MASK (7u << GACPI_PM1_CNT_SLP_TYP_SHIFT)
#define GACPI_PM1_CNT_SLP_EN (1u << 13)

/* Reset register (ACPI 6.4 §4.8.3.6): one byte written to an I/O port. */
#define GACPI_RESET_PORT 0xCF9
#define GACPI_RESET_VALUE 0x06

/* SLP_TYP that \_S5 names; SLP_EN with this type powers the VM off. */
#define GACPI_SLP_TYP_S5 5

#define GACPI_SCI_IRQ 9
#define GACPI_IOAPIC_GPA 0xFEC00000u
#define GACPI_LAPIC_GPA 0xFEE00000u

/* PCI: one ECAM bus is 1 MiB (PCIe 4.0 §7.2.2); _PRT entries. */
#define GACPI_ECAM_BUS_SIZE 0x100000ull
#define GACPI_MAX_PRT 32
#define GACPI_PCI_MAX_SLOT 31
#define GACPI_PCI_MAX_PIN 3 /* 0-3 = INTA-INTD */

/* One _PRT entry (ACPI 6.4 §6.2.13): device `slot`, any function, INTx pin. */
struct guest_acpi_prt {
	uint8_t slot;
	uint8_t pin;
	uint32_t gsi; /* an IOAPIC input; Linux makes it level, active-low */
};

struct guest_acpi_params {
	uint64_t
		base_gpa; /* where the buffer sits in guest-physical space (0xE0000) */
	uint32_t nr_vcpus; /* LAPIC/x2APIC ids 0..nr_vcpus-1 */
	uint8_t ioapic_id; /* distinct from the LAPIC ids */
	/* Not 0: the MADT's Multiprocessor Wakeup entry (ACPI 6.4 §5.2.12.19)
	 * names this 4 KiB-aligned mailbox; the OS starts the other
	 * processors through it (docs/smp-guests.md). */
	uint64_t mp_wakeup_mailbox;

	/*
	 * PCI (all zero: no PCI, and the tables are exactly as without
	 * these fields). With `pci`: an MCFG table for segment 0, buses
	 * 0..bus_end at ecam_base, and in the DSDT \_SB.PCI0 (PNP0A08) with
	 * _CRS/_PRT/_OSC and \_SB.MCFG (PNP0C02) reserving the ECAM range.
	 * Windows for the BARs have inclusive ends; a window is present
	 * when end > base. The 32-bit one must end below 4 GiB.
	 */
	bool pci;
	uint64_t ecam_base; /* 1 MiB aligned, not 0 */
	uint8_t bus_end;
	uint64_t mmio32_base, mmio32_end;
	uint64_t mmio64_base, mmio64_end;
	uint8_t nr_prt; /* at most GACPI_MAX_PRT */
	struct guest_acpi_prt prt[GACPI_MAX_PRT];
};

/*
 * Builds RSDP (rev 2, 36 bytes, both checksums), RSDT and XSDT, FADT, FACS,
 * DSDT and MADT (and MCFG with `pci`) into `buf` (host pointer to the
 * region at base_gpa).
 * Returns the bytes used, or 0 if buf_size is too small or the parameters
 * are unusable (nr_vcpus 0, ioapic_id among the LAPIC ids, the buffer
 * not wholly below 4 GiB, which the RSDT's 32-bit pointers need, or PCI
 * parameters that guest_acpi_pci_ok() refuses).
 * *rsdp_gpa gets the RSDP's guest-physical address: the first byte of the
 * buffer, so base_gpa must be 16-byte aligned (ACPI 6.4 §5.2.5.1).
 */
size_t guest_acpi_build(void *buf, size_t buf_size,
			const struct guest_acpi_params *p, uint64_t *rsdp_gpa);

/*
 * The PCI parameters are usable (true when !p->pci): ECAM 1 MiB aligned,
 * non-zero and not wrapping; at most GACPI_MAX_PRT _PRT entries, each
 * with slot <= 31 and pin <= 3; the 32-bit window below 4 GiB; ECAM and
 * the windows pairwise disjoint.
 */
bool guest_acpi_pci_ok(const struct guest_acpi_params *p);

#endif
