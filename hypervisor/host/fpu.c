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

void fpu_cpu_init(void)
{
	write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
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
	asm volatile("fxrstor64 %0" ::"m"(*next));
	*owner = next;
}
