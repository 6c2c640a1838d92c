// SPDX-License-Identifier: MIT
/*
 * The virtual x2APIC (hypervisor/vlapic.c). Proves the register values a
 * guest reads (ID, version, LDR, TPR/PPR, ISR/IRR/TMR), interrupt priority
 * (IRR -> ISR, EOI order with nested vectors, masking by TPR and by the ISR
 * class), software disable, self-IPIs and IPIs handed to the core, and the
 * timer: one-shot with every divisor firing at exactly start + count * div,
 * TMCCT as hardware counts it, periodic re-arming on the original grid with
 * no burst after a gap, and TSC-deadline mode. Time is a number passed in.
 */
#include <vdev/vlapic.h>
#include <string.h>
#include "test.h"

#define MSR_ID 0x802
#define MSR_VERSION 0x803
#define MSR_TPR 0x808
#define MSR_PPR 0x80a
#define MSR_EOI 0x80b
#define MSR_LDR 0x80d
#define MSR_SVR 0x80f
#define MSR_ISR0 0x810
#define MSR_TMR0 0x818
#define MSR_IRR0 0x820
#define MSR_ESR 0x828
#define MSR_LVT_CMCI 0x82f
#define MSR_LVT_TIMER 0x832
#define MSR_LVT_LINT0 0x835
#define MSR_LVT_ERROR 0x837
#define MSR_TMICT 0x838
#define MSR_TMCCT 0x839
#define MSR_TDCR 0x83e
#define MSR_SELF_IPI 0x83f

#define ONESHOT 0u
#define PERIODIC (1u << 17)
#define TSC_DEADLINE (2u << 17)
#define MASKED (1u << 16)

static uint64_t rd(struct vlapic *l, uint32_t msr, uint64_t now)
{
	uint64_t v = 0xdeadbeefdeadbeefull;

	CHECK_EQ(vlapic_msr_read(l, msr, now, &v), VLAPIC_OK);
	return v;
}

static void wr(struct vlapic *l, uint32_t msr, uint64_t val, uint64_t now)
{
	uint64_t ipi = 0;

	CHECK_EQ(vlapic_msr_write(l, msr, val, now, &ipi), VLAPIC_OK);
}

static bool in_irr(struct vlapic *l, unsigned v)
{
	return rd(l, MSR_IRR0 + v / 32, 0) & (1u << (v % 32));
}

static bool in_isr(struct vlapic *l, unsigned v)
{
	return rd(l, MSR_ISR0 + v / 32, 0) & (1u << (v % 32));
}

/* An enabled APIC, as Linux leaves it. */
static void setup(struct vlapic *l)
{
	vlapic_init(l, 0, true);
	wr(l, MSR_SVR, 0x1ff, 0);
}

/* Takes the pending vector as the CPU would, and EOIs it. */
static void take_and_eoi(struct vlapic *l, int expect)
{
	int v = vlapic_pending(l);

	CHECK_EQ(v, expect);
	if (v < 0)
		return;
	vlapic_accept(l, (uint8_t)v);
	wr(l, MSR_EOI, 0, 0);
}

