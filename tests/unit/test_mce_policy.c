// SPDX-License-Identifier: MIT
/* What a machine check means (hypervisor/host/mce_policy.c): records as
 * Intel (with MCG_SER_P) and AMD CPUs report them. */
#include <host/mce_policy.h>
#include "test.h"

#define SER (MCG_CAP_SER_P | 10)
#define NO_SER 6ull /* AMD: six banks, S and AR mean something else */
#define VAL_EN (MCI_STATUS_VAL | MCI_STATUS_EN)
#define UC (VAL_EN | MCI_STATUS_UC)
#define MEM_ADDR (MCI_STATUS_ADDRV | MCI_STATUS_MISCV)
#define MISC_PHYS_PAGE ((MCI_MISC_ADDR_PHYSICAL << 6) | 12)
#define RIPV MCG_STATUS_RIPV
#define EIPV MCG_STATUS_EIPV
#define MCIP MCG_STATUS_MCIP

static struct mce_record one(uint64_t cap, uint64_t mcg, uint64_t status,
			     uint64_t addr, uint64_t misc, bool exc, bool guest)
{
	struct mce_record r = { .cpu = 1,
				.from_exception = exc,
				.in_guest = guest,
				.mcg_cap = cap,
				.mcg_status = mcg,
				.nr = 1 };

	r.log[0] = (struct mce_bank_log){
		.bank = 4, .status = status, .addr = addr, .misc = misc
	};
	return r;
}

static struct mce_verdict judge(struct mce_record r)
{
	struct mce_verdict v;

	mce_judge(&r, &v);
	return v;
}

/* A corrected error is logged and nothing else, wherever it was found:
 * "never panic for a corrected error". */
static void test_corrected(void)
{
	struct mce_verdict v = judge(one(SER, 0, VAL_EN | MEM_ADDR, 0x1234000,
					 MISC_PHYS_PAGE, false, false));

	CHECK(v.worst == MCE_CORRECTED);
	CHECK(!v.fatal && !v.stop_context && v.nr_poisoned == 0);
	/* Found while an #MC for something else was handled, in corral. */
	v = judge(one(SER, RIPV | MCIP, VAL_EN, 0, 0, true, false));
	CHECK(!v.fatal && !v.stop_context);
}

/* Processor context corrupt: nothing on the CPU can go on. */
static void test_pcc(void)
{
	struct mce_verdict v =
		judge(one(SER, MCIP, UC | MCI_STATUS_PCC, 0, 0, true, true));

	CHECK(v.worst == MCE_FATAL && v.fatal);
	v = judge(one(NO_SER, RIPV | MCIP, UC | MCI_STATUS_PCC, 0, 0, true,
		      false));
	CHECK(v.fatal);
}

/* A patrol scrub (S = 1, AR = 0) found poison: whoever owns the page
 * stops, the interrupted code goes on, even corral's. */
static void test_action_optional(void)
{
	uint64_t st = UC | MEM_ADDR | MCI_STATUS_S | 0xc0;
	struct mce_verdict v = judge(one(SER, RIPV | MCIP, st, 0x6d400abc,
					 MISC_PHYS_PAGE, true, false));

	CHECK(v.worst == MCE_ACTION_OPTIONAL);
	CHECK(!v.fatal && !v.stop_context);
	CHECK(v.nr_poisoned == 1 && v.poisoned[0] == 0x6d400000);
	/* The same in a guest: its VM is not blamed for it. */
	v = judge(one(SER, RIPV | MCIP, st, 0x6d400abc, MISC_PHYS_PAGE, true,
		      true));
	CHECK(!v.stop_context && v.nr_poisoned == 1);
	/* No address: nothing to do but log. */
	v = judge(one(SER, RIPV | MCIP, UC | MCI_STATUS_S, 0, 0, true, false));
	CHECK(!v.fatal && !v.stop_context && v.nr_poisoned == 0);
	/* UCNA (S = 0) found by the poll. */
	v = judge(one(SER, 0, UC | MEM_ADDR, 0x2000, MISC_PHYS_PAGE, false,
		      false));
	CHECK(!v.fatal && v.nr_poisoned == 1 && v.poisoned[0] == 0x2000);
}

