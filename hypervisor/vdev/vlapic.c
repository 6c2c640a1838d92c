// SPDX-License-Identifier: MIT
#include <vdev/vlapic.h>
#include <string.h>

/* x2APIC register MSRs (SDM Vol. 3A table 10-6). */
#define X2APIC_ID 0x802
#define X2APIC_VERSION 0x803
#define X2APIC_TPR 0x808
#define X2APIC_PPR 0x80a
#define X2APIC_EOI 0x80b
#define X2APIC_LDR 0x80d
#define X2APIC_SVR 0x80f
#define X2APIC_ISR0 0x810
#define X2APIC_TMR0 0x818
#define X2APIC_IRR0 0x820
#define X2APIC_ESR 0x828
#define X2APIC_LVT_CMCI 0x82f
#define X2APIC_LVT_TIMER 0x832
#define X2APIC_LVT_ERROR 0x837
#define X2APIC_TMICT 0x838
#define X2APIC_TMCCT 0x839
#define X2APIC_TDCR 0x83e
#define X2APIC_SELF_IPI 0x83f

#define LAPIC_VERSION 0x14
#define LAPIC_MAX_LVT_SHIFT 16
#define LAPIC_SVR_DEFAULT 0xff
#define TIMER_MODE_SHIFT 17
#define TIMER_MODE_MASK 3u
#define TIMER_ONESHOT 0
#define TIMER_PERIODIC 1
#define TIMER_TSC_DEADLINE 2
#define APIC_BASE_DEFAULT 0xfee00000ull
#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)

static void set_bit(uint32_t *bm, unsigned v)
{
	bm[v / 32] |= 1u << (v % 32);
}

static void clear_bit(uint32_t *bm, unsigned v)
{
	bm[v / 32] &= ~(1u << (v % 32));
}

static int highest_bit(const uint32_t *bm)
{
	for (int i = 7; i >= 0; i--)
		if (bm[i])
			return i * 32 + 31 - __builtin_clz(bm[i]);
	return -1;
}