static void test_registers(void)
{
	struct vlapic l;
	uint64_t v;

	vlapic_init(&l, 5, false);
	CHECK_EQ(rd(&l, MSR_ID, 0), 5);
	/* Version 0x14, max LVT entry 5 (timer ... error), no EOI suppression. */
	CHECK_EQ(rd(&l, MSR_VERSION, 0), 0x50014);
	/* Logical ID: cluster id >> 4 in 31:16, 1 << (id & 15) in 15:0. */
	CHECK_EQ(rd(&l, MSR_LDR, 0), 0x20);
	CHECK_EQ(l.apic_base, 0xfee00c00); /* enabled, x2APIC, not the BSP */
	CHECK_EQ(rd(&l, MSR_SVR, 0), 0xff);
	CHECK(!vlapic_enabled(&l));
	for (uint32_t m = MSR_LVT_TIMER; m <= MSR_LVT_ERROR; m++)
		CHECK_EQ(rd(&l, m, 0), MASKED);
	CHECK_EQ(rd(&l, MSR_TPR, 0), 0);
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0);
	CHECK_EQ(rd(&l, MSR_TDCR, 0), 0);

	vlapic_init(&l, 0x23, true);
	CHECK_EQ(rd(&l, MSR_ID, 0), 0x23);
	CHECK_EQ(rd(&l, MSR_LDR, 0), 0x20008);
	CHECK_EQ(l.apic_base, 0xfee00d00);
	vlapic_init(&l, 0x1234f, false);
	CHECK_EQ(rd(&l, MSR_LDR, 0), 0x12348000);

	/* Write-only, read-only and absent registers raise #GP. */
	CHECK_EQ(vlapic_msr_read(&l, MSR_EOI, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_read(&l, MSR_SELF_IPI, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_read(&l, 0x801, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_read(&l, 0x8ff, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_ID, 7, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_VERSION, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_LDR, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_PPR, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_TMCCT, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_ISR0, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(vlapic_msr_write(&l, MSR_IRR0, 0, 0, &v), VLAPIC_GP);
	CHECK_EQ(rd(&l, MSR_ID, 0), 0x1234f);
	/* LVT CMCI writes are accepted and dropped (not advertised). */
	CHECK_EQ(vlapic_msr_write(&l, MSR_LVT_CMCI, 0x30, 0, &v), VLAPIC_OK);

	/* LVT registers read back what was written while enabled. */
	setup(&l);
	wr(&l, MSR_LVT_LINT0, 0x700, 0);
	CHECK_EQ(rd(&l, MSR_LVT_LINT0, 0), 0x700);
	wr(&l, MSR_LVT_ERROR, 0xfe, 0);
	CHECK_EQ(rd(&l, MSR_LVT_ERROR, 0), 0xfe);
	/* TDCR keeps bits 0, 1 and 3 only. */
	wr(&l, MSR_TDCR, 0xff, 0);
	CHECK_EQ(rd(&l, MSR_TDCR, 0), 0xb);
	/* TPR keeps 8 bits; SVR 9 (no EOI-broadcast suppression). */
	wr(&l, MSR_TPR, 0x1ff, 0);
	CHECK_EQ(rd(&l, MSR_TPR, 0), 0xff);
	wr(&l, MSR_SVR, 0x11ff, 0);
	CHECK_EQ(rd(&l, MSR_SVR, 0), 0x1ff);
}

static void test_tpr_ppr(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_TPR, 0x35, 0);
	CHECK_EQ(rd(&l, MSR_TPR, 0), 0x35);
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0x35);
	vlapic_set_irq(&l, 0x51, false);
	CHECK_EQ(vlapic_pending(&l), 0x51);
	vlapic_accept(&l, 0x51);
	/* ISR class 0x50 above TPR class 0x30: PPR = 0x50, low nibble 0. */
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0x50);
	wr(&l, MSR_TPR, 0x62, 0);
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0x62);
	/* Equal classes: PPR is the TPR, low nibble included. */
	wr(&l, MSR_TPR, 0x5f, 0);
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0x5f);
	wr(&l, MSR_TPR, 0, 0);
	wr(&l, MSR_EOI, 0, 0);
	CHECK_EQ(rd(&l, MSR_PPR, 0), 0);
}

