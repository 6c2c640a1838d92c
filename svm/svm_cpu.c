// SPDX-License-Identifier: MIT
/*
 * Turning AMD-V on for one CPU (APM Vol. 2 15.4): check CPUID and VM_CR,
 * set EFER.SVME, and give the CPU its host save area. corral requires
 * nested paging; NRIP-save and decode assists are used when present (QEMU
 * TCG has neither, so the core decodes instructions itself).
 */
#include "svm.h"
#include "vmcb.h"
#include <format.h>
#include <host/host_lapic.h>
#include <host/log.h>
#include <arch/msr.h>
#include <mm/page_alloc.h>
#include <host/percpu.h>
#include <arch/x86.h>
#include <errno.h>

#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EXT_ECX_SVM (1u << 2)
#define CPUID_SVM_LEAF 0x8000000au
#define CPUID_SVM_EDX_NP (1u << 0)
#define CPUID_SVM_EDX_NRIPS (1u << 3)
#define CPUID_SVM_EDX_DECODE_ASSISTS (1u << 7)
#define VM_CR_SVMDIS (1ull << 4)

struct svm_caps svm_caps;

int svm_probe(char *why, size_t n)
{
	struct cpuid_regs r;

	if (cpuid(0x80000000u).eax < CPUID_SVM_LEAF ||
	    !(cpuid(CPUID_EXT_FEATURES).ecx & CPUID_EXT_ECX_SVM)) {
		snprintf(why, n, "CPUID reports no SVM");
		return -ENODEV;
	}
	if (rdmsr(MSR_AMD_VM_CR) & VM_CR_SVMDIS) {
		snprintf(why, n,
			 "SVM is disabled by the firmware (VM_CR.SVMDIS)");
		return -ENODEV;
	}
	r = cpuid(CPUID_SVM_LEAF);
	if (!(r.edx & CPUID_SVM_EDX_NP)) {
		snprintf(
			why, n,
			"the CPU lacks the required SVM feature: nested paging (CPUID 8000000Ah EDX[0])");
		return -ENODEV;
	}
	svm_caps.nr_asids = r.ebx;
	svm_caps.nrip_save = r.edx & CPUID_SVM_EDX_NRIPS;
	svm_caps.decode_assists = r.edx & CPUID_SVM_EDX_DECODE_ASSISTS;
	pr_info("svm: %u ASIDs, NRIP-save %s, decode assists %s",
		svm_caps.nr_asids, svm_caps.nrip_save ? "yes" : "no",
		svm_caps.decode_assists ?
			"yes" :
			"no (instructions are decoded by corral)");
	return 0;
}

int svm_cpu_enable(struct percpu *pc, char *why, size_t n)
{
	struct svm_percpu *s =
		page_alloc(sizeof(*s), PAGE_SIZE, ALLOC_ANYWHERE);

	if (!s || !(s->host_save_area = page_alloc_zeroed_page()) ||
	    !(s->host_vmcb = page_alloc_zeroed_page())) {
		snprintf(why, n, "out of memory for the host save area");
		return -ENOMEM;
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | X86_EFER_SVME);
	wrmsr(MSR_AMD_VM_HSAVE_PA, (uint64_t)s->host_save_area);
	/* FS/GS/TR and the syscall MSRs are not switched by VMRUN; keep ours. */
	asm volatile("vmsave %%rax" ::"a"((uint64_t)s->host_vmcb) : "memory");
	pc->backend_data = s;
	return 0;
}
