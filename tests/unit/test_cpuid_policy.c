// SPDX-License-Identifier: MIT
/*
 * Guest CPUID (hypervisor/cpuid_policy.c) over fake Intel-like and AMD-like
 * hosts. Proves VMX and SVM are never visible; the hypervisor, x2APIC and
 * TSC-deadline bits are set; MCE/MCA/MTRR, XSAVE/AVX, PMU and power leaves
 * are hidden (leaf 6 shows only ARAT); leaf 7 is an allow-list where INVPCID
 * follows policy.invpcid and RDPID, like RDTSCP, follows policy.rdtscp;
 * leaf 0xB and leaf 1 describe 1 or 4 vCPUs and the APIC id; the CorralHV
 * and KVMKVMKVM signatures and the kvmclock feature bits (3, 24); leaves
 * above the maxima read zero; the brand string passes through.
 */
#include <guest/cpuid_policy.h>
#include <string.h>
#include "test.h"

#define BIT(n) (1u << (n))

struct fake_leaf {
	uint32_t leaf, sub;
	struct cpuid_regs r;
};

static const struct fake_leaf *host_table;
static int host_calls;

static struct cpuid_regs sig_regs(uint32_t eax, const char *s)
{
	struct cpuid_regs r = { eax, 0, 0, 0 };

	/* Vendor strings are EBX, EDX, ECX. */
	memcpy(&r.ebx, s, 4);
	memcpy(&r.edx, s + 4, 4);
	memcpy(&r.ecx, s + 8, 4);
	return r;
}

/* "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz" as leaves 0x80000002-4. */
/* clang-format off */
#define BRAND0 { 0x65746e49, 0x2952286c, 0x726f4320, 0x4d542865 }
#define BRAND1 { 0x37692029, 0x3037362d, 0x50432030, 0x20402055 }
#define BRAND2 { 0x30342e33, 0x007a4847, 0x00000000, 0x00000000 }
/* clang-format on */

/* Everything set that a host might set, so that the filter must act. */
/* clang-format off */
static struct fake_leaf intel[] = {
	{ 0, 0, { 0 } },	/* filled with "GenuineIntel" in main() */
	{ 1, 0, { 0x000906ea, 0x0b100800, 0xfffaf3bf | BIT(5), 0xbfebfbff } },
	{ 4, 0, { 0x1c004121, 0x01c0003f, 0x3f, 0 } },
	{ 5, 0, { 0x40, 0x40, 3, 0x11142120 } },
	{ 6, 0, { 0x27f7, 2, 9, 0 } },
	{ 7, 0, { 0, 0x029c6fbf | BIT(5) | BIT(16) | BIT(2),
		  BIT(2) | BIT(3) | BIT(4) | BIT(22) | BIT(1),
		  BIT(4) | BIT(10) | BIT(14) | BIT(26) | BIT(27) | BIT(28) |
		  BIT(29) | BIT(31) } },
	{ 0xa, 0, { 0x07300404, 0, 0, 0x603 } },
	{ 0xb, 0, { 1, 2, 0x100, 7 } },
	{ 0xb, 1, { 4, 8, 0x201, 7 } },
	{ 0xd, 0, { 0x1f, 0x440, 0x440, 0 } },
	{ 0x16, 0, { 3400, 4000, 100, 0 } },
	{ 0x80000000u, 0, { 0x80000008u, 0, 0, 0 } },
	{ 0x80000001u, 0, { 0, 0, 0x121 | BIT(2), 0x2c100800 } },
	{ 0x80000002u, 0, BRAND0 },
	{ 0x80000003u, 0, BRAND1 },
	{ 0x80000004u, 0, BRAND2 },
	{ 0x80000006u, 0, { 0, 0, 0x01006040, 0 } },
	{ 0x80000007u, 0, { 0, 0, 0, 0x100 } },
	{ 0x80000008u, 0, { 0x3027, 0x100, 0, 0 } },
	{ ~0u, 0, { 0 } }
};
/* clang-format on */

