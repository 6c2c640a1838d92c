/* SPDX-License-Identifier: MIT */
/* Thin wrappers over x86 instructions the core needs (SDM Vol. 2). */
#ifndef CORRAL_X86_H
#define CORRAL_X86_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(sub));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	return cpuid_count(leaf, 0);
}

static inline bool cpu_is_intel(void)
{
	struct cpuid_regs r = cpuid(0);

	/* "GenuineIntel" in EBX, EDX, ECX. */
	return r.ebx == 0x756e6547 && r.edx == 0x49656e69 &&
	       r.ecx == 0x6c65746e;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" ::"c"(msr), "a"((uint32_t)val),
		     "d"((uint32_t)(val >> 32))
		     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* read_cr0() ... write_dr6(): MOV to and from control and debug registers. */
#define DEFINE_REG_ACCESS(reg)                                       \
	static inline uint64_t read_##reg(void)                      \
	{                                                            \
		uint64_t v;                                          \
		asm volatile("mov %%" #reg ", %0" : "=r"(v));        \
		return v;                                            \
	}                                                            \
	static inline void write_##reg(uint64_t v)                   \
	{                                                            \
		asm volatile("mov %0, %%" #reg ::"r"(v) : "memory"); \
	}
DEFINE_REG_ACCESS(cr0)
DEFINE_REG_ACCESS(cr2)
DEFINE_REG_ACCESS(cr3)
DEFINE_REG_ACCESS(cr4)
DEFINE_REG_ACCESS(dr0)
DEFINE_REG_ACCESS(dr1)
DEFINE_REG_ACCESS(dr2)
DEFINE_REG_ACCESS(dr3)
DEFINE_REG_ACCESS(dr6)

#define X86_CACHE_LINE 64 /* CLFLUSH granularity on every x86-64 CPU */

/* Writes [p, p+n) back from the caches to memory, for a device that does
 * not snoop (SDM 2A CLFLUSH: ordered by MFENCE). */
static inline void clflush_range(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(X86_CACHE_LINE - 1);

	asm volatile("mfence" ::: "memory");
	for (; a < (uintptr_t)p + n; a += X86_CACHE_LINE)
		asm volatile("clflush (%0)" ::"r"(a) : "memory");
	asm volatile("mfence" ::: "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
	asm volatile("cli" ::: "memory");
}

__attribute__((noreturn)) static inline void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

static inline uint64_t read_rflags(void)
{
	uint64_t f;

	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

/* CR0 / CR4 / EFER / RFLAGS bits (SDM Vol. 3A 2.5, 2.2.1). */
#define X86_CR0_PE (1ull << 0)
#define X86_CR0_MP (1ull << 1)
#define X86_CR0_EM (1ull << 2)
#define X86_CR0_TS (1ull << 3)
#define X86_CR0_ET (1ull << 4)
#define X86_CR0_NE (1ull << 5)
#define X86_CR0_WP (1ull << 16)
#define X86_CR0_NW (1ull << 29)
#define X86_CR0_CD (1ull << 30)
#define X86_CR0_PG (1ull << 31)
#define X86_CR4_PAE (1ull << 5)
#define X86_CR4_PGE (1ull << 7)
#define X86_CR4_OSFXSR (1ull << 9)
#define X86_CR4_OSXMMEXCPT (1ull << 10)
#define X86_CR4_VMXE (1ull << 13)
#define X86_CR4_SMXE (1ull << 14)
#define X86_CR4_PCIDE (1ull << 17)
#define X86_CR4_OSXSAVE (1ull << 18)
#define X86_EFER_SCE (1ull << 0)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_EFER_NXE (1ull << 11)
#define X86_EFER_SVME (1ull << 12)
#define X86_RFLAGS_TF (1ull << 8)
#define X86_RFLAGS_IF (1ull << 9)
#define X86_RFLAGS_FIXED (1ull << 1)

/* Exception vectors (SDM Vol. 3A 6.3.1). */
#define X86_EXC_UD 6
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MC 18

#endif
