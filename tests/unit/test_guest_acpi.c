// SPDX-License-Identifier: MIT
/*
 * guest_acpi: builds the tables, then parses every one back from the raw
 * bytes using the offsets the ACPI 6.4 spec gives (not the builder's
 * structs), so a layout mistake in either shows up.
 *
 * With PCI: the MCFG table (PCI Firmware 3.2 §4.1.2) field by field, and
 * the DSDT through a small AML reader (ACPI 6.4 chapter 20: Scope, Device,
 * Name, Method, Package, Buffer, integers) that builds the namespace and
 * decodes _CRS resource descriptors (§6.4) and _PRT packages (§6.2.13).
 * One configuration is also compared byte for byte with what iasl makes
 * of the equivalent ASL (docs/virtual-pci.md).
 *
 * GACPI_DUMP_DIR=<dir> also writes the PCI tables there as DSDT*.aml and
 * MCFG*.aml, for the iasl round trip in tests/unit/vpci.cmake.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <guest/guest_acpi.h>
#include "test.h"

#define BASE_GPA 0xE0000ull
#define BUF_SIZE 0x20000 /* 0xE0000..0xFFFFF */

/* ACPI 6.4 §5.2.5.3 RSDP offsets. */
#define RSDP_CHECKSUM_LEN 20
#define RSDP_REVISION 15
#define RSDP_RSDT 16
#define RSDP_LENGTH 20
#define RSDP_XSDT 24
/* §5.2.6 header offsets. */
#define HDR_LEN 36
#define HDR_LENGTH 4
#define HDR_REVISION 8
#define HDR_OEM_ID 10
#define HDR_OEM_TABLE_ID 16
#define HDR_CREATOR_ID 28
/* §5.2.9 FADT offsets. */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_PM_PROFILE 45
#define FADT_SCI_INT 46
#define FADT_SMI_CMD 48
#define FADT_PM1A_EVT 56
#define FADT_PM1B_EVT 60
#define FADT_PM1A_CNT 64
#define FADT_PM_TMR 76
#define FADT_GPE0 80
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN 91
#define FADT_DAY_ALRM 106
#define FADT_MON_ALRM 107
#define FADT_CENTURY 108
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_RESET_REG 116
#define FADT_RESET_VALUE 128
#define FADT_MINOR 131
#define FADT_X_FIRMWARE_CTRL 132
#define FADT_X_DSDT 140
#define FADT_X_PM1A_EVT 148
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM_TMR 208
#define FADT_LEN_V6 276
/* §5.2.3.2 GAS offsets. */
#define GAS_SPACE 0
#define GAS_BIT_WIDTH 1
#define GAS_BIT_OFFSET 2
#define GAS_ACCESS 3
#define GAS_ADDRESS 4

static uint8_t rd8(const uint8_t *p, size_t off)
{
	return p[off];
}
static uint16_t rd16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += p[i];
	return s;
}

struct built {
	uint8_t buf[BUF_SIZE];
	size_t used;
	uint64_t base;
	uint64_t rsdp_gpa;
};

static struct built g;

static size_t build_params(const struct guest_acpi_params *p)
{
	memset(g.buf, 0xA5, sizeof(g.buf));
	g.base = p->base_gpa;
	g.rsdp_gpa = 0;
	g.used = guest_acpi_build(g.buf, sizeof(g.buf), p, &g.rsdp_gpa);
	return g.used;
}

static size_t build(uint64_t base, uint32_t nr_vcpus, uint8_t ioapic_id)
{
	struct guest_acpi_params p = {
		.base_gpa = base,
		.nr_vcpus = nr_vcpus,
		.ioapic_id = ioapic_id,
	};

	return build_params(&p);
}

/* Host pointer to the table at `gpa`, after checking it lies in the buffer. */
static const uint8_t *table_at(uint64_t gpa, const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	CHECK(gpa >= g.base && gpa + HDR_LEN <= g.base + g.used);
	if (gpa < g.base || gpa + HDR_LEN > g.base + g.used)
		return NULL;
	t = g.buf + (gpa - g.base);
	len = rd32(t, HDR_LENGTH);
	CHECK(gpa + len <= g.base + g.used);
	if (gpa + len > g.base + g.used)
		return NULL;
	CHECK(memcmp(t, sig, 4) == 0);
	CHECK_EQ(sum(t, len), 0);
	CHECK(memcmp(t + HDR_OEM_ID, "CORRAL", 6) == 0);
	CHECK(memcmp(t + HDR_OEM_TABLE_ID, "CORRALVM", 8) == 0);
	CHECK(memcmp(t + HDR_CREATOR_ID, "CRRL", 4) == 0);
	return t;
}

static const uint8_t *rsdp(void)
{
	CHECK_EQ(g.rsdp_gpa, g.base);
	CHECK_EQ(g.rsdp_gpa % 16, 0);
	return g.buf + (g.rsdp_gpa - g.base);
}

/* The table the XSDT lists with signature `sig`, or NULL. */
static const uint8_t *find_table(const char *sig)
{
	const uint8_t *x = table_at(rd64(rsdp(), RSDP_XSDT), "XSDT");
	size_t n;

	if (!x)
		return NULL;
	n = (rd32(x, HDR_LENGTH) - HDR_LEN) / 8;
	for (size_t i = 0; i < n; i++) {
		uint64_t gpa = rd64(x, HDR_LEN + 8 * i);

		if (gpa >= g.base && gpa + 4 <= g.base + g.used &&
		    memcmp(g.buf + (gpa - g.base), sig, 4) == 0)
			return table_at(gpa, sig);
	}
	return NULL;
}