static void test_accept_eoi_nesting(void)
{
	struct vlapic l;

	setup(&l);
	CHECK_EQ(vlapic_pending(&l), -1);
	vlapic_set_irq(&l, 0x40, false);
	vlapic_set_irq(&l, 0x80, false);
	CHECK(in_irr(&l, 0x40));
	CHECK(in_irr(&l, 0x80));
	CHECK_EQ(rd(&l, MSR_IRR0 + 2, 0), 1); /* 0x40 */
	CHECK_EQ(rd(&l, MSR_IRR0 + 4, 0), 1); /* 0x80 */
	CHECK_EQ(vlapic_pending(&l), 0x80);
	vlapic_accept(&l, 0x80);
	CHECK(!in_irr(&l, 0x80));
	CHECK(in_isr(&l, 0x80));
	CHECK_EQ(rd(&l, MSR_ISR0 + 4, 0), 1);
	/* 0x40 is below the in-service class. */
	CHECK_EQ(vlapic_pending(&l), -1);
	/* Same class as the in-service vector: still blocked. */
	vlapic_set_irq(&l, 0x8f, false);
	CHECK_EQ(vlapic_pending(&l), -1);
	/* A higher class nests. */
	vlapic_set_irq(&l, 0x90, false);
	CHECK_EQ(vlapic_pending(&l), 0x90);
	vlapic_accept(&l, 0x90);
	CHECK_EQ(rd(&l, MSR_ISR0 + 4, 0), 0x00010001);
	CHECK_EQ(vlapic_pending(&l), -1);
	/* EOI retires the highest in-service vector first. */
	wr(&l, MSR_EOI, 0, 0);
	CHECK(!in_isr(&l, 0x90));
	CHECK(in_isr(&l, 0x80));
	CHECK_EQ(vlapic_pending(&l), -1); /* 0x8f still same class as 0x80 */
	wr(&l, MSR_EOI, 0, 0);
	CHECK_EQ(rd(&l, MSR_ISR0 + 4, 0), 0);
	CHECK_EQ(vlapic_pending(&l), 0x8f);
	vlapic_accept(&l, 0x8f);
	CHECK_EQ(vlapic_pending(&l), -1);
	wr(&l, MSR_EOI, 0, 0);
	CHECK_EQ(vlapic_pending(&l), 0x40);
	take_and_eoi(&l, 0x40);
	CHECK_EQ(vlapic_pending(&l), -1);
	/* An EOI with nothing in service is harmless. */
	wr(&l, MSR_EOI, 0, 0);
	CHECK_EQ(rd(&l, MSR_ISR0 + 4, 0), 0);
}

static void test_eoi_nonzero_gp(void)
{
	struct vlapic l;
	uint64_t ipi;

	setup(&l);
	vlapic_set_irq(&l, 0x33, false);
	vlapic_accept(&l, 0x33);
	CHECK_EQ(vlapic_msr_write(&l, MSR_EOI, 1, 0, &ipi), VLAPIC_GP);
	CHECK(in_isr(&l, 0x33)); /* not retired */
	CHECK_EQ(vlapic_msr_write(&l, MSR_EOI, 0, 0, &ipi), VLAPIC_OK);
	CHECK(!in_isr(&l, 0x33));
}

static void test_tpr_masking(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_TPR, 0x40, 0);
	vlapic_set_irq(&l, 0x45, false);
	CHECK_EQ(vlapic_pending(&l), -1); /* class 4 not above TPR class 4 */
	vlapic_set_irq(&l, 0x50, false);
	CHECK_EQ(vlapic_pending(&l), 0x50);
	wr(&l, MSR_TPR, 0x50, 0);
	CHECK_EQ(vlapic_pending(&l), -1);
	wr(&l, MSR_TPR, 0x4f, 0);
	CHECK_EQ(vlapic_pending(&l), 0x50);
	wr(&l, MSR_TPR, 0xff, 0);
	CHECK_EQ(vlapic_pending(&l), -1);
	wr(&l, MSR_TPR, 0, 0);
	take_and_eoi(&l, 0x50);
	take_and_eoi(&l, 0x45);
	CHECK_EQ(vlapic_pending(&l), -1);
}

static void test_level_tmr_and_illegal(void)
{
	struct vlapic l;

	setup(&l);
	vlapic_set_irq(&l, 0x61, true);
	CHECK_EQ(rd(&l, MSR_TMR0 + 3, 0), 1u << 1);
	vlapic_set_irq(&l, 0x61, false);
	CHECK_EQ(rd(&l, MSR_TMR0 + 3, 0), 0);
	/* Vectors 0-15 are illegal: ESR bit 6, nothing raised. */
	vlapic_set_irq(&l, 0x0f, false);
	CHECK_EQ(rd(&l, MSR_IRR0, 0), 0);
	CHECK_EQ(rd(&l, MSR_ESR, 0), 0x40);
	wr(&l, MSR_ESR, 0, 0);
	CHECK_EQ(rd(&l, MSR_ESR, 0), 0);
}

