// SPDX-License-Identifier: MIT
/*
 * IRTE encoding (VT-d 9.10), remappable MSI addresses (5.1.2.2) and the
 * decoding of compatibility-format MSIs as Linux programs them (5.1.2.1),
 * checked bit by bit against hand-computed values.
 */
#include <irte.h>
#include <string.h>
#include "test.h"

static void test_irte_xapic(void)
{
	uint64_t e[2] = { ~0ull, ~0ull };
	struct irte_params p = { .vector = 0x41, .dest = 3 };

	irte_encode(e, &p);
	/* P, vector at 23:16, APIC id at 47:40; physical, fixed, edge. */
	CHECK_EQ(e[0], 0x0000030000410001ull);
	CHECK_EQ(e[1], 0);

	/* xAPIC uses the low 8 bits of dest only; 39:32 and 63:48 stay 0. */
	p.dest = 0x1ff;
	p.vector = 0xef;
	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x0000ff0000ef0001ull);
	CHECK_EQ((e[0] >> 32) & 0xff, 0);
	CHECK_EQ(e[0] >> 48, 0);

	/* Logical, level, lowest priority: DM bit 2, RH bit 3, TM bit 4,
	 * DLM bits 7:5 = 001. */
	p = (struct irte_params){ .vector = 0x30,
				  .dest = 0x0f,
				  .logical = true,
				  .level = true,
				  .delivery_mode = IRTE_DLM_LOWPRI };
	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x00000f000030003dull);
	CHECK(e[0] & IRTE_DM);
	CHECK(e[0] & IRTE_RH);
	CHECK(e[0] & IRTE_TM);
	CHECK_EQ((e[0] >> 5) & 7, 1);
	CHECK(!(e[0] & IRTE_FPD));
	CHECK(!(e[0] & IRTE_IM));

	/* NMI: DLM = 100, no RH. */
	p = (struct irte_params){ .vector = 2,
				  .dest = 1,
				  .delivery_mode = IRTE_DLM_NMI };
	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x0000010000020081ull);
}

static void test_irte_x2apic(void)
{
	uint64_t e[2];
	struct irte_params p = { .vector = 0x55,
				 .dest = 0x12345678,
				 .x2apic = true };

	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x1234567800550001ull);
	CHECK_EQ(e[1], 0);
	p.dest = 0xffffffff;
	irte_encode(e, &p);
	CHECK_EQ(e[0] >> 32, 0xffffffff);
	CHECK_EQ(e[0] & 0xffffffff, 0x00550001);
}

static void test_irte_sid(void)
{
	uint64_t e[2];
	struct irte_params p = { .vector = 0x60,
				 .dest = 0,
				 .source_id = 0x0310, /* 03:02.0 */
				 .verify = IRTE_SVT_SID };

	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x0000000000600001ull);
	/* SID at 79:64, SQ = 00 at 81:80, SVT = 01 at 83:82. */
	CHECK_EQ(e[1], 0x0000000000040310ull);
	CHECK_EQ(e[1] & 0xffff, 0x0310);
	CHECK_EQ((e[1] >> 16) & 3, 0);
	CHECK_EQ((e[1] >> 18) & 3, 1);
	CHECK_EQ(e[1] >> 20, 0);

	p.source_id = 0xffff;
	irte_encode(e, &p);
	CHECK_EQ(e[1], 0x000000000004ffffull);

	/* Bus range 01..01, for a device behind a PCIe-to-PCI bridge: SVT =
	 * 10 at 83:82, start bus in SID 15:8, end bus in 7:0 (VT-d 9.10). */
	p.verify = IRTE_SVT_BUS;
	p.source_id = 0x0101;
	irte_encode(e, &p);
	CHECK_EQ(e[1], 0x0000000000080101ull);

	/* No verification: SVT = 00 and no SID. */
	p.verify = IRTE_SVT_NONE;
	irte_encode(e, &p);
	CHECK_EQ(e[1], 0);

	irte_encode(e, &(struct irte_params){ .vector = 1,
					      .verify = IRTE_SVT_SID });
	irte_clear(e);
	CHECK_EQ(e[0], 0);
	CHECK_EQ(e[1], 0);
}

