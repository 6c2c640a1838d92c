/* SPDX-License-Identifier: MIT */
/*
 * The VM's fixed ACPI hardware (PM1a event/control blocks, the PM timer),
 * the PCI-style reset port 0xcf9 and a CMOS RTC at 0x70/0x71: the legacy
 * platform pieces that the FADT (guest_acpi.c) promises. Pure logic.
 */
#ifndef CORRAL_VPM_H
#define CORRAL_VPM_H
#include <stdint.h>
#include <stdbool.h>

#define VPM_CMOS_INDEX_PORT 0x70
#define VPM_CMOS_DATA_PORT 0x71

enum vpm_event { VPM_NONE, VPM_POWEROFF, VPM_RESET };

struct vpm {
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint64_t tsc_base;   /* TSC at which the PM timer read 0 */
	uint64_t pmtmr_mult; /* PM ticks per TSC tick, 32.32 fixed point */
	uint64_t tsc_hz;
	uint64_t wall_base; /* Unix seconds at tsc_base */
	uint8_t cmos_index;
	enum vpm_event event; /* latched until the core acts on it */
};

void vpm_init(struct vpm *pm, uint64_t tsc_hz, uint64_t now, uint64_t wall);
/* Returns true if the port is one of the vPM's; *val is read or written. */
bool vpm_io(struct vpm *pm, uint16_t port, uint8_t size, bool in, uint32_t *val,
	    uint64_t now);
uint32_t vpm_timer(const struct vpm *pm, uint64_t now);

#endif
