// SPDX-License-Identifier: MIT
/* What a machine check means (host/mce_policy.h). Pure. */
#include <host/mce_policy.h>

#define MCI_MISC_LSB(misc) ((misc)&0x3f)

enum mce_severity mce_bank_severity(uint64_t mcg_cap, uint64_t status,
				    bool from_exception)
{
	bool ser = mcg_cap & MCG_CAP_SER_P;

	if (!(status & MCI_STATUS_UC))
		return MCE_CORRECTED;
	if (status & MCI_STATUS_PCC)
		return MCE_FATAL;
	/* SDM Vol. 3B 16.6.3: S = 1, AR = 0 is "software recoverable
	 * action optional"; S = 0 is UCNA, reported without an #MC. */
	if (ser && (!(status & MCI_STATUS_S) || !(status & MCI_STATUS_AR)))
		return MCE_ACTION_OPTIONAL;
	/* Without MCG_SER_P (AMD, older Intel) an uncorrected error that
	 * raised #MC belongs to the code that ran; one found by a poll was
	 * not signalled and touched nothing. */
	return from_exception ? MCE_UNCORRECTED : MCE_ACTION_OPTIONAL;
}

bool mce_bank_address(const struct mce_bank_log *b, uint64_t *pa)
{
	uint64_t lsb = 0;

	if (!(b->status & MCI_STATUS_ADDRV))
		return false;
	if (b->status & MCI_STATUS_MISCV) {
		if (MCI_MISC_ADDR_MODE(b->misc) != MCI_MISC_ADDR_PHYSICAL)
			return false; /* a segment offset or linear address */
		lsb = MCI_MISC_LSB(b->misc);
	}
	/* Bits below the least significant valid one carry nothing. */
	*pa = lsb >= 64 ? 0 : b->addr & ~((1ull << lsb) - 1);
	return true;
}

static void poison(struct mce_verdict *v, uint64_t pa)
{
	for (uint32_t i = 0; i < v->nr_poisoned; i++)
		if (v->poisoned[i] == pa)
			return;
	if (v->nr_poisoned < MCE_MAX_BANKS)
		v->poisoned[v->nr_poisoned++] = pa;
}

void mce_judge(const struct mce_record *r, struct mce_verdict *v)
{
	*v = (struct mce_verdict){ .worst = MCE_CORRECTED };
	for (uint32_t i = 0; i < r->nr && i < MCE_MAX_BANKS; i++) {
		const struct mce_bank_log *b = &r->log[i];
		enum mce_severity s = mce_bank_severity(r->mcg_cap, b->status,
							r->from_exception);
		uint64_t pa;

		if (s > v->worst)
			v->worst = s;
		if (s != MCE_CORRECTED && mce_bank_address(b, &pa))
			poison(v, pa);
	}
	if (v->worst == MCE_FATAL) {
		v->fatal = true;
		v->why = "processor context corrupt (PCC)";
		return;
	}
	if (r->from_exception && !(r->mcg_status & MCG_STATUS_RIPV)) {
		v->why = "the interrupted code cannot be resumed (RIPV = 0)";
		v->fatal = !r->in_guest;
		v->stop_context = r->in_guest;
		return;
	}
	if (v->worst == MCE_UNCORRECTED) {
		v->why = "the code that ran consumed an uncorrected error";
		v->fatal = !r->in_guest;
		v->stop_context = r->in_guest;
	}
}

const char *mce_severity_name(enum mce_severity s)
{
	switch (s) {
	case MCE_CORRECTED:
		return "corrected";
	case MCE_ACTION_OPTIONAL:
		return "uncorrected, action optional";
	case MCE_UNCORRECTED:
		return "uncorrected";
	case MCE_FATAL:
		return "fatal";
	}
	return "?";
}
