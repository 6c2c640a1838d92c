// SPDX-License-Identifier: MIT
/* The SPEC_CTRL/PRED_CMD model a guest sees (hypervisor/guest/spec_ctrl_msr.c). */
#include <guest/spec_ctrl_msr.h>
#include "test.h"

#define SPEC_CTRL 0x48
#define PRED_CMD 0x49

/* A host with IBRS, STIBP, SSBD and IBPB: the guest's SPEC_CTRL is its
 * own, reserved bits fault, PRED_CMD.IBPB asks for a barrier. */
static void test_full(void)
{
	struct spec_ctrl_caps c = {
		SPEC_CTRL_IBRS | SPEC_CTRL_STIBP | SPEC_CTRL_SSBD, true
	};
	uint64_t sc = 0, val = 99;

	CHECK_EQ(spec_ctrl_msr_read(&c, sc, SPEC_CTRL, &val), SPEC_MSR_OK);
	CHECK_EQ(val, 0);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, SPEC_CTRL, SPEC_CTRL_SSBD),
		 SPEC_MSR_OK);
	CHECK_EQ(sc, SPEC_CTRL_SSBD);
	CHECK_EQ(spec_ctrl_msr_read(&c, sc, SPEC_CTRL, &val), SPEC_MSR_OK);
	CHECK_EQ(val, SPEC_CTRL_SSBD);
	/* A reserved bit: #GP, the value stays. */
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, SPEC_CTRL, 1ull << 7),
		 SPEC_MSR_GP);
	CHECK_EQ(sc, SPEC_CTRL_SSBD);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, PRED_CMD, PRED_CMD_IBPB),
		 SPEC_MSR_IBPB);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, PRED_CMD, 0), SPEC_MSR_OK);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, PRED_CMD, 0x80), SPEC_MSR_GP);
	CHECK_EQ(spec_ctrl_msr_read(&c, sc, PRED_CMD, &val), SPEC_MSR_GP);
	CHECK_EQ(spec_ctrl_msr_read(&c, sc, 0x10, &val), SPEC_MSR_NOT_MINE);
}

/* A host with SSBD only (some AMD parts): only that bit is writable. */
static void test_partial(void)
{
	struct spec_ctrl_caps c = { SPEC_CTRL_SSBD, false };
	uint64_t sc = 0;

	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, SPEC_CTRL, SPEC_CTRL_IBRS),
		 SPEC_MSR_GP);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, SPEC_CTRL, SPEC_CTRL_SSBD),
		 SPEC_MSR_OK);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, PRED_CMD, PRED_CMD_IBPB),
		 SPEC_MSR_GP);
}

/* A host without any (the emulators here): both MSRs fault, as on a CPU
 * that lacks them, and CPUID says so too. */
static void test_none(void)
{
	struct spec_ctrl_caps c = { 0, false };
	uint64_t sc = 0, val;

	CHECK_EQ(spec_ctrl_msr_read(&c, sc, SPEC_CTRL, &val), SPEC_MSR_GP);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, SPEC_CTRL, 0), SPEC_MSR_GP);
	CHECK_EQ(spec_ctrl_msr_write(&c, &sc, PRED_CMD, PRED_CMD_IBPB),
		 SPEC_MSR_GP);
}

int main(void)
{
	test_full();
	test_partial();
	test_none();
	return test_summary();
}