static void test_rsdp(void)
{
	const uint8_t *r;

	CHECK(build(BASE_GPA, 1, 1) > 0);
	r = rsdp();
	CHECK(memcmp(r, "RSD PTR ", 8) == 0);
	CHECK_EQ(sum(r, RSDP_CHECKSUM_LEN), 0);
	CHECK_EQ(rd8(r, RSDP_REVISION), 2);
	CHECK_EQ(rd32(r, RSDP_LENGTH), 36);
	CHECK_EQ(sum(r, 36), 0);
	CHECK(memcmp(r + 9, "CORRAL", 6) == 0);
	CHECK(table_at(rd32(r, RSDP_RSDT), "RSDT") != NULL);
	CHECK(table_at(rd64(r, RSDP_XSDT), "XSDT") != NULL);
	/* Bytes past `used` are untouched. */
	CHECK_EQ(g.buf[g.used], 0xA5);
}

static void test_root_tables(void)
{
	const uint8_t *rsdt, *xsdt;

	CHECK(build(BASE_GPA, 2, 2) > 0);
	rsdt = table_at(rd32(rsdp(), RSDP_RSDT), "RSDT");
	xsdt = table_at(rd64(rsdp(), RSDP_XSDT), "XSDT");
	if (!rsdt || !xsdt)
		return;
	CHECK_EQ(rd32(rsdt, HDR_LENGTH), HDR_LEN + 2 * 4);
	CHECK_EQ(rd32(xsdt, HDR_LENGTH), HDR_LEN + 2 * 8);
	CHECK_EQ(rd8(rsdt, HDR_REVISION), 1);
	CHECK_EQ(rd8(xsdt, HDR_REVISION), 1);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(rd32(rsdt, HDR_LEN + 4 * i),
			 rd64(xsdt, HDR_LEN + 8 * i));
	CHECK(table_at(rd64(xsdt, HDR_LEN), "FACP") != NULL);
	CHECK(table_at(rd64(xsdt, HDR_LEN + 8), "APIC") != NULL);
}

static void check_io_gas(const uint8_t *gas, uint16_t port, uint8_t bits)
{
	CHECK_EQ(rd8(gas, GAS_SPACE), 1); /* System I/O */
	CHECK_EQ(rd8(gas, GAS_BIT_WIDTH), bits);
	CHECK_EQ(rd8(gas, GAS_BIT_OFFSET), 0);
	CHECK(rd8(gas, GAS_ACCESS) >= 1 && rd8(gas, GAS_ACCESS) <= 3);
	CHECK_EQ(rd64(gas, GAS_ADDRESS), port);
}

static void test_fadt_blocks(const uint8_t *f)
{
	CHECK_EQ(rd16(f, FADT_SCI_INT), 9);
	CHECK_EQ(rd32(f, FADT_SMI_CMD), 0);
	CHECK_EQ(rd32(f, FADT_PM1A_EVT), 0x600);
	CHECK_EQ(rd32(f, FADT_PM1B_EVT), 0);
	CHECK_EQ(rd32(f, FADT_PM1A_CNT), 0x604);
	CHECK_EQ(rd32(f, FADT_PM_TMR), 0x608);
	CHECK_EQ(rd32(f, FADT_GPE0), 0);
	CHECK_EQ(rd8(f, FADT_PM1_EVT_LEN), 4);
	CHECK_EQ(rd8(f, FADT_PM1_CNT_LEN), 2);
	CHECK_EQ(rd8(f, FADT_PM_TMR_LEN), 4);
	check_io_gas(f + FADT_X_PM1A_EVT, 0x600, 32);
	check_io_gas(f + FADT_X_PM1A_CNT, 0x604, 16);
	check_io_gas(f + FADT_X_PM_TMR, 0x608, 32);
	check_io_gas(f + FADT_RESET_REG, 0xCF9, 8);
	CHECK_EQ(rd8(f, FADT_RESET_VALUE), 6);
	CHECK_EQ(GACPI_PM_TMR_PORT, 0x608);
}

static void test_fadt_flags(const uint8_t *f)
{
	uint32_t flags = rd32(f, FADT_FLAGS);
	uint16_t boot = rd16(f, FADT_IAPC_BOOT_ARCH);

	CHECK(flags & (1u << 0));     /* WBINVD */
	CHECK(flags & (1u << 2));     /* PROC_C1 */
	CHECK(flags & (1u << 4));     /* PWR_BUTTON: no fixed power button */
	CHECK(flags & (1u << 5));     /* SLP_BUTTON */
	CHECK(flags & (1u << 10));    /* RESET_REG_SUP */
	CHECK(!(flags & (1u << 8)));  /* TMR_VAL_EXT: 24-bit timer */
	CHECK(!(flags & (1u << 20))); /* HW_REDUCED_ACPI */
	CHECK(!(boot & (1u << 0)));   /* LEGACY_DEVICES */
	CHECK(!(boot & (1u << 1)));   /* 8042 */
	CHECK(boot & (1u << 2));      /* VGA not present */
	CHECK(!(boot & (1u << 3)));   /* MSI not supported */
	CHECK(!(boot & (1u << 5)));   /* CMOS RTC not present */
	CHECK_EQ(rd8(f, FADT_PM_PROFILE), 0);
	CHECK_EQ(rd8(f, FADT_DAY_ALRM), 0);
	CHECK_EQ(rd8(f, FADT_MON_ALRM), 0);
	CHECK_EQ(rd8(f, FADT_CENTURY), 0);
}

static void test_fadt(void)
{
	const uint8_t *f, *facs;
	uint32_t facs_gpa;

	CHECK(build(BASE_GPA, 1, 1) > 0);
	f = find_table("FACP");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ(rd32(f, HDR_LENGTH), FADT_LEN_V6);
	CHECK_EQ(rd8(f, HDR_REVISION), 6);
	CHECK_EQ(rd8(f, FADT_MINOR), 4);
	test_fadt_blocks(f);
	test_fadt_flags(f);
	/* FACS: 32-bit pointer only, as §5.2.9 wants below 4 GiB. */
	facs_gpa = rd32(f, FADT_FIRMWARE_CTRL);
	CHECK_EQ(rd64(f, FADT_X_FIRMWARE_CTRL), 0);
	CHECK_EQ(facs_gpa % 64, 0);
	CHECK(facs_gpa >= g.base && facs_gpa + 64 <= g.base + g.used);
	facs = g.buf + (facs_gpa - g.base);
	CHECK(memcmp(facs, "FACS", 4) == 0);
	CHECK_EQ(rd32(facs, 4), 64);
	CHECK_EQ(rd8(facs, 32), 2); /* version */
	CHECK_EQ(rd32(f, FADT_DSDT), rd64(f, FADT_X_DSDT));
	CHECK(table_at(rd64(f, FADT_X_DSDT), "DSDT") != NULL);
}

