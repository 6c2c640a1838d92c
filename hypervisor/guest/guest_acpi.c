// SPDX-License-Identifier: MIT
/*
 * Per-VM ACPI tables (ACPI 6.4 chapter 5), built into one buffer that the
 * VM sees at base_gpa:
 *
 *   RSDP  (16-aligned, first, so *rsdp_gpa == base_gpa)
 *   FACS  (64-aligned, ACPI 6.4 §5.2.10)
 *   DSDT, FADT, MADT, [MCFG,] RSDT, XSDT (16-aligned)
 *
 * Tables are assembled in packed local structs and copied in with memcpy,
 * so neither the buffer's alignment nor its type matters.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <guest/guest_acpi_dsdt.h>

#define PACKED __attribute__((packed))

#define GACPI_OEM_ID "CORRAL"
#define GACPI_OEM_TABLE_ID "CORRALVM"
#define GACPI_OEM_REVISION 1
#define GACPI_CREATOR_ID "CRRL"
#define GACPI_CREATOR_REVISION 1

/* Table revisions, as ACPI 6.4 gives them for each table. */
#define RSDP_REVISION 2 /* ACPI 2.0+ RSDP with XSDT */
#define RSDT_REVISION 1
#define XSDT_REVISION 1
#define FADT_REVISION 6
#define FADT_MINOR_REVISION 4
#define FACS_VERSION 2
#define DSDT_REVISION 2 /* 2+: AML integers are 64-bit (§5.2.11.1) */
#define MADT_REVISION 5
#define MCFG_REVISION 1 /* PCI Firmware 3.2 §4.1.2 */

/* Alignment rules: RSDP on 16 bytes (§5.2.5.1), FACS on 64 (§5.2.10). */
#define RSDP_ALIGN 16
#define FACS_ALIGN 64
#define TABLE_ALIGN 16
#define RSDP_V1_LEN 20 /* the part covered by the first checksum */

#define FOUR_GIB 0x100000000ull

/* ACPI 6.4 §5.2.5.3 Root System Description Pointer structure. */
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} PACKED;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP is 36 bytes");

/* ACPI 6.4 §5.2.6 System Description Table Header. */
struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} PACKED;
_Static_assert(sizeof(struct acpi_header) == 36, "header is 36 bytes");

/* ACPI 6.4 §5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} PACKED;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS is 12 bytes");

#define GAS_SYSTEM_IO 1
#define GAS_ACCESS_BYTE 1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

/* ACPI 6.4 §5.2.9 Fixed ACPI Description Table, revision 6. */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0; /* INT_MODEL in ACPI 1.0 */
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} PACKED;
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT rev 6 is 276 bytes");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "X_PM_TMR_BLK");

/* ACPI 6.4 §5.2.9 Fixed Feature Flags. */
#define FADT_F_WBINVD (1u << 0)
#define FADT_F_PROC_C1 (1u << 2)
#define FADT_F_PWR_BUTTON (1u << 4) /* set: no fixed power button */
#define FADT_F_SLP_BUTTON (1u << 5) /* set: no fixed sleep button */
#define FADT_F_FIX_RTC (1u << 6)    /* set: no RTC wake status in PM1 */
#define FADT_F_RESET_REG_SUP (1u << 10)

/* ACPI 6.4 §5.2.9.3 IA-PC Boot Architecture Flags. */
#define FADT_BOOT_VGA_NOT_PRESENT (1u << 2)

/* P_LVL2_LAT > 100 and P_LVL3_LAT > 1000 mean "C2/C3 not supported". */
#define FADT_C2_NOT_SUPPORTED 101
#define FADT_C3_NOT_SUPPORTED 1001

#define BITS_PER_BYTE 8

/* ACPI 6.4 §5.2.10 Firmware ACPI Control Structure. */
struct acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
} PACKED;
_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");

/* ACPI 6.4 §5.2.12 Multiple APIC Description Table and its entries. */
struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_address;
	uint32_t flags; /* bit 0 PCAT_COMPAT clear: no 8259 pair */
} PACKED;
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT header is 44 bytes");

