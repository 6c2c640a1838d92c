// SPDX-License-Identifier: MIT
/*
 * guest_acpi: builds the tables, then parses every one back from the raw
 * bytes using the offsets the ACPI 6.4 spec gives (not the builder's
 * structs), so a layout mistake in either shows up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_acpi.h"
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

static uint8_t rd8(const uint8_t *p, size_t off) { return p[off]; }
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

static size_t build(uint64_t base, uint32_t nr_vcpus, uint8_t ioapic_id)
{
	struct guest_acpi_params p = {
		.base_gpa = base, .nr_vcpus = nr_vcpus, .ioapic_id = ioapic_id,
	};

	memset(g.buf, 0xA5, sizeof(g.buf));
	g.base = base;
	g.rsdp_gpa = 0;
	g.used = guest_acpi_build(g.buf, sizeof(g.buf), &p, &g.rsdp_gpa);
	return g.used;
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
		CHECK_EQ(rd32(rsdt, HDR_LEN + 4 * i), rd64(xsdt, HDR_LEN + 8 * i));
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

	CHECK(flags & (1u << 0)); /* WBINVD */
	CHECK(flags & (1u << 2)); /* PROC_C1 */
	CHECK(flags & (1u << 4)); /* PWR_BUTTON: no fixed power button */
	CHECK(flags & (1u << 5)); /* SLP_BUTTON */
	CHECK(flags & (1u << 10)); /* RESET_REG_SUP */
	CHECK(!(flags & (1u << 8))); /* TMR_VAL_EXT: 24-bit timer */
	CHECK(!(flags & (1u << 20))); /* HW_REDUCED_ACPI */
	CHECK(!(boot & (1u << 0))); /* LEGACY_DEVICES */
	CHECK(!(boot & (1u << 1))); /* 8042 */
	CHECK(boot & (1u << 2)); /* VGA not present */
	CHECK(!(boot & (1u << 3))); /* MSI not supported */
	CHECK(!(boot & (1u << 5))); /* CMOS RTC not present */
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
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				      0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00 };
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
	uint32_t lapics, x2apics, ioapics, isos, nmis, x2nmis, bad;
};

static void madt_entry(const uint8_t *e, uint32_t *next_cpu,
		       struct madt_seen *s, uint8_t ioapic_id)
{
	switch (e[0]) {
	case 0:
		CHECK_EQ(e[1], 8);
		CHECK_EQ(e[2], *next_cpu); /* processor UID */
		CHECK_EQ(e[3], *next_cpu); /* APIC id */
		CHECK_EQ(rd32(e, 4), 1); /* enabled */
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
	default:
		s->bad++;
	}
}

static void test_madt(uint32_t nr, uint8_t ioapic_id)
{
	struct madt_seen s = { 0 };
	const uint8_t *m;
	uint32_t len, cpu = 0;
	size_t off;

	CHECK(build(BASE_GPA, nr, ioapic_id) > 0);
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
	CHECK_EQ(s.bad, 0);
}

/* Every size short of what is needed fails without writing past it. */
static void test_too_small(void)
{
	struct guest_acpi_params p = { .base_gpa = BASE_GPA, .nr_vcpus = 4,
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
	CHECK_EQ(build(BASE_GPA, 4, 3), 0); /* IOAPIC id is a LAPIC id */
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

int main(void)
{
	test_rsdp();
	test_root_tables();
	test_fadt();
	test_dsdt();
	test_madt(1, 1);
	test_madt(4, 4);
	test_madt(4, 0xFE);
	test_madt(300, 0xFF);
	test_too_small();
	test_bad_params();
	test_other_base();
	return test_summary();
}