void vlapic_init(struct vlapic *l, uint32_t id, bool bsp)
{
	memset(l, 0, sizeof(*l));
	l->id = id;
	/* Started in x2APIC mode, as firmware that enables it would leave it. */
	l->apic_base = APIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD |
		       (bsp ? APIC_BASE_BSP : 0);
	l->svr = LAPIC_SVR_DEFAULT;
	for (int i = 0; i < NR_LVT; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
}

bool vlapic_enabled(const struct vlapic *l)
{
	return l->svr & LAPIC_SVR_ENABLE;
}

static uint32_t timer_mode(const struct vlapic *l)
{
	return (l->lvt[LVT_TIMER] >> TIMER_MODE_SHIFT) & TIMER_MODE_MASK;
}

static uint32_t timer_divisor(const struct vlapic *l)
{
	uint32_t v = (l->tdcr & 3) | ((l->tdcr & 8) >> 1);

	return v == 7 ? 1 : 2u << v;
}

static uint32_t ppr(const struct vlapic *l)
{
	int isrv = highest_bit(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	return (l->tpr & 0xf0) >= isr_class ? l->tpr : isr_class;
}

static void timer_arm_count(struct vlapic *l, uint64_t now)
{
	l->timer_start = now;
	l->timer_deadline =
		l->tmict ? now + (uint64_t)l->tmict * timer_divisor(l) : 0;
}

static uint32_t timer_current(const struct vlapic *l, uint64_t now)
{
	uint64_t div, left, ticks;

	if (!l->tmict || timer_mode(l) == TIMER_TSC_DEADLINE ||
	    !l->timer_deadline)
		return 0;
	div = timer_divisor(l);
	if (now < l->timer_deadline) {
		left = l->timer_deadline - now;
	} else if (timer_mode(l) == TIMER_PERIODIC) {
		/* The count reloaded at the expiry, whether or not
		 * vlapic_timer_update() has run since (10.5.4). */
		uint64_t period = (uint64_t)l->tmict * div;

		left = period - (now - l->timer_deadline) % period;
	} else {
		return 0;
	}
	/* The count drops by one after each full `div` TSC ticks, so it
	 * reads TMICT until the first `div` ticks have passed. */
	ticks = (left + div - 1) / div;
	return ticks > l->tmict ? l->tmict : (uint32_t)ticks;
}

void vlapic_set_irq(struct vlapic *l, uint8_t vector, bool level)
{
	if (vector < 16) {
		l->esr |= 1u << 6; /* illegal vector received */
		return;
	}
	set_bit(l->irr, vector);
	if (level)
		set_bit(l->tmr, vector);
	else
		clear_bit(l->tmr, vector);
}

void vlapic_timer_update(struct vlapic *l, uint64_t now)
{
	uint32_t lvt = l->lvt[LVT_TIMER];
	uint64_t *deadline = timer_mode(l) == TIMER_TSC_DEADLINE ?
				     &l->tsc_deadline :
				     &l->timer_deadline;

	if (!*deadline || now < *deadline)
		return;
	if (!(lvt & LAPIC_LVT_MASKED))
		vlapic_set_irq(l, lvt & LAPIC_VECTOR_MASK, false);
	if (timer_mode(l) == TIMER_PERIODIC && l->tmict) {
		uint64_t period = (uint64_t)l->tmict * timer_divisor(l);
		/* Skip missed periods rather than firing a burst. */
		uint64_t missed = (now - *deadline) / period;

		*deadline += (missed + 1) * period;
	} else {
		*deadline = 0;
	}
}

uint64_t vlapic_next_deadline(const struct vlapic *l)
{
	return timer_mode(l) == TIMER_TSC_DEADLINE ? l->tsc_deadline :
						     l->timer_deadline;
}

int vlapic_pending(const struct vlapic *l)
{
	int v = highest_bit(l->irr);

	if (v < 0 || !vlapic_enabled(l))
		return -1;
	if (((uint32_t)v & 0xf0) <= (ppr(l) & 0xf0))
		return -1;
	return v;
}

void vlapic_accept(struct vlapic *l, uint8_t vector)
{
	clear_bit(l->irr, vector);
	set_bit(l->isr, vector);
}

static void eoi(struct vlapic *l)
{
	int v = highest_bit(l->isr);

	if (v >= 0)
		clear_bit(l->isr, (unsigned)v);
}

void vlapic_write_tsc_deadline(struct vlapic *l, uint64_t val)
{
	/* Writes are ignored outside TSC-deadline mode (SDM 3A 10.5.4.1). */
	if (timer_mode(l) == TIMER_TSC_DEADLINE)
		l->tsc_deadline = val;
}

enum vlapic_result vlapic_msr_read(struct vlapic *l, uint32_t msr, uint64_t now,
				   uint64_t *val)
{
	switch (msr) {
	case X2APIC_ID:
		*val = l->id;
		return VLAPIC_OK;
	case X2APIC_VERSION:
		*val = LAPIC_VERSION | ((NR_LVT - 1u) << LAPIC_MAX_LVT_SHIFT);
		return VLAPIC_OK;
	case X2APIC_TPR:
		*val = l->tpr;
		return VLAPIC_OK;
	case X2APIC_PPR:
		*val = ppr(l);
		return VLAPIC_OK;
	case X2APIC_LDR:
		/* Logical x2APIC id: cluster in 31:16, bit in 15:0 (10.12.10.2). */
		*val = ((l->id >> 4) << 16) | (1u << (l->id & 0xf));
		return VLAPIC_OK;
	case X2APIC_SVR:
		*val = l->svr;
		return VLAPIC_OK;
	case X2APIC_ESR:
		*val = l->esr;
		return VLAPIC_OK;
	case X2APIC_MSR_ICR:
		*val = l->icr;
		return VLAPIC_OK;
	case X2APIC_TMICT:
		*val = l->tmict;
		return VLAPIC_OK;
	case X2APIC_TMCCT:
		*val = timer_current(l, now);
		return VLAPIC_OK;
	case X2APIC_TDCR:
		*val = l->tdcr;
		return VLAPIC_OK;
	}
	if (msr >= X2APIC_ISR0 && msr < X2APIC_ISR0 + 8) {
		*val = l->isr[msr - X2APIC_ISR0];
		return VLAPIC_OK;
	}
	if (msr >= X2APIC_TMR0 && msr < X2APIC_TMR0 + 8) {
		*val = l->tmr[msr - X2APIC_TMR0];
		return VLAPIC_OK;
	}
	if (msr >= X2APIC_IRR0 && msr < X2APIC_IRR0 + 8) {
		*val = l->irr[msr - X2APIC_IRR0];
		return VLAPIC_OK;
	}
	if (msr >= X2APIC_LVT_TIMER && msr <= X2APIC_LVT_ERROR) {
		*val = l->lvt[msr - X2APIC_LVT_TIMER];
		return VLAPIC_OK;
	}
	return VLAPIC_GP;
}

static enum vlapic_result write_lvt(struct vlapic *l, unsigned idx,
				    uint64_t val, uint64_t now)
{
	uint32_t old_mode = timer_mode(l);

	if (!vlapic_enabled(l))
		val |= LAPIC_LVT_MASKED; /* 10.4.7.2: LVTs stay masked */
	l->lvt[idx] = (uint32_t)val;
	if (idx == LVT_TIMER && timer_mode(l) != old_mode) {
		/* A mode switch disarms the timer (10.5.4.1). */
		l->timer_deadline = 0;
		l->tsc_deadline = 0;
		l->tmict = 0;
	}
	return VLAPIC_OK;
}

enum vlapic_result vlapic_msr_write(struct vlapic *l, uint32_t msr,
				    uint64_t val, uint64_t now, uint64_t *ipi)
{
	switch (msr) {
	case X2APIC_TPR:
		l->tpr = val & 0xff;
		return VLAPIC_OK;
	case X2APIC_EOI:
		if (val)
			return VLAPIC_GP; /* x2APIC EOI takes only 0 (10.12.1.2) */
		eoi(l);
		return VLAPIC_OK;
	case X2APIC_SVR:
		l->svr = val & 0x1ff;
		if (!vlapic_enabled(l))
			for (int i = 0; i < NR_LVT; i++)
				l->lvt[i] |= LAPIC_LVT_MASKED;
		return VLAPIC_OK;
	case X2APIC_ESR:
		l->esr = 0;
		return VLAPIC_OK;
	case X2APIC_MSR_ICR:
		l->icr = val &
			 ~(1ull << 12); /* delivery status is always idle */
		if (((val >> LAPIC_ICR_SHORTHAND_SHIFT) & 3) ==
			    LAPIC_ICR_SHORTHAND_SELF &&
		    ((val >> LAPIC_ICR_DELIVERY_SHIFT) & 7) ==
			    LAPIC_DELIVERY_FIXED) {
			vlapic_set_irq(l, val & LAPIC_VECTOR_MASK, false);
			return VLAPIC_OK;
		}
		*ipi = l->icr;
		return VLAPIC_IPI;
	case X2APIC_SELF_IPI:
		vlapic_set_irq(l, val & LAPIC_VECTOR_MASK, false);
		return VLAPIC_OK;
	case X2APIC_TMICT:
		if (timer_mode(l) == TIMER_TSC_DEADLINE)
			return VLAPIC_OK;
		l->tmict = (uint32_t)val;
		timer_arm_count(l, now);
		return VLAPIC_OK;
	case X2APIC_TDCR:
		l->tdcr = val & 0xb;
		return VLAPIC_OK;
	case X2APIC_LVT_CMCI:
		return VLAPIC_OK;
	}
	if (msr >= X2APIC_LVT_TIMER && msr <= X2APIC_LVT_ERROR)
		return write_lvt(l, msr - X2APIC_LVT_TIMER, val, now);
	return VLAPIC_GP;
}

struct lapic_icr lapic_icr_decode(uint64_t icr)
{
	return (struct lapic_icr){
		.vector = icr & LAPIC_VECTOR_MASK,
		.delivery = (icr >> LAPIC_ICR_DELIVERY_SHIFT) & 7,
		.shorthand = (icr >> LAPIC_ICR_SHORTHAND_SHIFT) & 3,
		.logical = icr & (1u << 11),
		.dest = (uint32_t)(icr >> 32),
	};
}

bool vlapic_match_dest(const struct vlapic *l, uint32_t dest, bool logical)
{
	if (dest == LAPIC_BROADCAST)
		return true;
	if (!logical)
		return dest == l->id;
	return (dest >> 16) == (l->id >> 4) &&
	       (dest & 0xffff & (1u << (l->id & 0xf)));
}

bool vlapic_match_dest8(const struct vlapic *l, uint8_t dest, bool logical)
{
	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == l->id;
	return l->id < 8 && (dest & (1u << l->id));
}

bool vlapic_icr_targets(const struct lapic_icr *icr, const struct vlapic *self,
			const struct vlapic *l)
{
	switch (icr->shorthand) {
	case LAPIC_ICR_SHORTHAND_SELF:
		return l == self;
	case LAPIC_SHORTHAND_ALL:
		return true;
	case LAPIC_SHORTHAND_OTHERS:
		return l != self;
	default:
		return vlapic_match_dest(l, icr->dest, icr->logical);
	}
}