struct madt_lapic { /* §5.2.12.2, type 0 */
	uint8_t type, length, uid, apic_id;
	uint32_t flags;
} PACKED;
struct madt_ioapic { /* §5.2.12.3, type 1 */
	uint8_t type, length, id, reserved;
	uint32_t address;
	uint32_t gsi_base;
} PACKED;
struct madt_iso { /* §5.2.12.5, type 2 */
	uint8_t type, length, bus, source;
	uint32_t gsi;
	uint16_t flags;
} PACKED;
struct madt_lapic_nmi { /* §5.2.12.7, type 4 */
	uint8_t type, length, uid;
	uint16_t flags;
	uint8_t lint;
} PACKED;
struct madt_x2apic { /* §5.2.12.12, type 9 */
	uint8_t type, length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} PACKED;
struct madt_x2apic_nmi { /* §5.2.12.13, type 10 */
	uint8_t type, length;
	uint16_t flags;
	uint32_t uid;
	uint8_t lint;
	uint8_t reserved[3];
} PACKED;
struct madt_mp_wakeup { /* §5.2.12.19, type 16 */
	uint8_t type, length;
	uint16_t mailbox_version;
	uint32_t reserved;
	uint64_t mailbox;
} __attribute__((packed));

_Static_assert(sizeof(struct madt_lapic) == 8, "");
_Static_assert(sizeof(struct madt_mp_wakeup) == 16, "");
_Static_assert(sizeof(struct madt_ioapic) == 12, "");
_Static_assert(sizeof(struct madt_iso) == 10, "");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "");
_Static_assert(sizeof(struct madt_x2apic) == 16, "");
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "");

#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_IOAPIC 1
#define MADT_TYPE_ISO 2
#define MADT_TYPE_LAPIC_NMI 4
#define MADT_TYPE_X2APIC 9
#define MADT_TYPE_X2APIC_NMI 10
#define MADT_TYPE_MP_WAKEUP 16
#define MADT_LAPIC_ENABLED (1u << 0)
#define MADT_ISA_BUS 0
#define MADT_ALL_PROCESSORS 0xFF
#define MADT_X2_ALL_PROCESSORS 0xFFFFFFFFu
#define MADT_LINT1 1
/* §5.2.12.5 MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2. */
#define MPS_INTI_CONFORMS 0x0000
#define MPS_INTI_ACTIVE_HIGH 0x0001
#define MPS_INTI_LEVEL 0x000C
/* xAPIC ids stop at 254 (255 is broadcast); higher ones need x2APIC entries. */
#define XAPIC_MAX_ENTRIES 255u
/* The PIT's IRQ 0 arrives at IOAPIC pin 2, as on PC hardware. */
#define ISA_IRQ_TIMER 0
#define GSI_TIMER 2

/*
 * PCI Firmware Specification 3.2 §4.1.2: the MCFG table (signature
 * reserved in ACPI 6.4 §5.2.6, Table 5.6) and one allocation structure
 * (Table 4-3) per range of buses with memory-mapped config space.
 */
struct acpi_mcfg {
	struct acpi_header h;
	uint8_t reserved[8];
} PACKED;
struct mcfg_allocation {
	uint64_t base; /* ECAM base: bus 0's address, even if start_bus > 0 */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t reserved;
} PACKED;
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG header is 44 bytes");
_Static_assert(sizeof(struct mcfg_allocation) == 16, "MCFG entry is 16 bytes");

/* The tables the RSDT and XSDT point to: FADT, MADT and maybe MCFG. */
#define GACPI_MAX_ROOT_ENTRIES 3

struct builder {
	uint8_t *buf;
	size_t size;
	size_t used;
	uint64_t base;
	bool overflow;
};

/* Reserves and zeroes `len` bytes aligned to `align`; returns the offset. */
static size_t reserve(struct builder *b, size_t len, size_t align)
{
	size_t off = (b->used + align - 1) & ~(align - 1);

	if (b->overflow || off < b->used || off > b->size ||
	    b->size - off < len) {
		b->overflow = true;
		return 0;
	}
	memset(b->buf + b->used, 0, off + len - b->used);
	b->used = off + len;
	return off;
}