/* clang-format off */
static struct fake_leaf amd[] = {
	{ 0, 0, { 0 } },	/* "AuthenticAMD" */
	{ 1, 0, { 0x00870f10, 0x000c0800, 0x7ed8320b, 0x178bfbff } },
	{ 6, 0, { 4, 0, 1, 0 } },
	{ 7, 0, { 0, 0x219c91a9, BIT(22), 0x10 } },
	{ 0xb, 0, { 1, 2, 0x100, 0 } },
	{ 0xd, 0, { 0x207, 0x340, 0x380, 0 } },
	{ 0x80000000u, 0, { 0x80000020u, 0, 0, 0 } },	/* vendor filled */
	{ 0x80000001u, 0, { 0x00870f10, 0x20000000, 0x75c237ff, 0x2fd3fbff } },
	{ 0x80000002u, 0, { 0x20444d41, 0x657a7952, 0x2037206e, 0x30303733 } },
	{ 0x80000003u, 0, { 0x2d382058, 0x65726f43, 0x6f725020, 0x73736563 } },
	{ 0x80000004u, 0, { 0x2020726f, 0x20202020, 0x20202020, 0x00202020 } },
	{ 0x80000007u, 0, { 0, 0x3b, 0, 0x6799 } },
	{ 0x80000008u, 0, { 0x3030, 0x010eb757, 0x700f, 0x10000 } },
	{ 0x8000000au, 0, { 1, 0x8000, 0, 0x13bbfff } },
	{ 0x8000001fu, 0, { 0x1, 0xb3, 0, 0 } },
	{ ~0u, 0, { 0 } }
};
/* clang-format on */

static struct fake_leaf *find(struct fake_leaf *t, uint32_t leaf)
{
	for (; t->leaf != ~0u; t++)
		if (t->leaf == leaf)
			return t;
	return NULL;
}

static struct cpuid_regs fake_host(uint32_t leaf, uint32_t sub)
{
	host_calls++;
	for (const struct fake_leaf *f = host_table; f->leaf != ~0u; f++)
		if (f->leaf == leaf && f->sub == sub)
			return f->r;
	return (struct cpuid_regs){ 0, 0, 0, 0 };
}

static struct cpuid_regs q(uint32_t leaf, uint32_t sub,
			   const struct cpuid_policy *p)
{
	return cpuid_guest(leaf, sub, p, fake_host);
}

static const struct cpuid_policy one = {
	.apic_id = 0,
	.nr_vcpus = 1,
	.hypercall_abi = 1,
};

static void test_vendor_and_max(void)
{
	static const uint32_t hidden[] = { 2,	 3,    4,	  5,   8,
					   9,	 0xa,  0xc,	  0xd, 0x14,
					   0x16, 0x1f, 0x3fffffff };
	static const uint32_t ext_hidden[] = { 0x80000005u, 0x80000006u,
					       0x80000009u, 0x8000000au,
					       0x80000020u, 0xc0000000u,
					       0xffffffffu, 0x50000000u };
	struct cpuid_regs r;

	host_table = intel;
	r = q(0, 0, &one);
	CHECK_EQ(r.eax, 0xb); /* not the host's 0x16 */
	CHECK(memcmp(&r.ebx, "Genu", 4) == 0);
	CHECK(memcmp(&r.edx, "ineI", 4) == 0);
	CHECK(memcmp(&r.ecx, "ntel", 4) == 0);
	/* Leaves above the guest's maximum, or hidden, read zero. */
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++) {
		r = q(hidden[i], 0, &one);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	r = q(0x80000000u, 0, &one);
	CHECK_EQ(r.eax, 0x80000008u);
	for (size_t i = 0; i < sizeof(ext_hidden) / sizeof(ext_hidden[0]);
	     i++) {
		r = q(ext_hidden[i], 0, &one);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}

	/* AMD: the extended maximum is clamped to 0x80000008. */
	host_table = amd;
	r = q(0, 0, &one);
	CHECK_EQ(r.eax, 0xb);
	CHECK(memcmp(&r.ebx, "Auth", 4) == 0);
	r = q(0x80000000u, 0, &one);
	CHECK_EQ(r.eax, 0x80000008u);
	CHECK(memcmp(&r.ebx, "Auth", 4) == 0);
	/* SVM features and SEV leaves are hidden even though the host has them. */
	r = q(0x8000000au, 0, &one);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = q(0x8000001fu, 0, &one);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
}