/* Action required (S = 1, AR = 1): the code that ran consumed poison.
 * In a guest that VM stops; in corral it is fatal. */
static void test_action_required(void)
{
	uint64_t st = UC | MEM_ADDR | MCI_STATUS_S | MCI_STATUS_AR | 0x134;
	struct mce_verdict v = judge(one(SER, EIPV | MCIP, st, 0x5000040,
					 MISC_PHYS_PAGE, true, true));

	CHECK(v.worst == MCE_UNCORRECTED);
	CHECK(v.stop_context && !v.fatal);
	CHECK(v.nr_poisoned == 1 && v.poisoned[0] == 0x5000000);
	v = judge(one(SER, EIPV | MCIP, st, 0x5000040, MISC_PHYS_PAGE, true,
		      false));
	CHECK(v.fatal && !v.stop_context);
}

/* Without MCG_SER_P (AMD) an uncorrected error that raised #MC is the
 * running context's; one a poll finds was never signalled. Bits 56 and
 * 55 mean nothing here. */
static void test_no_ser(void)
{
	uint64_t st = UC | MCI_STATUS_ADDRV | MCI_STATUS_S;
	struct mce_verdict v =
		judge(one(NO_SER, RIPV | MCIP, st, 0x8000, 0, true, true));

	CHECK(v.stop_context && v.nr_poisoned == 1 && v.poisoned[0] == 0x8000);
	v = judge(one(NO_SER, 0, st, 0x8000, 0, false, false));
	CHECK(!v.fatal && !v.stop_context && v.nr_poisoned == 1);
}

/* RIPV = 0: the interrupted code cannot be resumed, whatever the banks. */
static void test_no_ripv(void)
{
	struct mce_verdict v =
		judge(one(SER, MCIP, UC | MCI_STATUS_S, 0, 0, true, true));

	CHECK(v.stop_context && !v.fatal);
	v = judge(one(SER, MCIP, UC | MCI_STATUS_S, 0, 0, true, false));
	CHECK(v.fatal);
	/* No bank at all, in a guest. */
	v = judge((struct mce_record){ .from_exception = true,
				       .in_guest = true,
				       .mcg_cap = SER,
				       .mcg_status = MCIP });
	CHECK(v.stop_context);
}

/* Only a physical address names memory: not a linear one, and the bits
 * below MISC's least significant valid bit are dropped. */
static void test_address(void)
{
	struct mce_bank_log b = { .status = UC | MEM_ADDR,
				  .addr = 0x12345678,
				  .misc = (1 << 6) | 12 }; /* linear */
	uint64_t pa = 1;

	CHECK(!mce_bank_address(&b, &pa) && pa == 1);
	b.misc = MISC_PHYS_PAGE;
	CHECK(mce_bank_address(&b, &pa) && pa == 0x12345000);
	b.misc = (MCI_MISC_ADDR_PHYSICAL << 6) | 63;
	CHECK(mce_bank_address(&b, &pa) && pa == 0);
	b.status = UC | MCI_STATUS_ADDRV; /* no MISC: the address as is */
	CHECK(mce_bank_address(&b, &pa) && pa == 0x12345678);
	b.status = UC;
	CHECK(!mce_bank_address(&b, &pa));
}

/* Two banks naming one page poison it once; the worst bank decides. */
static void test_two_banks(void)
{
	struct mce_record r =
		one(SER, RIPV | MCIP, UC | MEM_ADDR | MCI_STATUS_S, 0x7000010,
		    MISC_PHYS_PAGE, true, true);
	struct mce_verdict v;

	r.log[1] =
		(struct mce_bank_log){ .bank = 7,
				       .status = UC | MEM_ADDR | MCI_STATUS_S |
						 MCI_STATUS_AR,
				       .addr = 0x7000fff,
				       .misc = MISC_PHYS_PAGE };
	r.nr = 2;
	mce_judge(&r, &v);
	CHECK(v.worst == MCE_UNCORRECTED && v.stop_context);
	CHECK(v.nr_poisoned == 1 && v.poisoned[0] == 0x7000000);
}

int main(void)
{
	test_corrected();
	test_pcc();
	test_action_optional();
	test_action_required();
	test_no_ser();
	test_no_ripv();
	test_address();
	test_two_banks();
	return test_summary();
}