static void test_software_disable(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_LVT_TIMER, 0x20, 0);
	wr(&l, MSR_LVT_LINT0, 0x700, 0);
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), 0x20);
	wr(&l, MSR_SVR, 0xff, 0);
	CHECK(!vlapic_enabled(&l));
	/* 10.4.7.2: every LVT is masked... */
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), MASKED | 0x20);
	CHECK_EQ(rd(&l, MSR_LVT_LINT0, 0), MASKED | 0x700);
	/* ...and stays masked whatever is written. */
	wr(&l, MSR_LVT_TIMER, 0x21, 0);
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), MASKED | 0x21);
	/* Nothing is delivered; what arrived is held in the IRR. */
	vlapic_set_irq(&l, 0x30, false);
	CHECK(in_irr(&l, 0x30));
	CHECK_EQ(vlapic_pending(&l), -1);
	/* Re-enabling delivers it; LVTs stay masked until rewritten. */
	wr(&l, MSR_SVR, 0x1ff, 0);
	CHECK_EQ(vlapic_pending(&l), 0x30);
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), MASKED | 0x21);
	wr(&l, MSR_LVT_TIMER, 0x21, 0);
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), 0x21);
}

static void test_self_ipi(void)
{
	struct vlapic l;
	uint64_t ipi = 0;

	setup(&l);
	wr(&l, MSR_SELF_IPI, 0x55, 0);
	CHECK_EQ(rd(&l, MSR_IRR0 + 2, 0), 1u << 21);
	CHECK_EQ(vlapic_pending(&l), 0x55);
	take_and_eoi(&l, 0x55);
	/* Only the vector byte of SELF_IPI counts. */
	wr(&l, MSR_SELF_IPI, 0xff56, 0);
	CHECK_EQ(vlapic_pending(&l), 0x56);
	take_and_eoi(&l, 0x56);

	/* ICR with the "self" shorthand, fixed delivery: handled locally. */
	CHECK_EQ(vlapic_msr_write(&l, X2APIC_MSR_ICR, (1u << 18) | 0x66, 0,
				  &ipi),
		 VLAPIC_OK);
	CHECK_EQ(ipi, 0);
	CHECK_EQ(vlapic_pending(&l), 0x66);
	CHECK_EQ(rd(&l, X2APIC_MSR_ICR, 0), (1u << 18) | 0x66);
	take_and_eoi(&l, 0x66);
}

static void test_ipi_to_others(void)
{
	struct vlapic l;
	uint64_t ipi = 0, icr;

	setup(&l);
	/* Fixed, level assert, physical destination 3. */
	icr = (3ull << 32) | (1u << 14) | 0x77;
	CHECK_EQ(vlapic_msr_write(&l, X2APIC_MSR_ICR, icr, 0, &ipi),
		 VLAPIC_IPI);
	CHECK_EQ(ipi, icr);
	CHECK(!in_irr(&l, 0x77));
	CHECK_EQ(rd(&l, X2APIC_MSR_ICR, 0), icr);
	/* The delivery-status bit (12) never reads or routes as busy. */
	ipi = 0;
	CHECK_EQ(
		vlapic_msr_write(&l, X2APIC_MSR_ICR, icr | (1u << 12), 0, &ipi),
		VLAPIC_IPI);
	CHECK_EQ(ipi, icr);
	CHECK_EQ(rd(&l, X2APIC_MSR_ICR, 0), icr);
	/* INIT and SIPI to APIC 1, and "all excluding self", go to the core. */
	icr = (1ull << 32) | (5u << 8) | (1u << 14);
	CHECK_EQ(vlapic_msr_write(&l, X2APIC_MSR_ICR, icr, 0, &ipi),
		 VLAPIC_IPI);
	CHECK_EQ(ipi, icr);
	icr = (1ull << 32) | (6u << 8) | 0x9a;
	CHECK_EQ(vlapic_msr_write(&l, X2APIC_MSR_ICR, icr, 0, &ipi),
		 VLAPIC_IPI);
	CHECK_EQ(ipi, icr);
	icr = (3u << 18) | 0xf0;
	CHECK_EQ(vlapic_msr_write(&l, X2APIC_MSR_ICR, icr, 0, &ipi),
		 VLAPIC_IPI);
	CHECK_EQ(ipi, icr);
	CHECK_EQ(vlapic_pending(&l), -1);
}

