/* SPDX-License-Identifier: MIT */
/*
 * The ACPI DMA Remapping table (DMAR), VT-d spec rev 4.x chapter 8: which
 * remapping units exist, which PCI devices each one translates, and which
 * memory ranges the firmware reserves for device DMA (RMRRs).
 *
 * Pure code: dmar_parse() reads a copy or a mapping of the table and never
 * trusts a length it has not checked against the table's own length.
 */
#ifndef CORRAL_DMAR_H
#define CORRAL_DMAR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DMAR_MAX_UNITS 8
#define DMAR_MAX_SCOPES 64
#define DMAR_MAX_RMRRS 8
#define DMAR_MAX_PATH 4

/* Device Scope Structure "Type" (VT-d 8.3.1, table "Device Scope Entry
 * Types"). */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,
	DMAR_SCOPE_BRIDGE = 2, /* the bridge and its whole sub-hierarchy */
	DMAR_SCOPE_IOAPIC = 3, /* enumeration_id = I/O APIC id (MADT) */
	DMAR_SCOPE_HPET = 4,   /* enumeration_id = HPET number */
	DMAR_SCOPE_ACPI = 5,   /* enumeration_id = ANDD device number */
};

/* One device scope entry (VT-d 8.3.1). path[i] = {device, function}; hop 0
 * is on start_bus, each later hop on the secondary bus of the previous one. */
struct dmar_scope {
	uint8_t type, enumeration_id, start_bus, path_len;
	uint8_t path[DMAR_MAX_PATH][2];
};

/* A DMA Remapping Hardware Unit Definition, DRHD (VT-d 8.3). Its device
 * scopes are scopes[first_scope .. first_scope + nr_scopes - 1]. */
struct dmar_unit {
	uint64_t reg_base; /* 4 KiB aligned MMIO register set */
	uint64_t reg_size; /* 2^Size 4 KiB pages (DRHD "Size", bits 3:0) */
	uint16_t segment;
	bool include_pci_all; /* DRHD flags bit 0: INCLUDE_PCI_ALL */
	uint32_t first_scope, nr_scopes;
};

/* A Reserved Memory Region Reporting structure, RMRR (VT-d 8.4): DMA the
 * listed devices may do behind the OS's back (USB legacy, iGPU stolen
 * memory). */
struct dmar_rmrr {
	uint16_t segment;
	uint64_t base, end; /* end is inclusive */
	uint32_t first_scope, nr_scopes;
};

struct dmar_info {
	uint8_t host_addr_width; /* HAW + 1: physical address bits */
	bool intr_remap;	 /* DMAR flags bit 0: INTR_REMAP */
	bool x2apic_opt_out;	 /* DMAR flags bit 1: X2APIC_OPT_OUT */
	uint32_t nr_units;
	struct dmar_unit units[DMAR_MAX_UNITS];
	uint32_t nr_rmrrs;
	struct dmar_rmrr rmrrs[DMAR_MAX_RMRRS];
	uint32_t nr_scopes;
	struct dmar_scope scopes[DMAR_MAX_SCOPES];
};

/*
 * Parses a DMAR table of `len` readable bytes into *out. Returns 0, or -EINVAL
 * with *why (if why is not NULL) set to a static string naming the problem.
 *
 * Checked: the "DMAR" signature, 48 <= header length <= len, the checksum,
 * every remapping structure's length (at least its type's fixed part, not
 * past the table; a zero length is an error, not a loop), every device
 * scope's length (6 + 2n, inside its structure, n <= DMAR_MAX_PATH), DRHD
 * register bases (non-zero, 4 KiB aligned), RMRR bounds (4 KiB aligned,
 * base <= end), at most one INCLUDE_PCI_ALL unit per segment, and the
 * DMAR_MAX_* capacities. Structures of unknown type are skipped by length
 * (VT-d 8.2: reserved types are for future use); ATSR, SATC and SIDP
 * scopes are checked but not stored. On failure *out is partially filled
 * and must not be used.
 */
int dmar_parse(const void *table, size_t len, struct dmar_info *out,
	       const char **why);

/*
 * The remapping unit that translates DMA from segment:bus:devfn, or NULL.
 *
 * An explicit scope wins (VT-d 8.3.1): an ENDPOINT scope naming exactly this
 * device, else a BRIDGE scope naming a bridge that this device is, or sits
 * below. Only then the INCLUDE_PCI_ALL unit of the segment.
 *
 * secondary_bus(ctx, bus, devfn) reports the bridge at bus:devfn. It returns
 * -1 if there is no bridge there; else its secondary bus number in bits 7:0
 * and, optionally, its subordinate bus number in bits 15:8. When bits 15:8
 * are 0 the subordinate is taken to equal the secondary bus, so a BRIDGE
 * scope then covers only the devices directly on its secondary bus. It
 * resolves multi-hop scope paths and BRIDGE scopes; it may be NULL when
 * every scope is single-hop and no BRIDGE scope needs resolving (such
 * scopes are then skipped, never guessed).
 */
const struct dmar_unit *dmar_unit_for(
	const struct dmar_info *d, uint16_t seg, uint8_t bus, uint8_t devfn,
	int (*secondary_bus)(void *ctx, uint8_t bus, uint8_t devfn), void *ctx);

/*
 * The PCI requester id (bus << 8 | devfn) that the I/O APIC with MADT id
 * `ioapic_id` uses for its interrupt messages, from its IOAPIC device scope
 * (VT-d 8.3.1.1), and the unit that remaps them (*unit, if not NULL).
 * Returns -ENOENT if no unit lists that I/O APIC. secondary_bus as above.
 */
int dmar_ioapic_source_id(const struct dmar_info *d, uint8_t ioapic_id,
			  const struct dmar_unit **unit,
			  int (*secondary_bus)(void *ctx, uint8_t bus,
					       uint8_t devfn),
			  void *ctx);

#endif