static void test_msi_remappable(void)
{
	uint32_t lo, hi, data;

	msi_remappable(0, &lo, &hi, &data);
	CHECK_EQ(lo, 0xfee00010); /* bit 4: remappable format */
	CHECK_EQ(hi, 0);
	CHECK_EQ(data, 0);

	msi_remappable(5, &lo, &hi, &data);
	CHECK_EQ(lo, 0xfee000b0); /* 5 << 5 | 1 << 4 */
	CHECK_EQ((lo >> 5) & 0x7fff, 5);
	CHECK(!(lo & (1u << 3))); /* SHV = 0 */
	CHECK(!(lo & (1u << 2)));

	msi_remappable(0x7fff, &lo, &hi, &data);
	CHECK_EQ(lo, 0xfeeffff0);
	CHECK_EQ(lo >> 20, 0xfee);

	/* handle[15] goes to bit 2. */
	msi_remappable(0x8001, &lo, &hi, &data);
	CHECK_EQ(lo, 0xfee00034);
	CHECK(lo & (1u << 2));
	CHECK(!(lo & (1u << 3)));
	msi_remappable(0xffff, &lo, &hi, &data);
	CHECK_EQ(lo, 0xfeeffff4);
	CHECK_EQ(data, 0);

	/* A remappable address is never taken for a compatibility one. */
	{
		struct msi_compat m;

		CHECK(!msi_decode_compat(0xfee00010, 0, &m));
	}
}

static void test_msi_compat(void)
{
	struct msi_compat m;
	uint32_t dest;

	/* Linux, physical fixed edge: addr 0xfee00000 | dest << 12,
	 * data = vector. */
	memset(&m, 0xaa, sizeof(m));
	CHECK(msi_decode_compat(0xfee00000 | 2 << 12, 0x0041, &m));
	CHECK_EQ(m.vector, 0x41);
	CHECK_EQ(m.dest, 2);
	CHECK(!m.logical);
	CHECK_EQ(m.delivery_mode, 0);
	CHECK(!m.level);

	/* dest 0xff, logical (bit 2), lowest priority, level (bit 15) with
	 * assert (bit 14). */
	CHECK(msi_decode_compat(0xfee00000 | 0xff << 12 | 1 << 2,
				0x22 | 1 << 8 | 1 << 14 | 1 << 15, &m));
	CHECK_EQ(m.vector, 0x22);
	CHECK_EQ(m.dest, 0xff);
	CHECK(m.logical);
	CHECK_EQ(m.delivery_mode, 1);
	CHECK(m.level);

	/* RH (bit 3) does not change the decode. */
	CHECK(msi_decode_compat(0xfee0100c, 0x00ef, &m));
	CHECK_EQ(m.dest, 1);
	CHECK(m.logical);
	CHECK_EQ(m.vector, 0xef);

	/* NMI delivery. */
	CHECK(msi_decode_compat(0xfee00000, 4 << 8 | 2, &m));
	CHECK_EQ(m.delivery_mode, 4);

	/* Extended destination id: address bits 11:5 are dest 14:8. */
	dest = 0x312;
	CHECK(msi_decode_compat(
		0xfee00000 | (dest & 0xff) << 12 | (dest >> 8) << 5, 0x30, &m));
	CHECK_EQ(m.dest, 0x312);

	/* Not an MSI, or not compatibility format. */
	CHECK(!msi_decode_compat(0xfed00000, 0x41, &m));
	CHECK(!msi_decode_compat(0xfef00000, 0x41, &m));
	CHECK(!msi_decode_compat(0x1fee00000ull, 0x41, &m));
	CHECK(!msi_decode_compat(0, 0, &m));
	CHECK(!msi_decode_compat(0xfee00010 | 3 << 5, 0, &m));
}

/* What the driver does with a guest's MSI: decode, then build the IRTE. */
static void test_compat_to_irte(void)
{
	struct msi_compat m;
	struct irte_params p;
	uint64_t e[2];

	CHECK(msi_decode_compat(0xfee03000, 0x8021, &m));
	p = (struct irte_params){ .vector = m.vector,
				  .dest = m.dest,
				  .logical = m.logical,
				  .level = m.level,
				  .delivery_mode = m.delivery_mode,
				  .source_id = 0x0100,
				  .verify = IRTE_SVT_SID };
	irte_encode(e, &p);
	CHECK_EQ(e[0], 0x0000030000210011ull);
	CHECK_EQ(e[1], 0x0000000000040100ull);
}

int main(void)
{
	test_irte_xapic();
	test_irte_x2apic();
	test_irte_sid();
	test_msi_remappable();
	test_msi_compat();
	test_compat_to_irte();
	return test_summary();
}
