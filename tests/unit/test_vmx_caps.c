// SPDX-License-Identifier: MIT
/*
 * VMX control computation from capability MSRs (vmx/vmx_caps.c). Proves, for
 * Bochs 2.7's corei7_skylake_x and a real Skylake client, the exact control
 * words corral programs, that every word obeys the SDM A.3-A.5 rule (all
 * allowed-0 bits set, no bit outside allowed-1), that the TRUE MSRs clear
 * CR3-load/store exiting, and that each missing required feature is refused
 * with a reason naming it, without overrunning a small `why` buffer.
 */
#include <vmx_caps.h>
#include <errno.h>
#include <string.h>
#include "test.h"

/* Measured by corral on Bochs 2.7, cpu model corei7_skylake_x. */
static const struct vmx_cap_msrs bochs_skx = {
	.basic = 0x00d810000000002bull,
	.pinbased = 0x7f00000016ull,
	.procbased = 0xf7f9fffe0401e172ull,
	.exit = 0x7fffff00036dffull,
	.entry = 0xffff000011ffull,
	.true_pinbased = 0x7f00000016ull,
	.true_procbased = 0xf7f9fffe04006172ull,
	.true_exit = 0x7fffff00036dfbull,
	.true_entry = 0xffff000011fbull,
	.procbased2 = 0x02177fff00000000ull,
	.ept_vpid = 0xf0106334141ull,
	.misc = 0x600401e0ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x3727ffull,
};

/* A real Intel Skylake client CPU. */
static const struct vmx_cap_msrs skylake = {
	.basic = 0x00da040000000004ull,
	.pinbased = 0x7f00000016ull,
	.procbased = 0xfff9fffe0401e172ull,
	.exit = 0x01ffffff00036dffull,
	.entry = 0x0003ffff000011ffull,
	.true_pinbased = 0x7f00000016ull,
	.true_procbased = 0xfff9fffe04006172ull,
	.true_exit = 0x01ffffff00036dfbull,
	.true_entry = 0x0003ffff000011fbull,
	.procbased2 = 0x005ffcff00000000ull,
	.ept_vpid = 0x00000f0106734141ull,
	.misc = 0x7004c1e7ull,
	.cr0_fixed0 = 0x80000021ull,
	.cr0_fixed1 = 0xffffffffull,
	.cr4_fixed0 = 0x2000ull,
	.cr4_fixed1 = 0x3767ffull,
};

/* SDM A.3: allowed-0 settings (low half) must be 1, allowed-1 settings
 * (high half) bound what may be 1. */
static bool obeys(uint32_t word, uint64_t cap)
{
	uint32_t must = (uint32_t)cap, may = (uint32_t)(cap >> 32);

	return (word & must) == must && (word & ~may) == 0;
}

static void check_obeys_all(const struct vmx_cap_msrs *c,
			    const struct vmx_controls *o)
{
	bool t = c->basic & VMX_BASIC_TRUE_CTLS;

	CHECK(obeys(o->pin, t ? c->true_pinbased : c->pinbased));
	CHECK(obeys(o->proc, t ? c->true_procbased : c->procbased));
	CHECK(obeys(o->proc2, c->procbased2));
	CHECK(obeys(o->exit, t ? c->true_exit : c->exit));
	CHECK(obeys(o->entry, t ? c->true_entry : c->entry));
	/* IA-32e mode guest, set per guest, is allowed to be 1. */
	CHECK(obeys(o->entry | ENTRY_IA32E_MODE_GUEST,
		    t ? c->true_entry : c->entry));
}

static void check_required(const struct vmx_controls *o)
{
	CHECK_EQ(o->pin & (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING),
		 PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING);
	CHECK(o->proc & PROC_HLT_EXITING);
	CHECK(o->proc & PROC_MWAIT_EXITING);
	CHECK(o->proc & PROC_MONITOR_EXITING);
	CHECK(o->proc & PROC_RDPMC_EXITING);
	CHECK(o->proc & PROC_USE_IO_BITMAPS);
	CHECK(o->proc & PROC_USE_MSR_BITMAPS);
	CHECK(o->proc & PROC_ACTIVATE_SECONDARY);
	CHECK(!(o->proc & PROC_UNCONDITIONAL_IO_EXITING));
	CHECK(!(o->proc & PROC_RDTSC_EXITING));
	CHECK(!(o->proc & PROC_INVLPG_EXITING));
	CHECK(!(o->proc & PROC_MOV_DR_EXITING));
	CHECK(o->proc2 & PROC2_ENABLE_EPT);
	CHECK(o->proc2 & PROC2_UNRESTRICTED_GUEST); /* both CPUs have it */
	CHECK(o->unrestricted);
	CHECK(o->exit & EXIT_HOST_ADDR_SPACE_SIZE);
	CHECK(o->exit & EXIT_ACK_INTERRUPT_ON_EXIT);
	CHECK_EQ(o->exit & (EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT |
			    EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER),
		 EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_EFER |
			 EXIT_LOAD_IA32_EFER);
	CHECK_EQ(o->entry & (ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER),
		 ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_EFER);
	CHECK(!(o->entry & ENTRY_IA32E_MODE_GUEST));
	CHECK(o->ept_wb);
}