static uint64_t gpa_of(const struct builder *b, size_t off)
{
	return b->base + off;
}

/* Every ACPI checksum makes its bytes sum to zero (mod 256). */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return (uint8_t)-sum;
}

static void fill_header(struct acpi_header *h, const char *sig, uint32_t len,
			uint8_t rev)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, GACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, GACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = GACPI_OEM_REVISION;
	memcpy(h->creator_id, GACPI_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = GACPI_CREATOR_REVISION;
}

/* Sets the header checksum of the table at `off` once its bytes are final. */
static void seal_table(struct builder *b, size_t off)
{
	struct acpi_header h;
	uint8_t *t = b->buf + off;

	memcpy(&h, t, sizeof(h));
	t[offsetof(struct acpi_header, checksum)] = 0;
	t[offsetof(struct acpi_header, checksum)] = checksum(t, h.length);
}

static size_t build_facs(struct builder *b)
{
	struct acpi_facs facs = { 0 };
	size_t off = reserve(b, sizeof(facs), FACS_ALIGN);

	if (b->overflow)
		return 0;
	memcpy(facs.signature, "FACS", sizeof(facs.signature));
	facs.length = sizeof(facs);
	facs.version = FACS_VERSION;
	memcpy(b->buf + off, &facs, sizeof(facs));
	return off;
}

static size_t build_dsdt(struct builder *b, const struct guest_acpi_params *p)
{
	struct acpi_header h = { 0 };
	size_t off = reserve(b, sizeof(h), TABLE_ALIGN);
	size_t aml;

	if (b->overflow)
		return 0;
	aml = guest_acpi_dsdt_aml(b->buf + b->used, b->size - b->used, p);
	if (aml == 0 || aml > UINT32_MAX - sizeof(h)) {
		b->overflow = true;
		return 0;
	}
	b->used += aml;
	fill_header(&h, "DSDT", (uint32_t)(sizeof(h) + aml), DSDT_REVISION);
	memcpy(b->buf + off, &h, sizeof(h));
	seal_table(b, off);
	return off;
}

static struct acpi_gas io_gas(uint16_t port, uint8_t len, uint8_t access)
{
	struct acpi_gas g = {
		.space_id = GAS_SYSTEM_IO,
		.bit_width = (uint8_t)(len * BITS_PER_BYTE),
		.access_size = access,
		.address = port,
	};
	return g;
}

/*
 * A classic FADT: fixed PM1a event/control blocks and the PM timer, no
 * GPE blocks and no SMI_CMD (the platform is always in ACPI mode, §4.8.2.1:
 * with SMI_CMD 0, OSPM must not try to switch).
 */