static void test_dsdt(void)
{
	/* Name (_S5, Package () { 5, 5, 0, 0 }) */
	static const uint8_t s5[] = {
		0x08, '_',  'S',  '5',	'_',  0x12, 0x08,
		0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00
	};
	const uint8_t *f, *d;
	uint32_t len;

	CHECK(build(BASE_GPA, 1, 1) > 0);
	f = find_table("FACP");
	if (!f)
		return;
	d = table_at(rd64(f, FADT_X_DSDT), "DSDT");
	CHECK(d != NULL);
	if (!d)
		return;
	len = rd32(d, HDR_LENGTH);
	CHECK_EQ(rd8(d, HDR_REVISION), 2);
	CHECK_EQ(len, HDR_LEN + sizeof(s5));
	CHECK(len >= HDR_LEN + sizeof(s5) &&
	      memcmp(d + HDR_LEN, s5, sizeof(s5)) == 0);
	CHECK_EQ(s5[9], GACPI_SLP_TYP_S5);
}

struct madt_seen {
	uint32_t lapics, x2apics, ioapics, isos, nmis, x2nmis, wakeups, bad;
	uint64_t mailbox;
};

static void madt_entry(const uint8_t *e, uint32_t *next_cpu,
		       struct madt_seen *s, uint8_t ioapic_id)
{
	switch (e[0]) {
	case 0:
		CHECK_EQ(e[1], 8);
		CHECK_EQ(e[2], *next_cpu); /* processor UID */
		CHECK_EQ(e[3], *next_cpu); /* APIC id */
		CHECK_EQ(rd32(e, 4), 1);   /* enabled */
		(*next_cpu)++;
		s->lapics++;
		break;
	case 1:
		CHECK_EQ(e[1], 12);
		CHECK_EQ(e[2], ioapic_id);
		CHECK_EQ(rd32(e, 4), 0xFEC00000u);
		CHECK_EQ(rd32(e, 8), 0);
		s->ioapics++;
		break;
	case 2:
		CHECK_EQ(e[1], 10);
		CHECK_EQ(e[2], 0); /* ISA */
		if (e[3] == 0) {
			CHECK_EQ(rd32(e, 4), 2);
			CHECK_EQ(rd16(e, 8), 0);
		} else {
			CHECK_EQ(e[3], 9);
			CHECK_EQ(rd32(e, 4), 9);
			CHECK_EQ(rd16(e, 8), 0x000D);
		}
		s->isos++;
		break;
	case 4:
		CHECK_EQ(e[1], 6);
		CHECK_EQ(e[2], 0xFF);
		CHECK_EQ(e[5], 1); /* LINT1 */
		s->nmis++;
		break;
	case 9:
		CHECK_EQ(e[1], 16);
		CHECK_EQ(rd32(e, 4), *next_cpu); /* x2APIC id */
		CHECK_EQ(rd32(e, 8), 1);
		CHECK_EQ(rd32(e, 12), *next_cpu); /* UID */
		(*next_cpu)++;
		s->x2apics++;
		break;
	case 10:
		CHECK_EQ(e[1], 12);
		CHECK_EQ(rd32(e, 4), 0xFFFFFFFFu);
		CHECK_EQ(e[8], 1);
		s->x2nmis++;
		break;
	case 16: /* Multiprocessor Wakeup (ACPI 6.4 §5.2.12.19) */
		CHECK_EQ(e[1], 16);
		CHECK_EQ(rd16(e, 2), 0); /* mailbox version */
		CHECK_EQ(rd32(e, 4), 0);
		s->mailbox = rd32(e, 8) | (uint64_t)rd32(e, 12) << 32;
		s->wakeups++;
		break;
	default:
		s->bad++;
	}
}

static void test_madt(uint32_t nr, uint8_t ioapic_id, uint64_t mailbox)
{
	struct madt_seen s = { 0 };
	struct guest_acpi_params p = {
		.base_gpa = BASE_GPA,
		.nr_vcpus = nr,
		.ioapic_id = ioapic_id,
		.mp_wakeup_mailbox = mailbox,
	};
	const uint8_t *m;
	uint32_t len, cpu = 0;
	size_t off;

	CHECK(build_params(&p) > 0);
	m = find_table("APIC");
	CHECK(m != NULL);
	if (!m)
		return;
	len = rd32(m, HDR_LENGTH);
	CHECK_EQ(rd32(m, 36), 0xFEE00000u);
	CHECK_EQ(rd32(m, 40), 0); /* no PCAT_COMPAT */
	for (off = 44; off + 2 <= len && m[off + 1] >= 2; off += m[off + 1]) {
		CHECK(off + m[off + 1] <= len);
		madt_entry(m + off, &cpu, &s, ioapic_id);
	}
	CHECK_EQ(off, len);
	CHECK_EQ(cpu, nr);
	CHECK_EQ(s.lapics, nr < 255 ? nr : 255);
	CHECK_EQ(s.x2apics, nr < 255 ? 0 : nr - 255);
	CHECK_EQ(s.ioapics, 1);
	CHECK_EQ(s.isos, 2);
	CHECK_EQ(s.nmis, 1);
	CHECK_EQ(s.x2nmis, nr > 255 ? 1 : 0);
	CHECK_EQ(s.wakeups, mailbox ? 1 : 0);
	CHECK_EQ(s.mailbox, mailbox);
	CHECK_EQ(s.bad, 0);
}