static void test_bochs_skylake_x(void)
{
	struct vmx_controls o;
	char why[128] = "untouched";

	CHECK_EQ(vmx_compute_controls(&bochs_skx, &o, why, sizeof(why)), 0);
	CHECK_EQ(o.pin, 0x7f);
	CHECK_EQ(o.proc, 0xb6186df2);
	CHECK_EQ(o.proc2, 0x10aa);
	CHECK_EQ(o.exit, 0x3fefff);
	/* 0xc004 wanted | 0x11fb allowed-0; bit 9 (IA-32e) is not set. */
	CHECK_EQ(o.entry, 0xd1ff);
	CHECK(o.preemption_timer);
	CHECK_EQ(o.preemption_timer_rate, 0);
	CHECK(o.vpid);
	CHECK(o.invpcid);
	CHECK(o.rdtscp);
	CHECK(o.ept_2m);
	CHECK(!(o.proc & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING)));
	/* Bochs cannot do MTF (bit 27 not allowed); corral never asks for it. */
	CHECK(!(o.proc & PROC_MONITOR_TRAP_FLAG));
	check_required(&o);
	check_obeys_all(&bochs_skx, &o);
	CHECK(strcmp(why, "untouched") == 0); /* success leaves `why` alone */
}

static void test_real_skylake(void)
{
	struct vmx_controls o;
	char why[128];

	CHECK_EQ(vmx_compute_controls(&skylake, &o, why, sizeof(why)), 0);
	check_required(&o);
	check_obeys_all(&skylake, &o);
	/* The legacy MSR forces CR3 exiting (allowed-0 bits 15, 16)... */
	CHECK_EQ(skylake.procbased & 0x18000, 0x18000);
	/* ...the TRUE MSR lets corral clear them. */
	CHECK(!(o.proc & PROC_CR3_LOAD_EXITING));
	CHECK(!(o.proc & PROC_CR3_STORE_EXITING));
	CHECK(!(o.proc & PROC_UNCONDITIONAL_IO_EXITING));
	CHECK(o.proc & PROC_USE_IO_BITMAPS);
	CHECK(o.proc & PROC_USE_MSR_BITMAPS);
	CHECK_EQ(o.pin, 0x7f);
	CHECK_EQ(o.proc, 0xb6186df2);
	CHECK_EQ(o.proc2, 0x10aa);
	CHECK_EQ(o.exit, 0x3fefff);
	CHECK_EQ(o.entry, 0xd1ff);
	CHECK(o.preemption_timer);
	CHECK_EQ(o.preemption_timer_rate, 7);
	CHECK(o.vpid);
	CHECK(o.invpcid);
	CHECK(o.rdtscp);
	CHECK(o.ept_2m);
}

static int compute_modified(const struct vmx_cap_msrs *c,
			    struct vmx_controls *o, char *why, size_t n)
{
	memset(why, 0, n);
	return vmx_compute_controls(c, o, why, n);
}

static void test_no_ept(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	c.procbased2 &= ~((uint64_t)PROC2_ENABLE_EPT << 32);
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "EPT") != NULL);
	CHECK(strstr(why, "secondary") != NULL);
}

static void test_no_true_controls(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	/* The TRUE MSRs must now be ignored, even nonsense in them. */
	c.true_procbased = 0;
	c.true_pinbased = 0;
	c.true_exit = 0;
	c.true_entry = 0;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
	/* Works, just slower: the default-1 CR3 exits stay on. */
	CHECK(o.proc & PROC_CR3_LOAD_EXITING);
	CHECK(o.proc & PROC_CR3_STORE_EXITING);
	CHECK_EQ(o.proc, 0xb6186df2 | 0x18000);
	CHECK_EQ(o.pin, 0x7f);
	CHECK_EQ(o.exit, 0x3fefff);
	CHECK_EQ(o.entry, 0xd1ff);
	check_obeys_all(&c, &o);
}