static void check_leaf1_common(const struct cpuid_regs *r,
			       const struct cpuid_regs *h)
{
	/* Basic features the host has pass: FPU, TSC, MSR, PAE, APIC,
	 * CMOV, PAT, CLFLUSH, FXSR, SSE, SSE2. */
	const uint32_t basic = BIT(0) | BIT(4) | BIT(5) | BIT(6) | BIT(9) |
			       BIT(15) | BIT(16) | BIT(19) | BIT(24) | BIT(25) |
			       BIT(26);

	CHECK(!(r->ecx & BIT(5)));  /* VMX */
	CHECK(r->ecx & BIT(31));    /* hypervisor */
	CHECK(r->ecx & BIT(21));    /* x2APIC */
	CHECK(r->ecx & BIT(24));    /* TSC-deadline */
	CHECK(!(r->ecx & BIT(26))); /* XSAVE */
	CHECK(!(r->ecx & BIT(27))); /* OSXSAVE */
	CHECK(!(r->ecx & BIT(28))); /* AVX */
	CHECK(!(r->ecx & BIT(12))); /* FMA (needs AVX) */
	CHECK(!(r->ecx & BIT(29))); /* F16C (needs AVX) */
	CHECK(!(r->ecx & BIT(3)));  /* MONITOR/MWAIT */
	CHECK(!(r->ecx & BIT(7)));  /* EIST */
	CHECK(!(r->ecx & BIT(6)));  /* SMX */
	CHECK(!(r->ecx & BIT(15))); /* PDCM */
	CHECK(!(r->edx & BIT(7)));  /* MCE */
	CHECK(!(r->edx & BIT(12))); /* MTRR */
	CHECK(!(r->edx & BIT(14))); /* MCA */
	CHECK(!(r->edx & BIT(21))); /* DS */
	CHECK(!(r->edx & BIT(22))); /* ACPI thermal */
	CHECK(!(r->edx & BIT(29))); /* TM */
	CHECK_EQ(r->edx & basic, h->edx & basic);
	CHECK_EQ(r->eax, h->eax);		    /* family/model/stepping */
	CHECK_EQ(r->ebx & 0xffff, h->ebx & 0xffff); /* CLFLUSH size, brand */
}

static void test_leaf1(void)
{
	struct cpuid_policy p = one;
	struct cpuid_regs r, h;

	host_table = intel;
	h = fake_host(1, 0);
	r = q(1, 0, &p);
	check_leaf1_common(&r, &h);
	/* SSE3 PCLMUL SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES PCID RDRAND
	 * and corral's three: exactly that. */
	CHECK_EQ(r.ecx, BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(17) | BIT(19) |
				BIT(20) | BIT(22) | BIT(23) | BIT(25) |
				BIT(30) | BIT(21) | BIT(24) | BIT(31));
	CHECK_EQ(r.edx,
		 0xbfebfbff & ~(BIT(7) | BIT(12) | BIT(14) | BIT(18) | BIT(21) |
				BIT(22) | BIT(28) | BIT(29) | BIT(31)));
	CHECK_EQ(r.ebx >> 24, 0); /* APIC id, not the host's 0x0b */
	CHECK_EQ((r.ebx >> 16) & 0xff, 1);
	CHECK(!(r.edx & BIT(28))); /* no HTT with one vCPU */

	p.apic_id = 3;
	p.nr_vcpus = 4;
	r = q(1, 0, &p);
	CHECK_EQ(r.ebx >> 24, 3);
	CHECK_EQ((r.ebx >> 16) & 0xff, 4);
	CHECK(r.edx & BIT(28)); /* HTT: the count is valid */

	host_table = amd;
	h = fake_host(1, 0);
	r = q(1, 0, &one);
	check_leaf1_common(&r, &h);
	CHECK_EQ(r.ebx >> 24, 0);
	CHECK_EQ(r.ebx & 0xffff, 0x0800);
}

