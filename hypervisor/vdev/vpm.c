// SPDX-License-Identifier: MIT
#include <vdev/vpm.h>
#include <guest/guest_acpi.h>
#include <civil_time.h>
#include <string.h>

#define PM1_STS_WAK 0x8000

#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04
#define CMOS_WEEKDAY 0x06
#define CMOS_DAY 0x07
#define CMOS_MONTH 0x08
#define CMOS_YEAR 0x09
#define CMOS_STATUS_A 0x0a
#define CMOS_STATUS_B 0x0b
#define CMOS_STATUS_C 0x0c
#define CMOS_STATUS_D 0x0d
#define CMOS_CENTURY 0x32
#define STATUS_A_DEFAULT 0x26 /* 32.768 kHz divider, 1024 Hz rate, UIP clear */
#define STATUS_B_24H 0x02     /* BCD, 24-hour mode */
#define STATUS_D_VALID 0x80   /* RAM and time valid */
#define RESET_CPU_BIT 0x04    /* 0xcf9 bit 2 starts the reset */

void vpm_init(struct vpm *pm, uint64_t tsc_hz, uint64_t now, uint64_t wall)
{
	memset(pm, 0, sizeof(*pm));
	pm->tsc_base = now;
	pm->tsc_hz = tsc_hz ? tsc_hz : 1;
	pm->pmtmr_mult = ((uint64_t)GACPI_PM_TMR_HZ << 32) / pm->tsc_hz;
	pm->wall_base = wall;
	/* ACPI is always on: SMI_CMD is 0 in the FADT, so SCI_EN reads 1. */
	pm->pm1_cnt = GACPI_PM1_CNT_SCI_EN;
}

uint32_t vpm_timer(const struct vpm *pm, uint64_t now)
{
	unsigned __int128 t =
		(unsigned __int128)(now - pm->tsc_base) * pm->pmtmr_mult;

	return (uint32_t)(t >> 32) & GACPI_PM_TMR_MASK;
}

static uint8_t bcd(unsigned v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

static uint8_t cmos_read(const struct vpm *pm, uint64_t now)
{
	struct civil_time c;

	civil_from_unix(pm->wall_base + (now - pm->tsc_base) / pm->tsc_hz, &c);
	switch (pm->cmos_index & 0x7f) {
	case CMOS_SECONDS:
		return bcd(c.second);
	case CMOS_MINUTES:
		return bcd(c.minute);
	case CMOS_HOURS:
		return bcd(c.hour);
	case CMOS_WEEKDAY:
		return bcd(c.weekday + 1u);
	case CMOS_DAY:
		return bcd(c.day);
	case CMOS_MONTH:
		return bcd(c.month);
	case CMOS_YEAR:
		return bcd(c.year % 100);
	case CMOS_CENTURY:
		return bcd(c.year / 100);
	case CMOS_STATUS_A:
		return STATUS_A_DEFAULT;
	case CMOS_STATUS_B:
		return STATUS_B_24H;
	case CMOS_STATUS_C:
		return 0;
	case CMOS_STATUS_D:
		return STATUS_D_VALID;
	}
	return 0; /* CMOS RAM: empty, writes ignored */
}

static void pm1_cnt_write(struct vpm *pm, uint16_t v)
{
	unsigned typ =
		(v & GACPI_PM1_CNT_SLP_TYP_MASK) >> GACPI_PM1_CNT_SLP_TYP_SHIFT;

	pm->pm1_cnt = (v & ~GACPI_PM1_CNT_SLP_EN) | GACPI_PM1_CNT_SCI_EN;
	if ((v & GACPI_PM1_CNT_SLP_EN) && typ == GACPI_SLP_TYP_S5)
		pm->event = VPM_POWEROFF;
}

static bool pm_block(struct vpm *pm, uint16_t port, uint8_t size, bool in,
		     uint32_t *val, uint64_t now)
{
	switch (port) {
	case GACPI_PM1A_EVT_PORT:
		if (in) {
			*val = pm->pm1_sts | ((uint32_t)pm->pm1_en << 16);
		} else {
			pm->pm1_sts &= ~(uint16_t)*val; /* write 1 to clear */
			if (size == 4) /* a dword spans PM1_EN, as reads do */
				pm->pm1_en = (uint16_t)(*val >> 16);
		}
		return true;
	case GACPI_PM1A_EVT_PORT + 2:
		if (in)
			*val = pm->pm1_en;
		else
			pm->pm1_en = (uint16_t)*val;
		return true;
	case GACPI_PM1A_CNT_PORT:
		if (in)
			*val = pm->pm1_cnt;
		else
			pm1_cnt_write(pm, (uint16_t)*val);
		return true;
	case GACPI_PM_TMR_PORT:
		if (in)
			*val = vpm_timer(pm, now);
		return true;
	}
	return false;
}

bool vpm_io(struct vpm *pm, uint16_t port, uint8_t size, bool in, uint32_t *val,
	    uint64_t now)
{
	uint32_t mask = size >= 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

	if (port == GACPI_RESET_PORT && size == 1) {
		if (in)
			*val = 0;
		else if (*val & RESET_CPU_BIT)
			pm->event = VPM_RESET;
		return true;
	}
	if (port == VPM_CMOS_INDEX_PORT) {
		if (in)
			*val = pm->cmos_index;
		else
			pm->cmos_index = (uint8_t)*val;
		return true;
	}
	if (port == VPM_CMOS_DATA_PORT) {
		if (in)
			*val = cmos_read(pm, now);
		return true;
	}
	if (port < GACPI_PM1A_EVT_PORT || port >= GACPI_PM_TMR_PORT + 4)
		return false;
	if (!pm_block(pm, port, size, in, val, now)) {
		if (in)
			*val = 0; /* unaligned part of a block: reads as zero */
		return true;
	}
	if (in)
		*val &= mask;
	return true;
}
