/* SPDX-License-Identifier: MIT */
/*
 * corral's hypercall ABI (docs/hypercalls.md). Shared with guest code such
 * as the mapper modules. A hypercall is VMCALL (Intel) or VMMCALL (AMD) at
 * CPL 0 with the call number in RAX and arguments in RDI, RSI, RDX; the
 * result comes back in RAX: >= 0 success, a negative errno on failure.
 */
#ifndef CORRAL_HYPERCALL_ABI_H
#define CORRAL_HYPERCALL_ABI_H
#ifdef __KERNEL__
#include <linux/types.h> /* a Linux module (mappers/) */
#else
#include <stdint.h>
#endif

#define CORRAL_HYPERCALL_ABI_VERSION 2

/* Call numbers live at 0x43520000 ("CR") and up, clear of KVM's small
 * numbers: guests are also told about the KVM clock leaves (CPUID
 * 0x40000100), and a KVM hypercall must never be taken for one of ours. */
#define HC_BASE 0x43520000u

enum corral_hypercall {
	HC_ABI_VERSION = HC_BASE + 0, /* -> CORRAL_HYPERCALL_ABI_VERSION */
	HC_CONSOLE_WRITE =
		HC_BASE + 1, /* rdi = GPA of bytes, rsi = length (<= 4096) */
	HC_VM_INFO =
		HC_BASE + 2, /* rdi = GPA of a struct corral_vm_info to fill */
	/* A driver VM: raise the interrupt of queue rsi of the client device
	 * in channel slot rdi (docs/channel.md). Since ABI 2. */
	HC_CHANNEL_INTERRUPT = HC_BASE + 3,
};

#define CORRAL_EPERM 1
#define CORRAL_EFAULT 14
#define CORRAL_ENODEV 19
#define CORRAL_EINVAL 22
#define CORRAL_ENOSYS 38

#define HC_CONSOLE_WRITE_MAX 4096

struct corral_vm_info {
	uint32_t abi_version;
	uint32_t vm_id;
	uint32_t nr_vcpus;
	uint32_t memory_mib;
	char name[32]; /* NUL-terminated */
};

#endif
