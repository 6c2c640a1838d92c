/* SPDX-License-Identifier: MIT */
/* VMX instructions (SDM Vol. 3C chapter 31). Failure is reported through
 * CF (VMfailInvalid) or ZF (VMfailValid); each wrapper returns false then. */
#ifndef CORRAL_VMX_OPS_H
#define CORRAL_VMX_OPS_H
#include <stdint.h>
#include <stdbool.h>

static inline bool vmxon(uint64_t phys)
{
	bool fail;

	asm volatile("vmxon %1; setna %0"
		     : "=q"(fail)
		     : "m"(phys)
		     : "cc", "memory");
	return !fail;
}

static inline bool vmclear(uint64_t phys)
{
	bool fail;

	asm volatile("vmclear %1; setna %0"
		     : "=q"(fail)
		     : "m"(phys)
		     : "cc", "memory");
	return !fail;
}

static inline bool vmptrld(uint64_t phys)
{
	bool fail;

	asm volatile("vmptrld %1; setna %0"
		     : "=q"(fail)
		     : "m"(phys)
		     : "cc", "memory");
	return !fail;
}

static inline uint64_t vmread(uint64_t field)
{
	uint64_t v;

	asm volatile("vmread %1, %0" : "=r"(v) : "r"(field) : "cc");
	return v;
}

static inline void vmwrite(uint64_t field, uint64_t v)
{
	asm volatile("vmwrite %1, %0" ::"r"(field), "r"(v) : "cc", "memory");
}

struct invept_desc {
	uint64_t eptp, reserved;
};

#define INVEPT_SINGLE_CONTEXT 1
#define INVEPT_ALL_CONTEXT 2

/* False on VMfail (CF or ZF, SDM 3C 31.2): the flush did not happen. */
static inline bool invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc d = { eptp, 0 };
	bool fail;

	asm volatile("invept %1, %2; setna %0"
		     : "=q"(fail)
		     : "m"(d), "r"(type)
		     : "cc", "memory");
	return !fail;
}

/* INVVPID (SDM 3C 30.3): descriptor = VPID in bits 15:0, then an address. */
struct invvpid_desc {
	uint64_t vpid, addr;
};

#define INVVPID_SINGLE_CONTEXT 1

static inline bool invvpid(uint64_t type, uint16_t vpid)
{
	struct invvpid_desc d = { vpid, 0 };
	bool fail;

	asm volatile("invvpid %1, %2; setna %0"
		     : "=q"(fail)
		     : "m"(d), "r"(type)
		     : "cc", "memory");
	return !fail;
}

#endif
