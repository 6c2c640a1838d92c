// SPDX-License-Identifier: MIT
/* Which speculation barriers the world switch needs (host/spec_policy.h). */
#include <format.h>
#include <host/spec_policy.h>

/* Not affected by MDS, TAA or any MMIO stale-data variant. */
#define ARCH_CAP_NO_BUFFER_LEAKS                                     \
	(ARCH_CAP_MDS_NO | ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO | \
	 ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO)

static bool l1tf_affected(const struct spec_enum *e)
{
	return e->intel && !(e->arch_caps & ARCH_CAP_RDCL_NO) &&
	       !(e->arch_caps & ARCH_CAP_SKIP_L1DFL_VMENTRY);
}

static bool buffers_leak(const struct spec_enum *e)
{
	return e->intel && (e->arch_caps & ARCH_CAP_NO_BUFFER_LEAKS) !=
				   ARCH_CAP_NO_BUFFER_LEAKS;
}

void spec_policy_choose(const struct spec_enum *e, struct spec_barriers *b)
{
	b->ibpb_on_vm_switch = e->ibpb;
	b->rsb_fill_on_exit = true;
	b->l1d_flush_before_entry = l1tf_affected(e) && e->l1d_flush;
	b->verw_before_entry =
		buffers_leak(e) && e->md_clear && !b->l1d_flush_before_entry;
}

const char *spec_policy_describe(const struct spec_enum *e,
				 const struct spec_barriers *b, char *buf,
				 size_t n)
{
	snprintf(
		buf, n,
		"IBPB on VM switch: %s; RSB fill on exit: yes; L1D flush before entry: %s; VERW before entry: %s",
		b->ibpb_on_vm_switch ? "yes" : "no (the CPU has no IBPB)",
		b->l1d_flush_before_entry ? "yes" :
		!l1tf_affected(e)	  ? "no (not affected by L1TF)" :
				    "no (the CPU cannot flush: L1TF open)",
		b->verw_before_entry ? "yes" :
		b->l1d_flush_before_entry ?
				       "no (the L1D flush clears the buffers)" :
		!buffers_leak(e) ? "no (not affected by MDS/TAA/MMIO)" :
				   "no (no MD_CLEAR microcode: MDS open)");
	return buf;
}