static void fadt_pm_blocks(struct acpi_fadt *f)
{
	f->sci_int = GACPI_SCI_IRQ;
	f->pm1a_evt_blk = GACPI_PM1A_EVT_PORT;
	f->pm1a_cnt_blk = GACPI_PM1A_CNT_PORT;
	f->pm_tmr_blk = GACPI_PM_TMR_PORT;
	f->pm1_evt_len = GACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = GACPI_PM1_CNT_LEN;
	f->pm_tmr_len = GACPI_PM_TMR_LEN;
	/* PM1 registers are 16 bits wide (§4.8.3.1), the timer 32. */
	f->x_pm1a_evt_blk =
		io_gas(GACPI_PM1A_EVT_PORT, GACPI_PM1_EVT_LEN, GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk =
		io_gas(GACPI_PM1A_CNT_PORT, GACPI_PM1_CNT_LEN, GAS_ACCESS_WORD);
	f->x_pm_tmr_blk =
		io_gas(GACPI_PM_TMR_PORT, GACPI_PM_TMR_LEN, GAS_ACCESS_DWORD);
	f->p_lvl2_lat = FADT_C2_NOT_SUPPORTED;
	f->p_lvl3_lat = FADT_C3_NOT_SUPPORTED;
}

static size_t build_fadt(struct builder *b, size_t facs, size_t dsdt)
{
	struct acpi_fadt f = { 0 };
	size_t off = reserve(b, sizeof(f), TABLE_ALIGN);

	if (b->overflow)
		return 0;
	fill_header(&f.h, "FACP", sizeof(f), FADT_REVISION);
	f.minor_version = FADT_MINOR_REVISION;
	/* §5.2.9: at most one of FIRMWARE_CTRL and X_FIRMWARE_CTRL is set. */
	f.firmware_ctrl = (uint32_t)gpa_of(b, facs);
	f.dsdt = (uint32_t)gpa_of(b, dsdt);
	f.x_dsdt = gpa_of(b, dsdt);
	fadt_pm_blocks(&f);
	f.flags = FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON |
		  FADT_F_SLP_BUTTON | FADT_F_FIX_RTC | FADT_F_RESET_REG_SUP;
	/* No 8042 (bit clear), no VGA; the CMOS RTC at 0x70 is emulated. */
	f.iapc_boot_arch = FADT_BOOT_VGA_NOT_PRESENT;
	f.reset_reg = io_gas(GACPI_RESET_PORT, 1, GAS_ACCESS_BYTE);
	f.reset_value = GACPI_RESET_VALUE;
	memcpy(b->buf + off, &f, sizeof(f));
	seal_table(b, off);
	return off;
}

static size_t madt_size(uint32_t nr_vcpus, bool mp_wakeup)
{
	size_t xapic =
		nr_vcpus < XAPIC_MAX_ENTRIES ? nr_vcpus : XAPIC_MAX_ENTRIES;
	size_t x2apic = nr_vcpus - xapic;
	size_t len = sizeof(struct acpi_madt);

	len += xapic * sizeof(struct madt_lapic);
	len += x2apic * sizeof(struct madt_x2apic);
	len += sizeof(struct madt_ioapic) + 2 * sizeof(struct madt_iso);
	len += sizeof(struct madt_lapic_nmi);
	if (x2apic)
		len += sizeof(struct madt_x2apic_nmi);
	if (mp_wakeup)
		len += sizeof(struct madt_mp_wakeup);
	return len;
}

/* Appends one entry at *pos (space was reserved by madt_size()). */
static void madt_put(struct builder *b, size_t *pos, const void *e, size_t len)
{
	memcpy(b->buf + *pos, e, len);
	*pos += len;
}

static void madt_cpu(struct builder *b, size_t *pos, uint32_t id)
{
	if (id < XAPIC_MAX_ENTRIES) {
		struct madt_lapic e = {
			.type = MADT_TYPE_LAPIC,
			.length = sizeof(e),
			.uid = (uint8_t)id,
			.apic_id = (uint8_t)id,
			.flags = MADT_LAPIC_ENABLED,
		};
		madt_put(b, pos, &e, sizeof(e));
	} else {
		struct madt_x2apic e = {
			.type = MADT_TYPE_X2APIC,
			.length = sizeof(e),
			.x2apic_id = id,
			.flags = MADT_LAPIC_ENABLED,
			.uid = id,
		};
		madt_put(b, pos, &e, sizeof(e));
	}
}

static void madt_iso(struct builder *b, size_t *pos, uint8_t irq, uint32_t gsi,
		     uint16_t flags)
{
	struct madt_iso e = {
		.type = MADT_TYPE_ISO,
		.length = sizeof(e),
		.bus = MADT_ISA_BUS,
		.source = irq,
		.gsi = gsi,
		.flags = flags,
	};
	madt_put(b, pos, &e, sizeof(e));
}

/* LINT1 is the NMI input on every processor, as on PC hardware. */
static void madt_nmis(struct builder *b, size_t *pos, uint32_t nr_vcpus)
{
	struct madt_lapic_nmi n = {
		.type = MADT_TYPE_LAPIC_NMI,
		.length = sizeof(n),
		.uid = MADT_ALL_PROCESSORS,
		.flags = MPS_INTI_CONFORMS,
		.lint = MADT_LINT1,
	};
	struct madt_x2apic_nmi x = {
		.type = MADT_TYPE_X2APIC_NMI,
		.length = sizeof(x),
		.flags = MPS_INTI_CONFORMS,
		.uid = MADT_X2_ALL_PROCESSORS,
		.lint = MADT_LINT1,
	};

	madt_put(b, pos, &n, sizeof(n));
	if (nr_vcpus > XAPIC_MAX_ENTRIES)
		madt_put(b, pos, &x, sizeof(x));
}

static size_t build_madt(struct builder *b, const struct guest_acpi_params *p)
{
	size_t len = madt_size(p->nr_vcpus, p->mp_wakeup_mailbox != 0);
	struct acpi_madt m = { 0 };
	struct madt_ioapic io = {
		.type = MADT_TYPE_IOAPIC,
		.length = sizeof(io),
		.id = p->ioapic_id,
		.address = GACPI_IOAPIC_GPA,
		.gsi_base = 0,
	};
	size_t off, pos;

	if (len > UINT32_MAX) {
		b->overflow = true;
		return 0;
	}
	off = reserve(b, len, TABLE_ALIGN);
	if (b->overflow)
		return 0;
	fill_header(&m.h, "APIC", (uint32_t)len, MADT_REVISION);
	m.lapic_address = GACPI_LAPIC_GPA;
	memcpy(b->buf + off, &m, sizeof(m));
	pos = off + sizeof(m);
	for (uint32_t i = 0; i < p->nr_vcpus; i++)
		madt_cpu(b, &pos, i);
	madt_put(b, &pos, &io, sizeof(io));
	madt_iso(b, &pos, ISA_IRQ_TIMER, GSI_TIMER, MPS_INTI_CONFORMS);
	madt_iso(b, &pos, GACPI_SCI_IRQ, GACPI_SCI_IRQ,
		 MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH);
	madt_nmis(b, &pos, p->nr_vcpus);
	if (p->mp_wakeup_mailbox) {
		struct madt_mp_wakeup w = {
			.type = MADT_TYPE_MP_WAKEUP,
			.length = sizeof(w),
			.mailbox = p->mp_wakeup_mailbox,
		};
		madt_put(b, &pos, &w, sizeof(w));
	}
	seal_table(b, off);
	return off;
}

static size_t build_mcfg(struct builder *b, const struct guest_acpi_params *p)
{
	struct acpi_mcfg m = { 0 };
	struct mcfg_allocation e = {
		.base = p->ecam_base,
		.segment = 0,
		.start_bus = 0,
		.end_bus = p->bus_end,
	};
	size_t len = sizeof(m) + sizeof(e);
	size_t off = reserve(b, len, TABLE_ALIGN);

	if (b->overflow)
		return 0;
	fill_header(&m.h, "MCFG", (uint32_t)len, MCFG_REVISION);
	memcpy(b->buf + off, &m, sizeof(m));
	memcpy(b->buf + off + sizeof(m), &e, sizeof(e));
	seal_table(b, off);
	return off;
}

/* RSDT (32-bit entries, §5.2.7) or XSDT (64-bit entries, §5.2.8). */
static size_t build_root(struct builder *b, const char *sig, size_t entry_size,
			 const size_t *tables, size_t count)
{
	struct acpi_header h = { 0 };
	size_t len = sizeof(h) + count * entry_size;
	size_t off = reserve(b, len, TABLE_ALIGN);

	if (b->overflow)
		return 0;
	fill_header(&h, sig, (uint32_t)len,
		    entry_size == sizeof(uint64_t) ? XSDT_REVISION :
						     RSDT_REVISION);
	memcpy(b->buf + off, &h, sizeof(h));
	for (size_t i = 0; i < count; i++) {
		uint64_t gpa = gpa_of(b, tables[i]);

		/* Little-endian: the low entry_size bytes are the pointer. */
		memcpy(b->buf + off + sizeof(h) + i * entry_size, &gpa,
		       entry_size);
	}
	seal_table(b, off);
	return off;
}

static void build_rsdp(struct builder *b, size_t off, size_t rsdt, size_t xsdt)
{
	struct acpi_rsdp r = { 0 };
	uint8_t *t = b->buf + off;

	memcpy(r.signature, "RSD PTR ", sizeof(r.signature));
	memcpy(r.oem_id, GACPI_OEM_ID, sizeof(r.oem_id));
	r.revision = RSDP_REVISION;
	r.rsdt_address = (uint32_t)gpa_of(b, rsdt);
	r.length = sizeof(r);
	r.xsdt_address = gpa_of(b, xsdt);
	memcpy(t, &r, sizeof(r));
	t[offsetof(struct acpi_rsdp, checksum)] = checksum(t, RSDP_V1_LEN);
	t[offsetof(struct acpi_rsdp, extended_checksum)] =
		checksum(t, sizeof(r));
}

static bool params_ok(const void *buf, const struct guest_acpi_params *p,
		      const uint64_t *rsdp_gpa)
{
	if (!buf || !p || !rsdp_gpa || p->nr_vcpus == 0)
		return false;
	/* The IOAPIC id shares the 8-bit space of the xAPIC ids (0..254). */
	if (p->ioapic_id < p->nr_vcpus && p->ioapic_id < XAPIC_MAX_ENTRIES)
		return false;
	if (p->base_gpa % RSDP_ALIGN || p->base_gpa >= FOUR_GIB)
		return false;
	return guest_acpi_pci_ok(p);
}

/* Inclusive ranges [a0, a1] and [b0, b1] share an address. */
static bool overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 <= b1 && b0 <= a1;
}