static void test_leaf6_leaf7(void)
{
	struct cpuid_policy p = one;
	struct cpuid_regs r;

	host_table = intel;
	r = q(6, 0, &p);
	CHECK_EQ(r.eax, BIT(2));
	CHECK_EQ(r.ebx | r.ecx | r.edx, 0);

	r = q(7, 0, &p);
	CHECK_EQ(r.eax, 0); /* no further subleaves */
	/* FSGSBASE BMI1 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT CLWB SHA that the
	 * host has; not AVX2 (5), HLE (4), RTM (11), MPX (14), AVX-512 (16),
	 * SGX (2), nor INVPCID (10) without the policy. */
	CHECK_EQ(r.ebx,
		 (0x029c6fbfu | BIT(5) | BIT(16) | BIT(2)) &
			 (BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(19) |
			  BIT(20) | BIT(23) | BIT(24) | BIT(29)));
	CHECK(!(r.ebx & BIT(10)));
	CHECK(!(r.ebx & BIT(5)));
	CHECK(!(r.ebx & BIT(16)));
	CHECK(r.ebx & BIT(0));
	CHECK(r.ebx & BIT(7));
	/* UMIP only: no PKU (3), OSPKE (4), AVX512_VBMI (1), and no RDPID
	 * without RDTSCP. */
	CHECK_EQ(r.ecx, BIT(2));
	/* FSRM, MD_CLEAR, SERIALIZE, and the host's IBRS/IBPB, STIBP and
	 * SSBD (guest/spec_ctrl_msr.c offers their MSRs); no L1D_FLUSH or
	 * ARCH_CAPS, whose MSRs a guest does not get. */
	CHECK_EQ(r.edx,
		 BIT(4) | BIT(10) | BIT(14) | BIT(26) | BIT(27) | BIT(31));
	/* Other subleaves read zero. */
	r = q(7, 1, &p);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);

	p.invpcid = true;
	r = q(7, 0, &p);
	CHECK(r.ebx & BIT(10));
	CHECK_EQ(r.ecx, BIT(2));
	p.invpcid = false;
	p.rdtscp = true;
	r = q(7, 0, &p);
	CHECK(!(r.ebx & BIT(10)));
	CHECK_EQ(r.ecx, BIT(2) | BIT(22)); /* RDPID with RDTSCP */

	/* A host without INVPCID never shows it, whatever the policy. */
	host_table = amd;
	p.invpcid = true;
	r = q(7, 0, &p);
	CHECK(!(r.ebx & BIT(10)));
	CHECK_EQ(r.ebx, 0x219c91a9u & (BIT(0) | BIT(3) | BIT(7) | BIT(8) |
				       BIT(9) | BIT(19) | BIT(20) | BIT(23) |
				       BIT(24) | BIT(29)));
}

