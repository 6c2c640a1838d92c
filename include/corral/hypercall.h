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

#define CORRAL_HYPERCALL_ABI_VERSION 4

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
	 * in channel slot rdi, live generation rdx (docs/channel.md).
	 * -CORRAL_ESTALE when the slot changed since. Since ABI 2; the
	 * generation since ABI 4. */
	HC_CHANNEL_INTERRUPT = HC_BASE + 3,
	/* A driver VM: acknowledge generation rsi of channel slot rdi. Of a
	 * live slot: the mapper serves it (the client's link comes up); of
	 * a resetting one: the mapper let go of it. -CORRAL_ESTALE when the
	 * slot changed since. Since ABI 3. */
	HC_CHANNEL_ACK = HC_BASE + 4,
	/* A driver VM: the client's queue rsi in slot rdi, live generation
	 * rdx, broke a rule of the virtio ring (a descriptor outside its
	 * memory, a loop, ...); the device needs a reset and the client is
	 * named in corral's log. -CORRAL_ESTALE when the slot changed since:
	 * a later device is not blamed for an earlier one. Since ABI 3; the
	 * generation since ABI 4. */
	HC_CHANNEL_BROKEN = HC_BASE + 5,
	/* A driver VM: the export of block slot rdi holds rsi sectors of
	 * 512 bytes (the client's disk size). Since ABI 4. */
	HC_CHANNEL_BLK_CAPACITY = HC_BASE + 6,
};

#define CORRAL_EPERM 1
#define CORRAL_EFAULT 14
#define CORRAL_ENODEV 19
#define CORRAL_EINVAL 22
#define CORRAL_ENOSYS 38
#define CORRAL_ESTALE 116

#define HC_CONSOLE_WRITE_MAX 4096

struct corral_vm_info {
	uint32_t abi_version;
	uint32_t vm_id;
	uint32_t nr_vcpus;
	uint32_t memory_mib;
	char name[32]; /* NUL-terminated */
};

#endif
