// SPDX-License-Identifier: MIT
#include <host/fpu.h>
#include <string.h>
#include <arch/x86.h>

#define CPUID_1_ECX_XSAVE (1u << 26)
#define XCR0_X87_SSE 0x3ull
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24
#define FCW_DEFAULT 0x037f
#define MXCSR_DEFAULT 0x1f80
#define CPUID_E8_EBX_XSAVE_ERPTR (1u << 2)

/*
 * AMD CPUs without XSaveErPtr (CPUID Fn8000_0008 EBX[2]; before Zen 2)
 * save and restore the x87 last-instruction and last-operand pointers
 * (FIP, FDP, FOP) only when FSW.ES is set (APM Vol. 5, FXSAVE/FXRSTOR):
 * after FXRSTOR of a state without a pending exception they still hold
 * what the previous vCPU, maybe another VM's, last executed. Before each
 * FXRSTOR an FILD of corral's own data sets them to corral's values,
 * after FNCLEX (no pending exception to raise) and EMMS (an empty x87
 * stack to load onto).
 */
static bool fxrstor_keeps_pointers;
static const uint32_t fpu_pointer_scrub;

void fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	fxrstor_keeps_pointers =
		!cpu_is_intel() &&
		(cpuid(0x80000000u).eax < 0x80000008u ||
		 !(cpuid(0x80000008u).ebx & CPUID_E8_EBX_XSAVE_ERPTR));
	if (!(cpuid(1).ecx & CPUID_1_ECX_XSAVE))
		return;
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	asm volatile("xsetbv" ::"c"(0), "a"((uint32_t)XCR0_X87_SSE), "d"(0));
}

void fpu_area_init(struct fpu_area *a)
{
	uint16_t fcw = FCW_DEFAULT;
	uint32_t mxcsr = MXCSR_DEFAULT;

	memset(a, 0, sizeof(*a));
	memcpy(a->bytes + FXSAVE_FCW, &fcw, sizeof(fcw));
	memcpy(a->bytes + FXSAVE_MXCSR, &mxcsr, sizeof(mxcsr));
}

void fpu_switch(struct fpu_area **owner, struct fpu_area *next)
{
	if (*owner == next)
		return;
	if (*owner)
		asm volatile("fxsave64 %0" : "=m"(**owner));
	if (fxrstor_keeps_pointers)
		asm volatile("fnclex; emms; fildl %0" ::"m"(fpu_pointer_scrub));
	asm volatile("fxrstor64 %0" ::"m"(*next));
	*owner = next;
}
