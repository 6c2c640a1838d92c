// SPDX-License-Identifier: MIT
/*
 * VT-x and SVM detection. Only the architectural bits are read: emulators
 * such as Bochs answer 0 for MSRs they do not know, so the MSRs are read
 * only once CPUID says the extension (and with it the MSR) exists.
 *
 * Intel SDM vol. 3C 23.6 "Discovering support for VMX" and 23.7 "Enabling
 * and entering VMX operation"; AMD APM vol. 2 15.4 "Enabling SVM".
 */
#include <stdbool.h>
#include "uefi.h"
#include "cpu_check.h"
#include "console.h"

#define CPUID_FEATURES 0x1
#define CPUID_1_ECX_VMX (1u << 5)

#define CPUID_EXT_MAX 0x80000000u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_80000001_ECX_SVM (1u << 2)

#define MSR_IA32_FEATURE_CONTROL 0x3A
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ull << 2)

#define MSR_VM_CR 0xC0010114u
#define VM_CR_SVMDIS (1ull << 4)

enum virt_state { VIRT_ABSENT, VIRT_DISABLED, VIRT_USABLE };

struct cpuid_regs {
	UINT32 eax, ebx, ecx, edx;
};

static struct cpuid_regs cpuid(UINT32 leaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(0));
	return r;
}

static UINT64 rdmsr(UINT32 msr)
{
	UINT32 lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((UINT64)hi << 32) | lo;
}

/*
 * A locked IA32_FEATURE_CONTROL without "VMXON outside SMX" makes VMXON
 * fault, and only a reset can change it. Unlocked is fine: the hypervisor
 * sets and locks the bits itself.
 */
static enum virt_state vmx_state(void)
{
	UINT64 fc;

	if (!(cpuid(CPUID_FEATURES).ecx & CPUID_1_ECX_VMX))
		return VIRT_ABSENT;
	fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) &&
	    !(fc & FEATURE_CONTROL_VMX_OUTSIDE_SMX))
		return VIRT_DISABLED;
	return VIRT_USABLE;
}

/* VM_CR.SVMDIS makes EFER.SVME reserved; firmware sets it to switch SVM off. */
static enum virt_state svm_state(void)
{
	if (cpuid(CPUID_EXT_MAX).eax < CPUID_EXT_FEATURES)
		return VIRT_ABSENT;
	if (!(cpuid(CPUID_EXT_FEATURES).ecx & CPUID_80000001_ECX_SVM))
		return VIRT_ABSENT;
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return VIRT_DISABLED;
	return VIRT_USABLE;
}

EFI_STATUS cpu_check(void)
{
	enum virt_state vmx = vmx_state();
	enum virt_state svm = svm_state();

	if (vmx == VIRT_USABLE) {
		con_info("cpu: VT-x (Intel VMX) present");
		return EFI_SUCCESS;
	}
	if (svm == VIRT_USABLE) {
		con_info("cpu: SVM (AMD-V) present");
		return EFI_SUCCESS;
	}
	if (vmx == VIRT_DISABLED)
		con_error(
			"VT-x is disabled by the firmware (IA32_FEATURE_CONTROL locked)");
	else if (svm == VIRT_DISABLED)
		con_error("SVM is disabled by the firmware");
	else
		con_error("this CPU has neither VT-x nor SVM");
	return EFI_UNSUPPORTED;
}