static void test_vmcs_memtype(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	c.basic &= ~(0xfull << VMX_BASIC_MEMTYPE_SHIFT); /* uncacheable */
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "write-back") != NULL);
}

static void test_invept(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	c.ept_vpid &= ~EPT_CAP_INVEPT;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "INVEPT") != NULL);

	/* INVEPT with neither single- nor all-context type. */
	c = skylake;
	c.ept_vpid &= ~(EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL);
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "INVEPT") != NULL);

	/* All-context only: vmx_vcpu.c flushes single-context, so refuse. */
	c = skylake;
	c.ept_vpid &= ~EPT_CAP_INVEPT_SINGLE;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "single-context") != NULL);

	/* Single-context only is enough. */
	c = skylake;
	c.ept_vpid &= ~EPT_CAP_INVEPT_ALL;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
}

static void test_ept_walk_and_wb(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	c.ept_vpid &= ~EPT_CAP_WALK_4;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "4-level") != NULL);
	c = skylake;
	c.ept_vpid &= ~EPT_CAP_WB;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
	CHECK(strstr(why, "write-back") != NULL);
	/* No 2 MiB pages: still fine, just 4 KiB mappings. */
	c = skylake;
	c.ept_vpid &= ~EPT_CAP_2M;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
	CHECK(!o.ept_2m);
}

static void test_no_invvpid(void)
{
	struct vmx_cap_msrs c = bochs_skx;
	struct vmx_controls o;
	char why[128];

	c.ept_vpid &= ~VPID_CAP_INVVPID;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
	CHECK(!o.vpid);
	CHECK_EQ(o.proc2, 0x10aa & ~PROC2_ENABLE_VPID);

	/* INVVPID without the single-context type corral uses: no VPID. */
	c = bochs_skx;
	c.ept_vpid &= ~VPID_CAP_INVVPID_SINGLE;
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
	CHECK(!o.vpid);
}

static void test_optional_absent(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	char why[128];

	/* No preemption timer, RDTSCP, INVPCID or VPID: all optional here
	 * (vmx_cpu.c decides whether it can live without the timer). */
	c.true_pinbased &= ~((uint64_t)PIN_PREEMPTION_TIMER << 32);
	c.procbased2 &=
		~((uint64_t)(PROC2_ENABLE_RDTSCP | PROC2_ENABLE_INVPCID |
			     PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST)
		  << 32);
	CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), 0);
	CHECK(!o.preemption_timer);
	CHECK(!o.unrestricted); /* then VMs get one vCPU (vm.c) */
	CHECK_EQ(o.pin, 0x3f);
	CHECK(!o.rdtscp);
	CHECK(!o.invpcid);
	CHECK(!o.vpid);
	CHECK_EQ(o.proc2, PROC2_ENABLE_EPT);
}