/* Every size short of what is needed fails without writing past it. */
static void test_too_small(void)
{
	struct guest_acpi_params p = { .base_gpa = BASE_GPA,
				       .nr_vcpus = 4,
				       .ioapic_id = 4 };
	uint64_t gpa;
	size_t need = build(BASE_GPA, 4, 4);

	CHECK(need > 0);
	for (size_t size = 0; size < need; size++) {
		uint8_t *b = malloc(size ? size : 1);

		CHECK_EQ(guest_acpi_build(b, size, &p, &gpa), 0);
		free(b);
	}
	{
		uint8_t *b = malloc(need);

		CHECK_EQ(guest_acpi_build(b, need, &p, &gpa), need);
		free(b);
	}
}

static void test_bad_params(void)
{
	CHECK_EQ(build(BASE_GPA, 0, 1), 0);
	CHECK_EQ(build(BASE_GPA, 4, 3), 0);	/* IOAPIC id is a LAPIC id */
	CHECK_EQ(build(BASE_GPA + 8, 1, 1), 0); /* RSDP not 16-aligned */
	CHECK_EQ(build(0x100000000ull, 1, 1), 0);
	CHECK_EQ(build(0x100000000ull - 0x100, 1, 1), 0); /* crosses 4 GiB */
	CHECK_EQ(build(300, 300, 200), 0);
}

/* A different base moves every pointer with it. */
static void test_other_base(void)
{
	CHECK(build(0x9F000, 2, 8) > 0);
	CHECK_EQ(g.rsdp_gpa, 0x9F000);
	CHECK(find_table("FACP") != NULL);
	CHECK(find_table("APIC") != NULL);
}

/* ---- PCI: MCFG and the DSDT's \_SB.PCI0 / \_SB.MCFG ---- */

#define ECAM_BASE 0xB0000000ull

/* The configuration docs/virtual-pci.md's ASL describes. */
static void pci_params(struct guest_acpi_params *p)
{
	memset(p, 0, sizeof(*p));
	p->base_gpa = BASE_GPA;
	p->nr_vcpus = 1;
	p->ioapic_id = 1;
	p->pci = true;
	p->ecam_base = ECAM_BASE;
	p->bus_end = 15;
	p->mmio32_base = 0xC0000000u;
	p->mmio32_end = 0xFEBFFFFFu;
	p->mmio64_base = 0x800000000ull;
	p->mmio64_end = 0xFFFFFFFFFull;
	p->nr_prt = 2;
	p->prt[0] = (struct guest_acpi_prt){ .slot = 1, .pin = 0, .gsi = 16 };
	p->prt[1] = (struct guest_acpi_prt){ .slot = 2, .pin = 3, .gsi = 19 };
}

/* iasl 20200925's AML for that ASL (the DSDT after its 36-byte header). */
static const uint8_t golden_pci_dsdt[] = {
	0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05,
	0x00, 0x00, 0x10, 0x46, 0x15, 0x5f, 0x53, 0x42, 0x5f, 0x5b, 0x82, 0x46,
	0x12, 0x50, 0x43, 0x49, 0x30, 0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41,
	0xd0, 0x0a, 0x08, 0x08, 0x5f, 0x43, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x0a,
	0x03, 0x08, 0x5f, 0x53, 0x45, 0x47, 0x00, 0x08, 0x5f, 0x42, 0x42, 0x4e,
	0x00, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x08, 0x5f, 0x43, 0x52, 0x53,
	0x11, 0x4e, 0x07, 0x0a, 0x7a, 0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x10, 0x00, 0x88, 0x0d, 0x00,
	0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x00, 0xf7, 0x0c, 0x00, 0x00, 0xf8,
	0x0c, 0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03, 0x00, 0x00, 0x00, 0x0d, 0xff,
	0xff, 0x00, 0x00, 0x00, 0xf3, 0x87, 0x17, 0x00, 0x00, 0x0c, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0xff, 0xff, 0xbf, 0xfe, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x3e, 0x8a, 0x2b, 0x00, 0x00, 0x0c,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x00, 0x00, 0x79, 0x00, 0x08, 0x5f, 0x50, 0x52, 0x54,
	0x12, 0x1b, 0x02, 0x12, 0x0b, 0x04, 0x0c, 0xff, 0xff, 0x01, 0x00, 0x00,
	0x00, 0x0a, 0x10, 0x12, 0x0c, 0x04, 0x0c, 0xff, 0xff, 0x02, 0x00, 0x0a,
	0x03, 0x00, 0x0a, 0x13, 0x14, 0x44, 0x05, 0x5f, 0x4f, 0x53, 0x43, 0x04,
	0x8a, 0x6b, 0x00, 0x43, 0x44, 0x57, 0x31, 0xa0, 0x36, 0x93, 0x68, 0x11,
	0x13, 0x0a, 0x10, 0x5b, 0x4d, 0xdb, 0x33, 0xf7, 0x1f, 0x1c, 0x40, 0x96,
	0x57, 0x74, 0x41, 0xc0, 0x3d, 0xd7, 0x66, 0x8a, 0x6b, 0x0a, 0x08, 0x43,
	0x44, 0x57, 0x33, 0xa0, 0x10, 0x43, 0x44, 0x57, 0x33, 0x7d, 0x43, 0x44,
	0x57, 0x31, 0x0a, 0x10, 0x43, 0x44, 0x57, 0x31, 0x70, 0x00, 0x43, 0x44,
	0x57, 0x33, 0xa1, 0x0c, 0x7d, 0x43, 0x44, 0x57, 0x31, 0x0a, 0x04, 0x43,
	0x44, 0x57, 0x31, 0xa4, 0x6b, 0x5b, 0x82, 0x26, 0x4d, 0x43, 0x46, 0x47,
	0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x0c, 0x02, 0x08, 0x5f,
	0x43, 0x52, 0x53, 0x11, 0x11, 0x0a, 0x0e, 0x86, 0x09, 0x00, 0x01, 0x00,
	0x00, 0x00, 0xb0, 0x00, 0x00, 0x00, 0x01, 0x79, 0x00,
};

