// SPDX-License-Identifier: MIT
/* The speculation-control MSRs a guest sees (guest/spec_ctrl_msr.h). */
#include <arch/msr.h>
#include <guest/spec_ctrl_msr.h>

enum spec_msr_result spec_ctrl_msr_read(const struct spec_ctrl_caps *c,
					uint64_t spec_ctrl, uint32_t msr,
					uint64_t *val)
{
	if (msr == MSR_IA32_PRED_CMD)
		return SPEC_MSR_GP; /* write-only */
	if (msr != MSR_IA32_SPEC_CTRL)
		return SPEC_MSR_NOT_MINE;
	if (!c->spec_ctrl_bits)
		return SPEC_MSR_GP;
	*val = spec_ctrl;
	return SPEC_MSR_OK;
}

enum spec_msr_result spec_ctrl_msr_write(const struct spec_ctrl_caps *c,
					 uint64_t *spec_ctrl, uint32_t msr,
					 uint64_t val)
{
	if (msr == MSR_IA32_PRED_CMD) {
		if (!c->ibpb || (val & ~PRED_CMD_IBPB))
			return SPEC_MSR_GP;
		return val ? SPEC_MSR_IBPB : SPEC_MSR_OK;
	}
	if (msr != MSR_IA32_SPEC_CTRL)
		return SPEC_MSR_NOT_MINE;
	if (!c->spec_ctrl_bits || (val & ~c->spec_ctrl_bits))
		return SPEC_MSR_GP;
	*spec_ctrl = val;
	return SPEC_MSR_OK;
}