static void test_missing_required(void)
{
	static const struct {
		int which; /* 0 pin, 1 proc, 2 exit, 3 entry */
		uint32_t bit;
		const char *name;
	} cases[] = {
		{ 0, PIN_EXTERNAL_INTERRUPT_EXITING, "external-interrupt" },
		{ 0, PIN_NMI_EXITING, "NMI exiting" },
		{ 1, PROC_HLT_EXITING, "HLT" },
		{ 1, PROC_USE_IO_BITMAPS, "I/O bitmaps" },
		{ 1, PROC_USE_MSR_BITMAPS, "MSR bitmaps" },
		{ 1, PROC_ACTIVATE_SECONDARY, "secondary controls" },
		{ 2, EXIT_HOST_ADDR_SPACE_SIZE, "64-bit host" },
		{ 2, EXIT_LOAD_IA32_EFER, "load IA32_EFER" },
		{ 3, ENTRY_LOAD_IA32_PAT, "load IA32_PAT" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vmx_cap_msrs c = skylake;
		uint64_t *msr[] = { &c.true_pinbased, &c.true_procbased,
				    &c.true_exit, &c.true_entry };
		struct vmx_controls o;
		char why[128];

		*msr[cases[i].which] &= ~((uint64_t)cases[i].bit << 32);
		CHECK_EQ(compute_modified(&c, &o, why, sizeof(why)), -ENOTSUP);
		if (!strstr(why, cases[i].name))
			fprintf(stderr, "case %zu: why \"%s\"\n", i, why);
		CHECK(strstr(why, cases[i].name) != NULL);
		CHECK(strstr(why, "the CPU lacks") == why);
	}
}

static void test_small_why(void)
{
	struct vmx_cap_msrs c = skylake;
	struct vmx_controls o;
	const char *want = "the CPU lacks the required VMX control: "
			   "MSR bitmaps (primary bit 28)";
	size_t len = strlen(want);
	char buf[32], big[128];

	c.true_procbased &= ~((uint64_t)PROC_USE_MSR_BITMAPS << 32);
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(vmx_compute_controls(&c, &o, buf, 8), -ENOTSUP);
	CHECK_EQ(buf[7], '\0');
	CHECK_EQ(strlen(buf), 7);
	CHECK(memcmp(buf, "the CPU", 7) == 0);
	for (size_t i = 8; i < sizeof(buf); i++)
		CHECK_EQ(buf[i], 'X');

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(vmx_compute_controls(&c, &o, buf, 1), -ENOTSUP);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], 'X');

	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(vmx_compute_controls(&c, &o, buf, 0), -ENOTSUP);
	CHECK_EQ(buf[0], 'X');

	/* The memory-type message (empty suffix) truncates the same way. */
	c = skylake;
	c.basic &= ~(0xfull << VMX_BASIC_MEMTYPE_SHIFT);
	memset(buf, 'X', sizeof(buf));
	CHECK_EQ(vmx_compute_controls(&c, &o, buf, 8), -ENOTSUP);
	CHECK(memcmp(buf, "VMCS me\0", 8) == 0);
	CHECK_EQ(buf[8], 'X');

	/* Exactly fitting (prefix + name + NUL), and one byte short. */
	c = skylake;
	c.true_procbased &= ~((uint64_t)PROC_USE_MSR_BITMAPS << 32);
	memset(big, 'X', sizeof(big));
	CHECK_EQ(vmx_compute_controls(&c, &o, big, len + 1), -ENOTSUP);
	CHECK(strcmp(big, want) == 0);
	CHECK_EQ(big[len + 1], 'X');
	memset(big, 'X', sizeof(big));
	CHECK_EQ(vmx_compute_controls(&c, &o, big, len), -ENOTSUP);
	CHECK_EQ(strlen(big), len - 1);
	CHECK(memcmp(big, want, len - 1) == 0);
	CHECK_EQ(big[len], 'X');
}

static void test_fix_cr(void)
{
	/* CR0: PE, NE, PG forced on (Bochs fixed0 0x80000021); CD|NW|ET kept. */
	CHECK_EQ(vmx_fix_cr(0x60000010, bochs_skx.cr0_fixed0,
			    bochs_skx.cr0_fixed1),
		 0xe0000031);
	CHECK_EQ(vmx_fix_cr(0x80050033, bochs_skx.cr0_fixed0,
			    bochs_skx.cr0_fixed1),
		 0x80050033);
	/* Bits above 31 are not allowed by a 32-bit fixed1. */
	CHECK_EQ(vmx_fix_cr(0x100000001ull, bochs_skx.cr0_fixed0,
			    bochs_skx.cr0_fixed1),
		 0x80000021);
	/* CR4: VMXE forced on; PKE (22) and CET (23) outside fixed1 go. */
	CHECK_EQ(vmx_fix_cr(0x20, bochs_skx.cr4_fixed0, bochs_skx.cr4_fixed1),
		 0x2020);
	CHECK_EQ(vmx_fix_cr(0xc006f0, bochs_skx.cr4_fixed0,
			    bochs_skx.cr4_fixed1),
		 0x0026f0);
	/* The Skylake client (fixed1 0x3767ff) allows SMXE (bit 14), Bochs
	 * (0x3727ff) does not; neither allows PKE (bit 22). */
	CHECK_EQ(vmx_fix_cr(0x4020, skylake.cr4_fixed0, skylake.cr4_fixed1),
		 0x6020);
	CHECK_EQ(vmx_fix_cr(0x4020, bochs_skx.cr4_fixed0, bochs_skx.cr4_fixed1),
		 0x2020);
	CHECK_EQ(vmx_fix_cr(0x4006f0, skylake.cr4_fixed0, skylake.cr4_fixed1),
		 0x0026f0);
	/* SMEP/SMAP (20, 21) are allowed on both. */
	CHECK_EQ(vmx_fix_cr(0x300000, bochs_skx.cr4_fixed0,
			    bochs_skx.cr4_fixed1),
		 0x302000);
}

int main(void)
{
	test_bochs_skylake_x();
	test_real_skylake();
	test_no_ept();
	test_no_true_controls();
	test_vmcs_memtype();
	test_invept();
	test_ept_walk_and_wb();
	test_no_invvpid();
	test_optional_absent();
	test_missing_required();
	test_small_why();
	test_fix_cr();
	return test_summary();
}