static const uint8_t *dsdt_of_build(uint32_t *len)
{
	const uint8_t *f = find_table("FACP"), *d;

	if (!f)
		return NULL;
	d = table_at(rd64(f, FADT_X_DSDT), "DSDT");
	if (d)
		*len = rd32(d, HDR_LENGTH);
	return d;
}

static void test_pci_mcfg(void)
{
	struct guest_acpi_params p;
	const uint8_t *m, *rsdt, *xsdt;

	pci_params(&p);
	CHECK(build_params(&p) > 0);
	m = find_table("MCFG");
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK_EQ(rd32(m, HDR_LENGTH), 44 + 16);
	CHECK_EQ(rd8(m, HDR_REVISION), 1);
	CHECK_EQ(rd64(m, 36), 0); /* reserved */
	CHECK_EQ(rd64(m, 44), ECAM_BASE);
	CHECK_EQ(rd16(m, 52), 0); /* segment */
	CHECK_EQ(rd8(m, 54), 0);  /* start bus */
	CHECK_EQ(rd8(m, 55), 15); /* end bus */
	CHECK_EQ(rd32(m, 56), 0);
	/* Both root tables list it, as their third entry. */
	rsdt = table_at(rd32(rsdp(), RSDP_RSDT), "RSDT");
	xsdt = table_at(rd64(rsdp(), RSDP_XSDT), "XSDT");
	if (!rsdt || !xsdt)
		return;
	CHECK_EQ(rd32(rsdt, HDR_LENGTH), HDR_LEN + 3 * 4);
	CHECK_EQ(rd32(xsdt, HDR_LENGTH), HDR_LEN + 3 * 8);
	CHECK_EQ(rd32(rsdt, HDR_LEN + 8), rd64(xsdt, HDR_LEN + 16));
	CHECK(table_at(rd64(xsdt, HDR_LEN + 16), "MCFG") == m);

	p.bus_end = 255;
	CHECK(build_params(&p) > 0);
	m = find_table("MCFG");
	CHECK(m && rd8(m, 55) == 255);
	/* Without PCI there is no MCFG. */
	CHECK(build(BASE_GPA, 1, 1) > 0);
	CHECK(find_table("MCFG") == NULL);
}

static void test_pci_golden(void)
{
	struct guest_acpi_params p;
	const uint8_t *d;
	uint32_t len = 0;

	pci_params(&p);
	CHECK(build_params(&p) > 0);
	d = dsdt_of_build(&len);
	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ(len, HDR_LEN + sizeof(golden_pci_dsdt));
	CHECK(len == HDR_LEN + sizeof(golden_pci_dsdt) &&
	      !memcmp(d + HDR_LEN, golden_pci_dsdt, sizeof(golden_pci_dsdt)));
}

/* ---- an AML reader, just enough for what the DSDT holds ---- */

#define MAX_OBJS 64
#define AML_PATH_MAX 32

enum aml_kind { K_NAME, K_DEVICE, K_METHOD, K_SCOPE };

struct aml_obj {
	char path[AML_PATH_MAX]; /* e.g. "_SB_.PCI0._HID" */
	enum aml_kind kind;
	const uint8_t *data; /* Name: the data object; Method: flags + body */
	size_t len;
};

static struct aml_obj objs[MAX_OBJS];
static unsigned int nobjs;
static bool aml_bad;

/* ACPI 6.4 §20.2.4: returns the PkgLength's bytes, *len its value. */
static size_t aml_pkglen(const uint8_t *p, const uint8_t *end, size_t *len)
{
	unsigned int follow;
	size_t v;

	if (p >= end)
		goto bad;
	follow = p[0] >> 6;
	if (follow == 0) {
		*len = p[0] & 0x3F;
		return 1;
	}
	if (p[0] & 0x30 || end - p < 1 + (ptrdiff_t)follow)
		goto bad; /* bits 5:4 are reserved when bytes follow */
	v = p[0] & 0x0F;
	for (unsigned int i = 0; i < follow; i++)
		v |= (size_t)p[1 + i] << (4 + 8 * i);
	*len = v;
	return 1 + follow;
bad:
	aml_bad = true;
	*len = 0;
	return 1;
}

/* The length of the DataRefObject at p (§20.2.3), or 0 if unknown. */
static size_t aml_data_len(const uint8_t *p, const uint8_t *end)
{
	size_t len;

	if (p >= end)
		return 0;
	switch (p[0]) {
	case 0x00: /* Zero */
	case 0x01: /* One */
	case 0xFF: /* Ones */
		return 1;
	case 0x0A:
		return 2;
	case 0x0B:
		return 3;
	case 0x0C:
		return 5;
	case 0x0E:
		return 9;
	case 0x11: /* Buffer */
	case 0x12: /* Package */
		aml_pkglen(p + 1, end, &len);
		return 1 + len;
	default:
		return 0;
	}
}

static bool aml_int(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	size_t n = aml_data_len(p, end);

	if (!n || p + n > end)
		return false;
	switch (p[0]) {
	case 0x00:
		*v = 0;
		return true;
	case 0x01:
		*v = 1;
		return true;
	case 0xFF:
		*v = ~0ull;
		return true;
	case 0x0A:
	case 0x0B:
	case 0x0C:
	case 0x0E:
		*v = 0;
		for (size_t i = 1; i < n; i++)
			*v |= (uint64_t)p[i] << (8 * (i - 1));
		return true;
	default:
		return false;
	}
}

static void aml_add(const char *prefix, const uint8_t *seg, enum aml_kind k,
		    const uint8_t *data, size_t len)
{
	struct aml_obj *o;

	if (nobjs >= MAX_OBJS) {
		aml_bad = true;
		return;
	}
	o = &objs[nobjs++];
	snprintf(o->path, sizeof(o->path), "%s%s%.4s", prefix,
		 prefix[0] ? "." : "", (const char *)seg);
	o->kind = k;
	o->data = data;
	o->len = len;
}