/* Routing: who an ICR, an I/O APIC entry or an MSI reaches. */
static void test_destinations(void)
{
	struct vlapic cpu[20];
	struct lapic_icr icr;

	for (uint32_t i = 0; i < 20; i++)
		vlapic_init(&cpu[i], i, i == 0);
	/* Decode: vector, delivery mode, logical, shorthand, destination. */
	icr = lapic_icr_decode((0x00010006ull << 32) | (1u << 11) | (5u << 8) |
			       0x31);
	CHECK_EQ(icr.vector, 0x31);
	CHECK_EQ(icr.delivery, LAPIC_DELIVERY_INIT);
	CHECK(icr.logical);
	CHECK_EQ(icr.shorthand, LAPIC_SHORTHAND_NONE);
	CHECK_EQ(icr.dest, 0x00010006u);
	/* Logical x2APIC: cluster 1 (ids 16-31), bits 1 and 2 = ids 17, 18. */
	for (uint32_t i = 0; i < 20; i++)
		CHECK_EQ(vlapic_icr_targets(&icr, &cpu[0], &cpu[i]),
			 i == 17 || i == 18);
	/* Physical: exactly the id, or the broadcast id. */
	icr = lapic_icr_decode(3ull << 32 | 0x40);
	for (uint32_t i = 0; i < 20; i++)
		CHECK_EQ(vlapic_icr_targets(&icr, &cpu[0], &cpu[i]), i == 3);
	icr = lapic_icr_decode(0xffffffffull << 32 | 0x40);
	for (uint32_t i = 0; i < 20; i++)
		CHECK(vlapic_icr_targets(&icr, &cpu[0], &cpu[i]));
	/* Shorthands ignore the destination field. */
	icr = lapic_icr_decode(3ull << 32 | 3u << 18 | 0x40);
	for (uint32_t i = 0; i < 20; i++)
		CHECK_EQ(vlapic_icr_targets(&icr, &cpu[5], &cpu[i]), i != 5);
	icr = lapic_icr_decode(3ull << 32 | 2u << 18 | 0x40);
	CHECK(vlapic_icr_targets(&icr, &cpu[5], &cpu[5]));
	CHECK(vlapic_icr_targets(&icr, &cpu[5], &cpu[3]));
	icr = lapic_icr_decode(3ull << 32 | 1u << 18 | 0x40);
	CHECK(vlapic_icr_targets(&icr, &cpu[5], &cpu[5]));
	CHECK(!vlapic_icr_targets(&icr, &cpu[5], &cpu[3]));
	/* 8-bit destinations: physical id, 0xff for all, logical flat mask. */
	CHECK(vlapic_match_dest8(&cpu[2], 2, false));
	CHECK(!vlapic_match_dest8(&cpu[2], 3, false));
	CHECK(vlapic_match_dest8(&cpu[19], 0xff, false));
	CHECK(vlapic_match_dest8(&cpu[2], 0x04, true));
	CHECK(!vlapic_match_dest8(&cpu[2], 0x03, true));
	CHECK(!vlapic_match_dest8(&cpu[9], 0x7f, true));
}

/* TDCR encodings for divide-by 1, 2, 4, ..., 128 (SDM 3A figure 10-10). */
static const struct {
	uint32_t tdcr, div;
} divs[] = {
	{ 0xb, 1 },  { 0x0, 2 },  { 0x1, 4 },  { 0x2, 8 },
	{ 0x3, 16 }, { 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 },
};