static void test_topology(void)
{
	struct cpuid_policy p = one;
	struct cpuid_regs r;

	host_table = intel;
	/* One vCPU: one thread per core, one core. */
	r = q(0xb, 0, &p);
	CHECK_EQ(r.eax, 0);
	CHECK_EQ(r.ebx, 1);
	CHECK_EQ(r.ecx, 0x100); /* SMT level, subleaf 0 */
	CHECK_EQ(r.edx, 0);
	r = q(0xb, 1, &p);
	CHECK_EQ(r.eax, 0);
	CHECK_EQ(r.ebx, 1);
	CHECK_EQ(r.ecx, 0x201); /* core level, subleaf 1 */
	r = q(0xb, 2, &p);
	CHECK_EQ(r.eax, 0);
	CHECK_EQ(r.ebx, 0);
	CHECK_EQ(r.ecx, 2); /* invalid level ends the list */

	/* Four vCPUs, this one APIC id 2. */
	p.nr_vcpus = 4;
	p.apic_id = 2;
	r = q(0xb, 0, &p);
	CHECK_EQ(r.eax, 0);
	CHECK_EQ(r.ebx, 1);
	CHECK_EQ(r.ecx, 0x100);
	CHECK_EQ(r.edx, 2);
	r = q(0xb, 1, &p);
	CHECK_EQ(r.eax, 2); /* shift: 4 cores need 2 bits */
	CHECK_EQ(r.ebx, 4);
	CHECK_EQ(r.ecx, 0x201);
	CHECK_EQ(r.edx, 2);
	r = q(0xb, 5, &p);
	CHECK_EQ(r.ecx, 5);
	CHECK_EQ(r.edx, 2);
	/* Three vCPUs still need 2 bits. */
	p.nr_vcpus = 3;
	r = q(0xb, 1, &p);
	CHECK_EQ(r.eax, 2);
	CHECK_EQ(r.ebx, 3);

	/* Leaf 0xB is corral's even where the host's maximum is lower. */
	host_table = amd;
	find(amd, 0)->r.eax = 7;
	p.nr_vcpus = 4;
	r = q(0xb, 1, &p);
	CHECK_EQ(r.eax, 2);
	CHECK_EQ(r.ebx, 4);
	r = q(7, 0, &p);
	CHECK(r.ebx != 0);
	find(amd, 0)->r.eax = 0x10;
	/* 0x80000008 ECX: cores - 1. */
	r = q(0x80000008u, 0, &p);
	CHECK_EQ(r.ecx, 3);
	CHECK_EQ(r.eax, 0x3030);
	/* The host's IBPB (12), IBRS (14), STIBP (15), SSBD (24) only. */
	CHECK_EQ(r.ebx, 0x010eb757 & (BIT(12) | BIT(14) | BIT(15) | BIT(24)));
}

static void test_extended(void)
{
	struct cpuid_policy p = one;
	struct cpuid_regs r;

	host_table = intel;
	r = q(0x80000001u, 0, &p);
	CHECK_EQ(r.ecx, 0x121); /* LAHF ABM PREFETCHW */
	/* SYSCALL NX 1G LM; RDTSCP (27) hidden without the policy. */
	CHECK_EQ(r.edx, BIT(11) | BIT(20) | BIT(26) | BIT(29));
	p.rdtscp = true;
	r = q(0x80000001u, 0, &p);
	CHECK_EQ(r.edx, BIT(11) | BIT(20) | BIT(26) | BIT(27) | BIT(29));
	r = q(0x80000007u, 0, &p);
	CHECK_EQ(r.edx, BIT(8)); /* invariant TSC */
	CHECK_EQ(r.eax | r.ebx | r.ecx, 0);
	r = q(0x80000008u, 0, &p);
	CHECK_EQ(r.eax, 0x3027);
	CHECK_EQ(r.ecx, 0);

	/* AMD: SVM (2), CmpLegacy (1), ExtApicSpace (3), OSVW (9), IBS (10),
	 * SKINIT (12), WDT (13), TCE... all gone; LAHF ABM SSE4A MISALIGN
	 * PREFETCHW kept. */
	host_table = amd;
	p.rdtscp = false;
	r = q(0x80000001u, 0, &p);
	CHECK(!(r.ecx & BIT(2)));
	CHECK_EQ(r.ecx,
		 0x75c237ffu & (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8)));
	CHECK_EQ(r.edx, 0x2fd3fbffu & (BIT(11) | BIT(20) | BIT(26) | BIT(29)));
	CHECK_EQ(r.eax, 0x00870f10);
	r = q(0x80000007u, 0, &p);
	CHECK_EQ(r.edx, BIT(8));
	CHECK_EQ(r.ebx, 0);

	/* A host whose extended maximum stops at 0x80000004. */
	host_table = intel;
	find(intel, 0x80000000u)->r.eax = 0x80000004u;
	r = q(0x80000000u, 0, &p);
	CHECK_EQ(r.eax, 0x80000004u);
	r = q(0x80000007u, 0, &p);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	r = q(0x80000008u, 0, &p);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	find(intel, 0x80000000u)->r.eax = 0x80000008u;
}