static void aml_termlist(const uint8_t *p, const uint8_t *end,
			 const char *prefix);

/* Scope, Device or Method at p (opcode length oplen): returns the end. */
static const uint8_t *aml_named_block(const uint8_t *p, const uint8_t *end,
				      size_t oplen, enum aml_kind k,
				      const char *prefix)
{
	size_t len, n = aml_pkglen(p + oplen, end, &len);
	const uint8_t *body = p + oplen + n, *stop = p + oplen + len;
	char path[AML_PATH_MAX];

	if (stop > end || body + 4 > stop) {
		aml_bad = true;
		return end;
	}
	aml_add(prefix, body, k, body + 4, stop - body - 4);
	if (k != K_METHOD) {
		snprintf(path, sizeof(path), "%s", objs[nobjs - 1].path);
		aml_termlist(body + 4, stop, path);
	}
	return stop;
}

/* A TermList of named objects only: what a static DSDT holds. */
static void aml_termlist(const uint8_t *p, const uint8_t *end,
			 const char *prefix)
{
	while (p < end && !aml_bad) {
		size_t n;

		switch (p[0]) {
		case 0x08: /* Name */
			n = p + 5 <= end ? aml_data_len(p + 5, end) : 0;
			if (!n || p + 5 + n > end) {
				aml_bad = true;
				return;
			}
			aml_add(prefix, p + 1, K_NAME, p + 5, n);
			p += 5 + n;
			break;
		case 0x10: /* Scope */
			p = aml_named_block(p, end, 1, K_SCOPE, prefix);
			break;
		case 0x14: /* Method */
			p = aml_named_block(p, end, 1, K_METHOD, prefix);
			break;
		case 0x5B: /* Device */
			if (p + 1 >= end || p[1] != 0x82) {
				aml_bad = true;
				return;
			}
			p = aml_named_block(p, end, 2, K_DEVICE, prefix);
			break;
		default:
			aml_bad = true;
			return;
		}
	}
}

static bool aml_parse_dsdt(void)
{
	const uint8_t *d;
	uint32_t len = 0;

	nobjs = 0;
	aml_bad = false;
	d = dsdt_of_build(&len);
	if (!d)
		return false;
	aml_termlist(d + HDR_LEN, d + len, "");
	CHECK(!aml_bad);
	return !aml_bad;
}

static const struct aml_obj *aml_find(const char *path)
{
	for (unsigned int i = 0; i < nobjs; i++)
		if (strcmp(objs[i].path, path) == 0)
			return &objs[i];
	return NULL;
}

static uint64_t name_int(const char *path)
{
	const struct aml_obj *o = aml_find(path);
	uint64_t v = 0xDEAD;

	CHECK(o != NULL);
	if (o)
		CHECK(o->kind == K_NAME &&
		      aml_int(o->data, o->data + o->len, &v));
	return v;
}

/* A Name's Buffer: its bytes, after checking BufferSize. */
static const uint8_t *name_buffer(const char *path, size_t *len)
{
	const struct aml_obj *o = aml_find(path);
	const uint8_t *end;
	uint64_t size;
	size_t plen, n;

	CHECK(o != NULL);
	if (!o || o->data[0] != 0x11)
		return NULL;
	end = o->data + o->len;
	n = aml_pkglen(o->data + 1, end, &plen);
	if (!aml_int(o->data + 1 + n, end, &size))
		return NULL;
	n += 1 + aml_data_len(o->data + 1 + n, end);
	CHECK_EQ(o->len - n, size);
	*len = o->len - n;
	return o->data + n;
}

/* ---- resource descriptors (ACPI 6.4 §6.4) ---- */

#define MAX_DESC 8

struct desc {
	uint8_t tag; /* the first byte */
	const uint8_t *p;
	size_t len; /* including the tag and length bytes */
};

/* Splits a resource template; checks it ends with exactly one End Tag. */
static unsigned int descs(const uint8_t *b, size_t len, struct desc *out)
{
	unsigned int n = 0;
	size_t off = 0;

	while (off < len && n < MAX_DESC) {
		size_t dl = b[off] & 0x80 ? 3 + (size_t)rd16(b, off + 1) :
					    1 + (size_t)(b[off] & 7);

		CHECK(off + dl <= len);
		if (off + dl > len)
			return 0;
		if (b[off] == 0x79) {
			CHECK_EQ(off + dl, len); /* End Tag last */
			return n;
		}
		out[n++] = (struct desc){ b[off], b + off, dl };
		off += dl;
	}
	CHECK(0 && "no End Tag");
	return 0;
}

/* An address space descriptor of `width`-byte fields (§6.4.3.5.1-3). */
static void check_addr(const struct desc *d, unsigned int width, uint8_t type,
		       uint8_t gen, uint8_t spec, uint64_t min, uint64_t max)
{
	const uint8_t *p = d->p;
	uint64_t f[5];

	CHECK_EQ(d->tag, width == 2 ? 0x88 : width == 4 ? 0x87 : 0x8A);
	CHECK_EQ(d->len, 6 + 5 * width);
	if (d->len != 6 + 5 * width)
		return;
	CHECK_EQ(p[3], type);
	CHECK_EQ(p[4], gen);
	CHECK_EQ(p[5], spec);
	for (unsigned int i = 0; i < 5; i++) {
		f[i] = 0;
		for (unsigned int j = 0; j < width; j++)
			f[i] |= (uint64_t)p[6 + i * width + j] << (8 * j);
	}
	CHECK_EQ(f[0], 0); /* _GRA */
	CHECK_EQ(f[1], min);
	CHECK_EQ(f[2], max);
	CHECK_EQ(f[3], 0);	       /* _TRA */
	CHECK_EQ(f[4], max - min + 1); /* _LEN */
}

#define EISA_PNP0A08 0x080AD041u
#define EISA_PNP0A03 0x030AD041u
#define EISA_PNP0C02 0x020CD041u