static void test_oneshot_divisors(void)
{
	for (size_t i = 0; i < sizeof(divs) / sizeof(divs[0]); i++) {
		struct vlapic l;
		const uint64_t start = 5000, count = 1000;
		uint64_t due = start + count * divs[i].div;

		setup(&l);
		wr(&l, MSR_LVT_TIMER, ONESHOT | 0x40, 0);
		wr(&l, MSR_TDCR, divs[i].tdcr, 0);
		CHECK_EQ(vlapic_next_deadline(&l), 0);
		wr(&l, MSR_TMICT, count, start);
		CHECK_EQ(rd(&l, MSR_TMICT, start), count);
		CHECK_EQ(vlapic_next_deadline(&l), due);
		vlapic_timer_update(&l, start);
		vlapic_timer_update(&l, due - 1);
		CHECK(!in_irr(&l, 0x40));
		CHECK_EQ(rd(&l, MSR_TMCCT, due - 1), 1);
		vlapic_timer_update(&l, due);
		CHECK(in_irr(&l, 0x40));
		CHECK_EQ(vlapic_next_deadline(&l), 0);
		CHECK_EQ(rd(&l, MSR_TMCCT, due), 0);
		/* One-shot: fired once, never again. */
		take_and_eoi(&l, 0x40);
		vlapic_timer_update(&l, due + 10 * count * divs[i].div);
		CHECK_EQ(vlapic_pending(&l), -1);
		CHECK_EQ(rd(&l, MSR_TMCCT, due + 5), 0);
	}
}

static void test_tmcct(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x40, 0);
	wr(&l, MSR_TDCR, 0x3, 0); /* divide by 16 */
	CHECK_EQ(rd(&l, MSR_TMCCT, 0), 0);
	wr(&l, MSR_TMICT, 100, 1000); /* expires at 1000 + 1600 */
	CHECK_EQ(rd(&l, MSR_TMCCT, 1000), 100);
	/* The count drops once per 16 TSC ticks after the start. */
	CHECK_EQ(rd(&l, MSR_TMCCT, 1000 + 15), 100);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1000 + 16), 99);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1000 + 16 * 50), 50);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1000 + 16 * 50 + 7), 50);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2600 - 16), 1);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2600 - 1), 1);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2600), 0);
	/* Expired, even before vlapic_timer_update() ran. */
	CHECK_EQ(rd(&l, MSR_TMCCT, 5000), 0);
	/* TMICT 0 stops the timer. */
	wr(&l, MSR_TMICT, 100, 3000);
	CHECK_EQ(vlapic_next_deadline(&l), 3000 + 1600);
	wr(&l, MSR_TMICT, 0, 3100);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK_EQ(rd(&l, MSR_TMCCT, 3200), 0);
	vlapic_timer_update(&l, 10000);
	CHECK_EQ(vlapic_pending(&l), -1);
	/* Rewriting TMICT restarts the count from the new start. */
	wr(&l, MSR_TMICT, 10, 20000);
	wr(&l, MSR_TMICT, 10, 20100);
	CHECK_EQ(vlapic_next_deadline(&l), 20100 + 160);
	CHECK_EQ(rd(&l, MSR_TMCCT, 20100), 10);

	/* Periodic: the count reloads at every expiry, whether or not the
	 * core has run vlapic_timer_update() since. */
	setup(&l);
	wr(&l, MSR_LVT_TIMER, PERIODIC | 0x41, 0);
	wr(&l, MSR_TDCR, 0xb, 0); /* divide by 1 */
	wr(&l, MSR_TMICT, 100, 1000);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1099), 1);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1100), 100);
	CHECK_EQ(rd(&l, MSR_TMCCT, 1130), 70);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2150), 50);
	vlapic_timer_update(&l, 2150);
	CHECK_EQ(vlapic_next_deadline(&l), 2200);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2150), 50);
	CHECK_EQ(rd(&l, MSR_TMCCT, 2199), 1);
}