bool guest_acpi_pci_ok(const struct guest_acpi_params *p)
{
	uint64_t ecam_len, ecam_end;
	bool w32 = p->mmio32_end > p->mmio32_base;
	bool w64 = p->mmio64_end > p->mmio64_base;

	if (!p->pci)
		return true;
	ecam_len = ((uint64_t)p->bus_end + 1) * GACPI_ECAM_BUS_SIZE;
	if (!p->ecam_base || p->ecam_base % GACPI_ECAM_BUS_SIZE ||
	    p->ecam_base > UINT64_MAX - ecam_len + 1)
		return false;
	ecam_end = p->ecam_base + (ecam_len - 1);
	if (p->nr_prt > GACPI_MAX_PRT)
		return false;
	for (unsigned int i = 0; i < p->nr_prt; i++)
		if (p->prt[i].slot > GACPI_PCI_MAX_SLOT ||
		    p->prt[i].pin > GACPI_PCI_MAX_PIN)
			return false;
	if (w32 && p->mmio32_end >= FOUR_GIB)
		return false;
	if (w32 &&
	    overlap(p->mmio32_base, p->mmio32_end, p->ecam_base, ecam_end))
		return false;
	if (w64 &&
	    overlap(p->mmio64_base, p->mmio64_end, p->ecam_base, ecam_end))
		return false;
	if (w32 && w64 &&
	    overlap(p->mmio32_base, p->mmio32_end, p->mmio64_base,
		    p->mmio64_end))
		return false;
	return true;
}