static void check_pci0_crs(const struct guest_acpi_params *p)
{
	struct desc d[MAX_DESC];
	const uint8_t *b;
	unsigned int n, i = 0;
	size_t len = 0;

	b = name_buffer("_SB_.PCI0._CRS", &len);
	CHECK(b != NULL);
	if (!b)
		return;
	n = descs(b, len, d);
	CHECK_EQ(n, 3 + (p->mmio32_end > p->mmio32_base) +
			    (p->mmio64_end > p->mmio64_base));
	if (n < 3)
		return;
	check_addr(&d[i++], 2, 2, 0x0C, 0, 0, p->bus_end);
	check_addr(&d[i++], 2, 1, 0x0C, 3, 0, 0xCF7);
	check_addr(&d[i++], 2, 1, 0x0C, 3, 0xD00, 0xFFFF);
	if (p->mmio32_end > p->mmio32_base && i < n)
		check_addr(&d[i++], 4, 0, 0x0C, 1, p->mmio32_base,
			   p->mmio32_end);
	if (p->mmio64_end > p->mmio64_base && i < n)
		check_addr(&d[i++], 8, 0, 0x0C, 1, p->mmio64_base,
			   p->mmio64_end);
}

/* _PRT: Package of Package { Address, Pin, Source (0), GSI }. */
static void check_prt(const struct guest_acpi_params *p)
{
	const struct aml_obj *o = aml_find("_SB_.PCI0._PRT");
	const uint8_t *q, *end;
	size_t plen, n;

	if (!p->nr_prt) {
		CHECK(o == NULL);
		return;
	}
	CHECK(o != NULL);
	if (!o || o->data[0] != 0x12)
		return;
	end = o->data + o->len;
	n = aml_pkglen(o->data + 1, end, &plen);
	q = o->data + 1 + n;
	CHECK_EQ(*q, p->nr_prt);
	q++;
	for (unsigned int i = 0; i < p->nr_prt && q < end; i++) {
		const uint8_t *e, *eend;
		uint64_t v[4];

		CHECK_EQ(q[0], 0x12);
		eend = q + aml_data_len(q, end);
		n = aml_pkglen(q + 1, end, &plen);
		e = q + 1 + n;
		CHECK_EQ(*e, 4);
		e++;
		for (unsigned int k = 0; k < 4; k++) {
			CHECK(aml_int(e, eend, &v[k]));
			e += aml_data_len(e, eend);
		}
		CHECK(e == eend);
		CHECK_EQ(v[0], (uint64_t)p->prt[i].slot << 16 | 0xFFFF);
		CHECK_EQ(v[1], p->prt[i].pin);
		CHECK_EQ(v[2], 0);
		CHECK_EQ(v[3], p->prt[i].gsi);
		q = eend;
	}
	CHECK(q == end);
}

/* The ECAM reservation: Memory32Fixed below 4 GiB, QWordMemory above. */
static void check_ecam_crs(const struct guest_acpi_params *p)
{
	uint64_t len = ((uint64_t)p->bus_end + 1) << 20;
	struct desc d[MAX_DESC];
	const uint8_t *b;
	size_t blen = 0;

	CHECK_EQ(name_int("_SB_.MCFG._HID"), EISA_PNP0C02);
	b = name_buffer("_SB_.MCFG._CRS", &blen);
	if (!b || descs(b, blen, d) != 1)
		return;
	if (p->ecam_base < 0x100000000ull &&
	    len <= 0x100000000ull - p->ecam_base) {
		CHECK_EQ(d[0].tag, 0x86);
		CHECK_EQ(d[0].len, 12);
		CHECK_EQ(d[0].p[3], 1); /* read-write */
		CHECK_EQ(rd32(d[0].p, 4), p->ecam_base);
		CHECK_EQ(rd32(d[0].p, 8), len);
	} else {
		check_addr(&d[0], 8, 0, 0x0D, 1, p->ecam_base,
			   p->ecam_base + len - 1);
	}
}

static void check_osc(void)
{
	static const uint8_t uuid[16] = {
		0x5B, 0x4D, 0xDB, 0x33, 0xF7, 0x1F, 0x1C, 0x40,
		0x96, 0x57, 0x74, 0x41, 0xC0, 0x3D, 0xD7, 0x66,
	};
	const struct aml_obj *o = aml_find("_SB_.PCI0._OSC");
	bool found = false;

	CHECK(o != NULL);
	if (!o)
		return;
	CHECK(o->kind == K_METHOD);
	CHECK_EQ(o->data[0], 0x04); /* 4 arguments, not serialized */
	for (size_t i = 0; i + sizeof(uuid) <= o->len; i++)
		found |= memcmp(o->data + i, uuid, sizeof(uuid)) == 0;
	CHECK(found);
	CHECK_EQ(o->data[o->len - 2], 0xA4); /* Return (Arg3) */
	CHECK_EQ(o->data[o->len - 1], 0x6B);
}