static void test_periodic(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_LVT_TIMER, PERIODIC | 0x41, 0);
	wr(&l, MSR_TDCR, 0x0, 0); /* divide by 2: period 200 */
	wr(&l, MSR_TMICT, 100, 1000);
	CHECK_EQ(vlapic_next_deadline(&l), 1200);
	vlapic_timer_update(&l, 1199);
	CHECK_EQ(vlapic_pending(&l), -1);
	vlapic_timer_update(&l, 1200);
	CHECK_EQ(vlapic_next_deadline(&l), 1400);
	take_and_eoi(&l, 0x41);
	/* Late by half a period: fires once, stays on the original grid. */
	vlapic_timer_update(&l, 1500);
	CHECK_EQ(vlapic_next_deadline(&l), 1600);
	take_and_eoi(&l, 0x41);
	vlapic_timer_update(&l, 1500);
	CHECK_EQ(vlapic_pending(&l), -1);
	/* A long gap (many missed periods): one interrupt, no burst. */
	vlapic_timer_update(&l, 1000555);
	CHECK_EQ(vlapic_next_deadline(&l), 1000600);
	take_and_eoi(&l, 0x41);
	vlapic_timer_update(&l, 1000555);
	vlapic_timer_update(&l, 1000599);
	CHECK_EQ(vlapic_pending(&l), -1);
	vlapic_timer_update(&l, 1000600);
	CHECK_EQ(vlapic_next_deadline(&l), 1000800);
	take_and_eoi(&l, 0x41);

	/* Masked periodic timer keeps its rhythm but raises nothing. */
	wr(&l, MSR_LVT_TIMER, PERIODIC | MASKED | 0x41, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 1000800); /* same mode: armed */
	vlapic_timer_update(&l, 1000800);
	CHECK_EQ(vlapic_next_deadline(&l), 1001000);
	CHECK_EQ(rd(&l, MSR_IRR0 + 2, 0), 0);
	wr(&l, MSR_LVT_TIMER, PERIODIC | 0x41, 0);
	vlapic_timer_update(&l, 1001000);
	CHECK_EQ(vlapic_pending(&l), 0x41);
}

