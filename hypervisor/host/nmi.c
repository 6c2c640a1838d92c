// SPDX-License-Identifier: MIT
/* Host NMIs (host/nmi.h). */
#include <arch/x86.h>
#include <host/log.h>
#include <host/nmi.h>
#include <host/percpu.h>

/* NMI Status and Control (port 0x61 on PC chipsets): bit 7 SERR# NMI
 * source, bit 6 IOCHK# NMI source (ICH/PCH datasheets, "NMI_SC"). */
#define PORT_NMI_SC 0x61
#define NMI_SC_SERR (1u << 7)
#define NMI_SC_IOCHK (1u << 6)

void host_nmi_received(void)
{
	struct percpu *pc = this_cpu();

	pc->nmi_status = inb(PORT_NMI_SC);
	__atomic_add_fetch(&pc->nmi_count, 1, __ATOMIC_RELAXED);
}

static const char *nmi_source(uint8_t sc)
{
	if (sc & NMI_SC_SERR)
		return "SERR# from a PCI device or the chipset";
	if (sc & NMI_SC_IOCHK)
		return "IOCHK# (an I/O channel check)";
	return "no chipset source: an NMI IPI, the BMC or firmware";
}

void host_nmi_report(void)
{
	struct percpu *pc = this_cpu();
	uint64_t n = __atomic_load_n(&pc->nmi_count, __ATOMIC_RELAXED);

	if (n == pc->nmi_reported)
		return;
	pr_warn("host NMI on cpu %u (%llu in all; port 0x61 = 0x%02x: %s); corral carries on",
		pc->cpu_id, (unsigned long long)n, pc->nmi_status,
		nmi_source(pc->nmi_status));
	pc->nmi_reported = n;
}
