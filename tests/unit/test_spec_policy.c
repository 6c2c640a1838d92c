// SPDX-License-Identifier: MIT
/* Which speculation barriers the world switch needs
 * (hypervisor/host/spec_policy.c), for CPU generations as they enumerate. */
#include <string.h>

#include <host/spec_policy.h>
#include "test.h"

static struct spec_barriers choose(struct spec_enum e)
{
	struct spec_barriers b;

	memset(&b, 0xa5, sizeof(b));
	spec_policy_choose(&e, &b);
	return b;
}

/* Skylake with current microcode: IBPB, MD_CLEAR and L1D_FLUSH, no
 * ARCH_CAPABILITIES: every barrier, the L1D flush standing in for VERW. */
static void test_skylake(void)
{
	struct spec_barriers b =
		choose((struct spec_enum){ .intel = true,
					   .ibpb = true,
					   .md_clear = true,
					   .l1d_flush = true });

	CHECK(b.ibpb_on_vm_switch && b.rsb_fill_on_exit);
	CHECK(b.l1d_flush_before_entry);
	CHECK(!b.verw_before_entry);
}

/* Cascade Lake: RDCL_NO, MDS_NO and SKIP_L1DFL_VMENTRY, but TAA is open:
 * no L1D flush, VERW stays. */
static void test_cascade_lake(void)
{
	struct spec_barriers b = choose((struct spec_enum){
		.intel = true,
		.ibpb = true,
		.md_clear = true,
		.l1d_flush = true,
		.arch_caps = ARCH_CAP_RDCL_NO | ARCH_CAP_MDS_NO |
			     ARCH_CAP_SKIP_L1DFL_VMENTRY });

	CHECK(!b.l1d_flush_before_entry);
	CHECK(b.verw_before_entry);
}

/* Ice Lake and later: not affected by any buffer leak, nor L1TF. */
static void test_unaffected(void)
{
	struct spec_barriers b = choose((struct spec_enum){
		.intel = true,
		.ibpb = true,
		.md_clear = true,
		.arch_caps = ARCH_CAP_RDCL_NO | ARCH_CAP_MDS_NO |
			     ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO |
			     ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO });
	char buf[256];
	struct spec_enum e = { .intel = true, .arch_caps = ARCH_CAP_RDCL_NO };

	CHECK(b.ibpb_on_vm_switch && b.rsb_fill_on_exit);
	CHECK(!b.l1d_flush_before_entry && !b.verw_before_entry);
	spec_policy_describe(&e, &b, buf, sizeof(buf));
	CHECK(strstr(buf, "not affected by L1TF") != NULL);
}

/* Old microcode: affected, but no way to flush: nothing to run, and the
 * log says the hole is open. */
static void test_old_microcode(void)
{
	struct spec_enum e = { .intel = true };
	struct spec_barriers b = choose(e);
	char buf[256];

	CHECK(!b.ibpb_on_vm_switch);
	CHECK(!b.l1d_flush_before_entry && !b.verw_before_entry);
	spec_policy_describe(&e, &b, buf, sizeof(buf));
	CHECK(strstr(buf, "L1TF open") != NULL);
	CHECK(strstr(buf, "MDS open") != NULL);
}

/* AMD: IBPB from 0x80000008, never L1TF or MDS. */
static void test_amd(void)
{
	struct spec_barriers b =
		choose((struct spec_enum){ .intel = false, .ibpb = true });

	CHECK(b.ibpb_on_vm_switch && b.rsb_fill_on_exit);
	CHECK(!b.l1d_flush_before_entry && !b.verw_before_entry);
}

int main(void)
{
	test_skylake();
	test_cascade_lake();
	test_unaffected();
	test_old_microcode();
	test_amd();
	return test_summary();
}
