/* SPDX-License-Identifier: MIT */
/*
 * What a machine check means for corral and its VMs: pure logic over the
 * MCA registers that host/mce.c read (SDM Vol. 3B chapter 16, "Machine-
 * Check Architecture"; APM Vol. 2 chapter 9). unit.mce_policy tests it.
 *
 * The judgement, per logged error:
 *  - corrected (UC = 0): logged, nothing else;
 *  - processor context corrupt (PCC = 1): nothing on this CPU can go on,
 *    corral included: fatal;
 *  - uncorrected with a physical address (ADDRV, and MISC says the
 *    address is physical where MISCV is set): the memory there is
 *    poisoned; whoever owns it stops;
 *  - uncorrected and signalled by #MC, except what the CPU marks "action
 *    optional" (software recoverable, MCG_SER_P with S = 1, AR = 0, such
 *    as a patrol scrub finding): the code that ran consumed or caused it,
 *    so that context cannot go on. In a guest that is its VM; in corral
 *    it is fatal. The same when MCG_STATUS.RIPV = 0: the interrupted
 *    context cannot be resumed.
 */
#ifndef CORRAL_HOST_MCE_POLICY_H
#define CORRAL_HOST_MCE_POLICY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IA32_MCG_CAP (SDM Vol. 4, MSR 0x179). */
#define MCG_CAP_COUNT_MASK 0xffull
#define MCG_CAP_CTL_P (1ull << 8)
#define MCG_CAP_SER_P (1ull << 24) /* S and AR in MCi_STATUS mean that */

/* IA32_MCG_STATUS (MSR 0x17a). */
#define MCG_STATUS_RIPV (1ull << 0) /* the interrupted RIP can be resumed */
#define MCG_STATUS_EIPV (1ull << 1) /* RIP is where the error happened */
#define MCG_STATUS_MCIP (1ull << 2) /* an #MC is in progress */

/* IA32_MCi_STATUS (SDM Vol. 3B 16.3.2.2). Bits 56 and 55 are S and AR
 * only with MCG_CAP_SER_P (AMD defines them otherwise). */
#define MCI_STATUS_VAL (1ull << 63)
#define MCI_STATUS_OVER (1ull << 62)
#define MCI_STATUS_UC (1ull << 61)
#define MCI_STATUS_EN (1ull << 60)
#define MCI_STATUS_MISCV (1ull << 59)
#define MCI_STATUS_ADDRV (1ull << 58)
#define MCI_STATUS_PCC (1ull << 57)
#define MCI_STATUS_S (1ull << 56)
#define MCI_STATUS_AR (1ull << 55)

/* IA32_MCi_MISC bits 8:6, the address mode (SDM Vol. 3B 16.3.2.4). */
#define MCI_MISC_ADDR_MODE(misc) (((misc) >> 6) & 7)
#define MCI_MISC_ADDR_PHYSICAL 2

#define MCE_MAX_BANKS 32 /* corral looks at this many */

struct mce_bank_log {
	uint8_t bank;
	uint64_t status, addr, misc;
};

/* What one look at a CPU's MCA registers found. */
struct mce_record {
	uint32_t cpu;
	bool from_exception; /* an #MC (else a poll of the banks) */
	bool in_guest;	     /* the #MC interrupted guest code */
	uint64_t mcg_cap, mcg_status;
	uint32_t nr;
	struct mce_bank_log log[MCE_MAX_BANKS];
};

enum mce_severity {
	MCE_CORRECTED,
	MCE_ACTION_OPTIONAL, /* uncorrected, but nothing was consumed */
	MCE_UNCORRECTED,     /* the running context consumed or caused it */
	MCE_FATAL,	     /* processor context corrupt */
};

/* What to do about a whole record. */
struct mce_verdict {
	enum mce_severity worst;
	bool fatal;	   /* stop everything: corral cannot go on */
	bool stop_context; /* stop the VM that was running (in_guest) */
	uint32_t nr_poisoned;
	uint64_t poisoned[MCE_MAX_BANKS]; /* physical addresses */
	const char *why;		  /* for fatal or stop_context */
};

enum mce_severity mce_bank_severity(uint64_t mcg_cap, uint64_t status,
				    bool from_exception);
/* The physical address an error names, if it names one: true and *pa. */
bool mce_bank_address(const struct mce_bank_log *b, uint64_t *pa);
void mce_judge(const struct mce_record *r, struct mce_verdict *v);
const char *mce_severity_name(enum mce_severity s);

#endif