static void check_pci_dsdt(const struct guest_acpi_params *p)
{
	static const char *const order[] = {
		"_S5_",		  "_SB_",	    "_SB_.PCI0",
		"_SB_.PCI0._HID", "_SB_.PCI0._CID", "_SB_.PCI0._SEG",
		"_SB_.PCI0._BBN", "_SB_.PCI0._UID", "_SB_.PCI0._CRS",
	};
	const struct aml_obj *o;

	if (!aml_parse_dsdt())
		return;
	for (unsigned int i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		CHECK(i < nobjs && strcmp(objs[i].path, order[i]) == 0);
	o = aml_find("_SB_.PCI0");
	CHECK(o && o->kind == K_DEVICE);
	o = aml_find("_SB_.MCFG");
	CHECK(o && o->kind == K_DEVICE);
	CHECK_EQ(name_int("_SB_.PCI0._HID"), EISA_PNP0A08);
	CHECK_EQ(name_int("_SB_.PCI0._CID"), EISA_PNP0A03);
	CHECK_EQ(name_int("_SB_.PCI0._SEG"), 0);
	CHECK_EQ(name_int("_SB_.PCI0._BBN"), 0);
	CHECK_EQ(name_int("_SB_.PCI0._UID"), 0);
	check_pci0_crs(p);
	check_prt(p);
	check_osc();
	check_ecam_crs(p);
	CHECK_EQ(nobjs, 9 + (p->nr_prt ? 1 : 0) + 1 + 3);
}

static void test_pci_dsdt(void)
{
	struct guest_acpi_params p;

	pci_params(&p);
	CHECK(build_params(&p) > 0);
	check_pci_dsdt(&p);

	/* No 64-bit window, no _PRT, ECAM for all 256 buses. */
	pci_params(&p);
	p.mmio64_base = p.mmio64_end = 0;
	p.nr_prt = 0;
	p.bus_end = 255;
	CHECK(build_params(&p) > 0);
	check_pci_dsdt(&p);

	/* No 32-bit window; ECAM above 4 GiB; a full _PRT. */
	pci_params(&p);
	p.mmio32_base = p.mmio32_end = 0;
	p.ecam_base = 0x4000000000ull;
	p.nr_prt = GACPI_MAX_PRT;
	for (unsigned int i = 0; i < GACPI_MAX_PRT; i++)
		p.prt[i] = (struct guest_acpi_prt){
			.slot = (uint8_t)(i / 4 + 1),
			.pin = (uint8_t)(i % 4),
			.gsi = 16 + i % 8,
		};
	p.prt[31].slot = 31;
	p.prt[31].gsi = 0x12345678;
	CHECK(build_params(&p) > 0);
	check_pci_dsdt(&p);

	/* An ECAM range that ends exactly at 4 GiB still fits Memory32Fixed. */
	pci_params(&p);
	p.ecam_base = 0xF0000000u;
	p.mmio32_end = 0xEFFFFFFFu;
	CHECK(build_params(&p) > 0);
	check_pci_dsdt(&p);
}

static void test_pci_bad_params(void)
{
	struct guest_acpi_params p;

	pci_params(&p);
	CHECK(guest_acpi_pci_ok(&p));
	p.ecam_base = ECAM_BASE + 0x1000; /* not 1 MiB aligned */
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.ecam_base = 0;
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.ecam_base = 0xFFFFFFFFFFF00000ull; /* wraps with 16 buses */
	CHECK_EQ(build_params(&p), 0);
	p.bus_end = 0; /* the very last MiB fits */
	p.mmio64_base = p.mmio64_end = 0;
	CHECK(build_params(&p) > 0);
	check_pci_dsdt(&p); /* a QWordMemory, not a truncated Memory32Fixed */
	pci_params(&p);
	p.nr_prt = GACPI_MAX_PRT + 1;
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.prt[1].slot = 32;
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.prt[0].pin = 4;
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.mmio32_end = 0x100000000ull; /* not a 32-bit window */
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.mmio32_base = 0xA0000000u; /* covers the ECAM range */
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.mmio32_base = ECAM_BASE + 0xFFFFFF; /* touches its last byte */
	CHECK_EQ(build_params(&p), 0);
	p.mmio32_base = ECAM_BASE + 0x1000000; /* just past it */
	CHECK(build_params(&p) > 0);
	pci_params(&p);
	p.mmio64_base = 0xF0000000u; /* overlaps the 32-bit window */
	CHECK_EQ(build_params(&p), 0);
	pci_params(&p);
	p.pci = false; /* nonsense PCI fields are ignored without pci */
	p.ecam_base = 1;
	p.nr_prt = 200;
	CHECK(build_params(&p) > 0);
	CHECK(find_table("MCFG") == NULL);
}

/* As test_too_small(), with the PCI tables. */
static void test_pci_too_small(void)
{
	struct guest_acpi_params p;
	uint64_t gpa;
	size_t need;

	pci_params(&p);
	need = build_params(&p);
	CHECK(need > 0);
	for (size_t size = 0; size < need; size++) {
		uint8_t *b = malloc(size ? size : 1);

		CHECK_EQ(guest_acpi_build(b, size, &p, &gpa), 0);
		free(b);
	}
}

static void dump_table(const char *dir, const char *name, const uint8_t *t)
{
	char path[512];
	FILE *f;

	if (!t)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	CHECK_EQ(fwrite(t, 1, rd32(t, HDR_LENGTH), f), rd32(t, HDR_LENGTH));
	fclose(f);
}

/* GACPI_DUMP_DIR: the PCI tables, for iasl -d (see tests/unit/vpci.cmake). */
static void dump_pci_tables(void)
{
	const char *dir = getenv("GACPI_DUMP_DIR");
	struct guest_acpi_params p;
	uint32_t len;

	if (!dir)
		return;
	pci_params(&p);
	CHECK(build_params(&p) > 0);
	dump_table(dir, "DSDT.aml", dsdt_of_build(&len));
	dump_table(dir, "MCFG.aml", find_table("MCFG"));
	p.ecam_base = 0x4000000000ull;
	p.mmio32_base = p.mmio32_end = 0;
	p.bus_end = 255;
	CHECK(build_params(&p) > 0);
	dump_table(dir, "DSDT-ecam64.aml", dsdt_of_build(&len));
	dump_table(dir, "MCFG-ecam64.aml", find_table("MCFG"));
}

int main(void)
{
	test_rsdp();
	test_root_tables();
	test_fadt();
	test_dsdt();
	test_madt(1, 1, 0);
	test_madt(4, 4, 0);
	test_madt(4, 0xFE, 0);
	test_madt(300, 0xFF, 0);
	test_madt(2, 2, 0xEF000);
	test_madt(300, 0xFF, 0x1234567000ull);
	test_too_small();
	test_bad_params();
	test_other_base();
	test_pci_mcfg();
	test_pci_golden();
	test_pci_dsdt();
	test_pci_bad_params();
	test_pci_too_small();
	dump_pci_tables();
	return test_summary();
}
