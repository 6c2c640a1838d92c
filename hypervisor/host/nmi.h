/* SPDX-License-Identifier: MIT */
/*
 * Host NMIs: platform errors (SERR#, IOCHK), a BMC's diagnostic NMI or
 * firmware-first PCIe error reports. None of them ends a pCPU: the
 * handler only counts, and the count is logged later from normal context
 * (an NMI may arrive while this CPU holds the console lock).
 */
#ifndef CORRAL_HOST_NMI_H
#define CORRAL_HOST_NMI_H

/* The IDT vector 2 handler (host_nmi_stub in exceptions.S). Also what a
 * VT-x NMI exit runs, through INT 2. NMI context: no locks. */
void host_nmi_received(void);

/* Logs the NMIs this CPU took since the last call, if any. Cheap. */
void host_nmi_report(void);

#endif
