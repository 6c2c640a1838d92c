// SPDX-License-Identifier: MIT
/*
 * Guest CPUID. Feature bits are allow-listed, never deny-listed, so a new
 * CPU feature stays hidden until corral virtualizes it. Bit positions: SDM
 * Vol. 2A CPUID, APM Vol. 3 appendix E.
 */
#include <guest/cpuid_policy.h>
#include <string.h>

#define MAX_BASIC_LEAF 0xb
#define MAX_EXT_LEAF 0x80000008u
#define BIT(n) (1u << (n))

/* Leaf 1 ECX: SSE3 PCLMUL SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT AES RDRAND,
 * plus PCID; X2APIC, TSC-deadline and the hypervisor bit are corral's. */
#define L1_ECX_ALLOW                                                        \
	(BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(17) | BIT(19) | BIT(20) | \
	 BIT(22) | BIT(23) | BIT(25) | BIT(30))
#define L1_ECX_X2APIC BIT(21)
#define L1_ECX_TSC_DEADLINE BIT(24)
#define L1_ECX_HYPERVISOR BIT(31)
/* Leaf 1 EDX: everything classic except MCE(7), MTRR(12), MCA(14), PSN(18),
 * DS(21), ACPI(22), TM(29), PBE(31). */
#define L1_EDX_ALLOW                                                  \
	(~(BIT(7) | BIT(12) | BIT(14) | BIT(18) | BIT(21) | BIT(22) | \
	   BIT(29) | BIT(31)))
#define L6_EAX_ARAT BIT(2)
/* Leaf 7.0 EBX: FSGSBASE BMI1 SMEP BMI2 ERMS ADX SMAP CLFLUSHOPT CLWB SHA. */
#define L7_EBX_ALLOW                                                      \
	(BIT(0) | BIT(3) | BIT(7) | BIT(8) | BIT(9) | BIT(19) | BIT(20) | \
	 BIT(23) | BIT(24) | BIT(29))
#define L7_EBX_INVPCID BIT(10)
#define L7_ECX_ALLOW BIT(2) /* UMIP */
/* RDPID reads IA32_TSC_AUX like RDTSCP, and VT-x runs it only under the
 * same "enable RDTSCP" control: it follows policy.rdtscp. */
#define L7_ECX_RDPID BIT(22)
/* FSRM, MD_CLEAR, SERIALIZE; IBRS/IBPB, STIBP and SSBD, which
 * guest/spec_ctrl_msr.c offers exactly where the host has them. */
#define L7_EDX_ALLOW (BIT(4) | BIT(10) | BIT(14) | BIT(26) | BIT(27) | BIT(31))
/* 0x80000001 ECX: LAHF, ABM, SSE4A, MISALIGNSSE, PREFETCHW. */
#define E1_ECX_ALLOW (BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
/* 0x80000001 EDX: SYSCALL, NX, 1 GiB pages, LM (+RDTSCP when allowed). */
#define E1_EDX_ALLOW (BIT(11) | BIT(20) | BIT(26) | BIT(29))
#define E1_EDX_RDTSCP BIT(27)
#define E7_EDX_INVARIANT_TSC BIT(8)
/* 0x80000008 EBX: IBPB, IBRS, STIBP, SSBD (guest/spec_ctrl_msr.c). */
#define E8_EBX_SPEC_CTRL (BIT(12) | BIT(14) | BIT(15) | BIT(24))

/* KVM paravirtual features (Documentation/virt/kvm/x86/cpuid.rst). */
#define KVM_FEATURE_CLOCKSOURCE2 BIT(3)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT BIT(24)

static struct cpuid_regs zero(void)
{
	return (struct cpuid_regs){ 0, 0, 0, 0 };
}

static void signature(struct cpuid_regs *r, const char *sig)
{
	memcpy(&r->ebx, sig, 4);
	memcpy(&r->ecx, sig + 4, 4);
	memcpy(&r->edx, sig + 8, 4);
}

static uint32_t log2_ceil(uint32_t n)
{
	uint32_t s = 0;

	while ((1u << s) < n)
		s++;
	return s;
}

/* Leaf 0xB: one thread per core, nr_vcpus cores in one package. */
static struct cpuid_regs topology(uint32_t sub, const struct cpuid_policy *p)
{
	struct cpuid_regs r = { 0, 0, sub & 0xff, p->apic_id };