static void test_brand(void)
{
	char brand[49];
	struct cpuid_regs r;

	host_table = intel;
	for (int i = 0; i < 3; i++) {
		r = q(0x80000002u + i, 0, &one);
		memcpy(brand + 16 * i, &r, 16);
	}
	brand[48] = '\0';
	CHECK(strcmp(brand, "Intel(R) Core(TM) i7-6700 CPU @ 3.40GHz") == 0);
	host_table = amd;
	for (int i = 0; i < 3; i++) {
		r = q(0x80000002u + i, 0, &one);
		memcpy(brand + 16 * i, &r, 16);
	}
	CHECK(strncmp(brand, "AMD Ryzen 7 3700X 8-Core Processor", 34) == 0);
}

static void test_hypervisor_leaves(void)
{
	struct cpuid_policy p = one;
	static const uint32_t empty[] = { 0x40000102u, 0x40000200u,
					  0x4fffffffu };
	struct cpuid_regs r;
	int calls;

	p.hypercall_abi = 0x10002;
	host_table = intel;
	calls = host_calls;
	r = q(0x40000000u, 0, &p);
	CHECK_EQ(host_calls, calls); /* never asks the host */
	CHECK_EQ(r.eax, 0x40000001u);
	CHECK(memcmp(&r.ebx, "Corr", 4) == 0);
	CHECK(memcmp(&r.ecx, "alHV", 4) == 0);
	CHECK_EQ(r.edx, 0);
	r = q(0x40000001u, 0, &p);
	CHECK_EQ(r.eax, 0x10002);
	CHECK_EQ(r.ebx | r.ecx | r.edx, 0);
	r = q(0x40000002u, 0, &p);
	CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);

	/* KVM's signature where Linux looks for it (step 0x100). */
	r = q(0x40000100u, 0, &p);
	CHECK_EQ(r.eax, 0x40000101u);
	CHECK(memcmp(&r.ebx, "KVMK", 4) == 0);
	CHECK(memcmp(&r.ecx, "VMKV", 4) == 0);
	CHECK(memcmp(&r.edx, "M\0\0\0", 4) == 0);
	r = q(0x40000101u, 0, &p);
	/* CLOCKSOURCE2 (3) and CLOCKSOURCE_STABLE_BIT (24), nothing else. */
	CHECK_EQ(r.eax, BIT(3) | BIT(24));
	CHECK_EQ(r.ebx | r.ecx | r.edx, 0);
	for (size_t i = 0; i < sizeof(empty) / sizeof(empty[0]); i++) {
		r = q(empty[i], 0, &p);
		CHECK_EQ(r.eax | r.ebx | r.ecx | r.edx, 0);
	}
	/* The same on an AMD host. */
	host_table = amd;
	r = q(0x40000101u, 0, &p);
	CHECK_EQ(r.eax, BIT(3) | BIT(24));
}

int main(void)
{
	find(intel, 0)->r = sig_regs(0x16, "GenuineIntel");
	find(amd, 0)->r = sig_regs(0x10, "AuthenticAMD");
	find(amd, 0x80000000u)->r = sig_regs(0x80000020u, "AuthenticAMD");
	test_vendor_and_max();
	test_leaf1();
	test_leaf6_leaf7();
	test_topology();
	test_extended();
	test_brand();
	test_hypervisor_leaves();
	return test_summary();
}