size_t guest_acpi_build(void *buf, size_t buf_size,
			const struct guest_acpi_params *p, uint64_t *rsdp_gpa)
{
	struct builder b = { .buf = buf, .size = buf_size };
	size_t rsdp, facs, dsdt, tables[GACPI_MAX_ROOT_ENTRIES], rsdt, xsdt;
	size_t nr_tables = 2;

	if (!params_ok(buf, p, rsdp_gpa))
		return 0;
	b.base = p->base_gpa;
	rsdp = reserve(&b, sizeof(struct acpi_rsdp), RSDP_ALIGN);
	facs = build_facs(&b);
	dsdt = build_dsdt(&b, p);
	tables[0] = build_fadt(&b, facs, dsdt);
	tables[1] = build_madt(&b, p);
	if (p->pci)
		tables[nr_tables++] = build_mcfg(&b, p);
	rsdt = build_root(&b, "RSDT", sizeof(uint32_t), tables, nr_tables);
	xsdt = build_root(&b, "XSDT", sizeof(uint64_t), tables, nr_tables);
	/* The RSDT's and FADT's 32-bit pointers must reach every table. */
	if (b.overflow || b.base + b.used > FOUR_GIB)
		return 0;
	build_rsdp(&b, rsdp, rsdt, xsdt);
	*rsdp_gpa = gpa_of(&b, rsdp);
	return b.used;
}