static void test_tsc_deadline(void)
{
	struct vlapic l;

	setup(&l);
	/* Outside TSC-deadline mode, writes to the MSR are ignored. */
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x42, 0);
	vlapic_write_tsc_deadline(&l, 5000);
	CHECK_EQ(l.tsc_deadline, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	vlapic_timer_update(&l, 6000);
	CHECK_EQ(vlapic_pending(&l), -1);

	wr(&l, MSR_LVT_TIMER, TSC_DEADLINE | 0x42, 0);
	CHECK_EQ(rd(&l, MSR_LVT_TIMER, 0), TSC_DEADLINE | 0x42);
	/* TMICT is ignored in this mode; TMCCT reads 0. */
	wr(&l, MSR_TMICT, 1000, 0);
	CHECK_EQ(rd(&l, MSR_TMICT, 0), 0);
	CHECK_EQ(rd(&l, MSR_TMCCT, 10), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);

	vlapic_write_tsc_deadline(&l, 5000);
	CHECK_EQ(vlapic_next_deadline(&l), 5000);
	vlapic_timer_update(&l, 4999);
	CHECK_EQ(vlapic_pending(&l), -1);
	vlapic_timer_update(&l, 5000);
	CHECK_EQ(vlapic_pending(&l), 0x42);
	/* The deadline resets to 0 when it fires (10.5.4.1). */
	CHECK_EQ(l.tsc_deadline, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	take_and_eoi(&l, 0x42);
	vlapic_timer_update(&l, 9000);
	CHECK_EQ(vlapic_pending(&l), -1);

	/* Writing 0 disarms. */
	vlapic_write_tsc_deadline(&l, 12000);
	vlapic_write_tsc_deadline(&l, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	vlapic_timer_update(&l, 20000);
	CHECK_EQ(vlapic_pending(&l), -1);

	/* A deadline already in the past fires at the next update. */
	vlapic_write_tsc_deadline(&l, 100);
	vlapic_timer_update(&l, 20001);
	CHECK_EQ(vlapic_pending(&l), 0x42);
	take_and_eoi(&l, 0x42);

	/* Moving the deadline later postpones it. */
	vlapic_write_tsc_deadline(&l, 30000);
	vlapic_write_tsc_deadline(&l, 40000);
	vlapic_timer_update(&l, 35000);
	CHECK_EQ(vlapic_pending(&l), -1);
	vlapic_timer_update(&l, 40000);
	CHECK_EQ(vlapic_pending(&l), 0x42);
	take_and_eoi(&l, 0x42);

	/* Masked: disarms at the deadline, raises nothing. */
	wr(&l, MSR_LVT_TIMER, TSC_DEADLINE | MASKED | 0x42, 0);
	vlapic_write_tsc_deadline(&l, 50000);
	vlapic_timer_update(&l, 50000);
	CHECK_EQ(vlapic_pending(&l), -1);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
}

static void test_mode_switch_disarms(void)
{
	struct vlapic l;

	/* One-shot armed, then TSC-deadline mode: disarmed. */
	setup(&l);
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x43, 0);
	wr(&l, MSR_TDCR, 0xb, 0);
	wr(&l, MSR_TMICT, 1000, 0);
	CHECK_EQ(vlapic_next_deadline(&l), 1000);
	wr(&l, MSR_LVT_TIMER, TSC_DEADLINE | 0x43, 10);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	CHECK_EQ(rd(&l, MSR_TMICT, 10), 0);
	vlapic_timer_update(&l, 2000);
	CHECK_EQ(vlapic_pending(&l), -1);

	/* TSC-deadline armed, back to one-shot: disarmed, and it does not
	 * come back on returning to TSC-deadline mode. */
	vlapic_write_tsc_deadline(&l, 9000);
	CHECK_EQ(vlapic_next_deadline(&l), 9000);
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x43, 100);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	wr(&l, MSR_LVT_TIMER, TSC_DEADLINE | 0x43, 200);
	CHECK_EQ(vlapic_next_deadline(&l), 0);
	vlapic_timer_update(&l, 10000);
	CHECK_EQ(vlapic_pending(&l), -1);

	/* Rewriting the LVT in the same mode (mask, vector) keeps it armed. */
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x43, 0);
	wr(&l, MSR_TMICT, 500, 20000);
	wr(&l, MSR_LVT_TIMER, ONESHOT | MASKED | 0x43, 20100);
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x44, 20200);
	CHECK_EQ(vlapic_next_deadline(&l), 20500);
	vlapic_timer_update(&l, 20500);
	CHECK_EQ(vlapic_pending(&l), 0x44);
}

static void test_masked_oneshot(void)
{
	struct vlapic l;

	setup(&l);
	wr(&l, MSR_LVT_TIMER, ONESHOT | MASKED | 0x45, 0);
	wr(&l, MSR_TDCR, 0xb, 0);
	wr(&l, MSR_TMICT, 10, 100);
	CHECK_EQ(vlapic_next_deadline(&l), 110);
	vlapic_timer_update(&l, 110);
	CHECK_EQ(vlapic_pending(&l), -1);
	CHECK_EQ(rd(&l, MSR_IRR0 + 2, 0), 0);
	CHECK_EQ(vlapic_next_deadline(&l), 0);

	/* A software-disabled APIC's timer raises nothing either. */
	setup(&l);
	wr(&l, MSR_LVT_TIMER, ONESHOT | 0x45, 0);
	wr(&l, MSR_TDCR, 0xb, 0);
	wr(&l, MSR_TMICT, 10, 100);
	wr(&l, MSR_SVR, 0xff, 100);
	vlapic_timer_update(&l, 200);
	CHECK_EQ(rd(&l, MSR_IRR0 + 2, 0), 0);
}

int main(void)
{
	test_registers();
	test_tpr_ppr();
	test_accept_eoi_nesting();
	test_eoi_nonzero_gp();
	test_tpr_masking();
	test_level_tmr_and_illegal();
	test_software_disable();
	test_self_ipi();
	test_ipi_to_others();
	test_destinations();
	test_oneshot_divisors();
	test_tmcct();
	test_periodic();
	test_tsc_deadline();
	test_mode_switch_disarms();
	test_masked_oneshot();
	return test_summary();
}