	if (sub == 0) {
		r.eax = 0;
		r.ebx = 1;
		r.ecx |= 1u << 8; /* SMT level */
	} else if (sub == 1) {
		r.eax = log2_ceil(p->nr_vcpus);
		r.ebx = p->nr_vcpus;
		r.ecx |= 2u << 8; /* core level */
	}
	return r;
}

static struct cpuid_regs basic(uint32_t leaf, uint32_t sub,
			       const struct cpuid_policy *p, cpuid_fn host)
{
	struct cpuid_regs h = host(leaf, sub), r = zero();

	switch (leaf) {
	case 0:
		r = h;
		r.eax = MAX_BASIC_LEAF;
		return r;
	case 1:
		r.eax = h.eax;
		r.ebx = (h.ebx & 0xffff) | (p->nr_vcpus << 16) |
			(p->apic_id << 24);
		r.ecx = (h.ecx & L1_ECX_ALLOW) | L1_ECX_X2APIC |
			L1_ECX_TSC_DEADLINE | L1_ECX_HYPERVISOR;
		r.edx = h.edx & L1_EDX_ALLOW;
		if (p->nr_vcpus > 1)
			r.edx |= BIT(28); /* HTT: the count in EBX is valid */
		else
			r.edx &= ~BIT(28);
		return r;
	case 6:
		r.eax = L6_EAX_ARAT; /* the LAPIC timer never stops */
		return r;
	case 7:
		if (sub != 0)
			return r;
		r.ebx = h.ebx &
			(L7_EBX_ALLOW | (p->invpcid ? L7_EBX_INVPCID : 0));
		r.ecx = h.ecx & (L7_ECX_ALLOW | (p->rdtscp ? L7_ECX_RDPID : 0));
		r.edx = h.edx & L7_EDX_ALLOW;
		return r;
	case 0xb:
		return topology(sub, p);
	}
	return r; /* 2-5, 8-0xa: caches, monitor, PMU... hidden */
}

static struct cpuid_regs extended(uint32_t leaf, const struct cpuid_policy *p,
				  cpuid_fn host)
{
	struct cpuid_regs h = host(leaf, 0), r = zero();
	uint32_t host_max = host(0x80000000u, 0).eax;

	if (leaf > host_max && leaf != 0x80000000u)
		return r;
	switch (leaf) {
	case 0x80000000u:
		r = h;
		r.eax = h.eax < MAX_EXT_LEAF ? h.eax : MAX_EXT_LEAF;
		return r;
	case 0x80000001u:
		r.eax = h.eax;
		r.ecx = h.ecx & E1_ECX_ALLOW;
		r.edx = h.edx &
			(E1_EDX_ALLOW | (p->rdtscp ? E1_EDX_RDTSCP : 0));
		return r;
	case 0x80000002u:
	case 0x80000003u:
	case 0x80000004u:
		return h; /* brand string */
	case 0x80000007u:
		r.edx = h.edx & E7_EDX_INVARIANT_TSC;
		return r;
	case 0x80000008u:
		r.eax = h.eax & 0xffff; /* physical and linear address sizes */
		r.ebx = h.ebx & E8_EBX_SPEC_CTRL;
		r.ecx = p->nr_vcpus - 1;
		return r;
	}
	return r;
}

static struct cpuid_regs hypervisor(uint32_t leaf, const struct cpuid_policy *p)
{
	struct cpuid_regs r = zero();

	switch (leaf) {
	case CPUID_CORRAL_BASE:
		r.eax = CPUID_CORRAL_BASE + 1;
		signature(&r, CORRAL_CPUID_SIGNATURE);
		break;
	case CPUID_CORRAL_BASE + 1:
		r.eax = p->hypercall_abi;
		break;
	case CPUID_KVM_BASE:
		r.eax = CPUID_KVM_BASE + 1;
		signature(&r, "KVMKVMKVM\0\0\0");
		break;
	case CPUID_KVM_BASE + 1:
		r.eax = KVM_FEATURE_CLOCKSOURCE2 |
			KVM_FEATURE_CLOCKSOURCE_STABLE_BIT;
		break;
	}
	return r;
}

struct cpuid_regs cpuid_guest(uint32_t leaf, uint32_t sub,
			      const struct cpuid_policy *p, cpuid_fn host)
{
	if (leaf >= 0x40000000u && leaf < 0x50000000u)
		return hypervisor(leaf, p);
	if (leaf >= 0x80000000u)
		return extended(leaf, p, host);
	if (leaf > MAX_BASIC_LEAF)
		return zero();
	if (leaf > host(0, 0).eax && leaf != 0xb)
		return zero();
	return basic(leaf, sub, p, host);
}
