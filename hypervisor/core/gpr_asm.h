/* SPDX-License-Identifier: MIT */
/*
 * Assembler helpers for the backends' world switches (vmx/vmx_entry.S,
 * svm/svm_entry.S): where struct vcpu keeps each guest register (gpr[] at
 * offset 0, x86 encoding order, include/vcpu.h), and the moves between
 * those slots and the registers. RAX, RSP and RDI are each backend's own
 * business: RSP lives in the VMCS/VMCB, RAX too on SVM, and RDI holds the
 * vcpu pointer until the last moment.
 */
/* Assembler macros, which clang-format would mangle: */
/* clang-format off */
#ifndef CORRAL_GPR_ASM_H
#define CORRAL_GPR_ASM_H
#ifdef __ASSEMBLER__

#define GPR(n) (8 * (n))

/* Guest RCX..R15 (without RSP, RDI) from the vcpu at \base. */
.macro LOAD_GUEST_GPRS base
	mov GPR(1)(\base), %rcx
	mov GPR(2)(\base), %rdx
	mov GPR(3)(\base), %rbx
	mov GPR(5)(\base), %rbp
	mov GPR(6)(\base), %rsi
	mov GPR(8)(\base), %r8
	mov GPR(9)(\base), %r9
	mov GPR(10)(\base), %r10
	mov GPR(11)(\base), %r11
	mov GPR(12)(\base), %r12
	mov GPR(13)(\base), %r13
	mov GPR(14)(\base), %r14
	mov GPR(15)(\base), %r15
.endm

/* The same registers back into the vcpu at \base. */
.macro STORE_GUEST_GPRS base
	mov %rcx, GPR(1)(\base)
	mov %rdx, GPR(2)(\base)
	mov %rbx, GPR(3)(\base)
	mov %rbp, GPR(5)(\base)
	mov %rsi, GPR(6)(\base)
	mov %r8, GPR(8)(\base)
	mov %r9, GPR(9)(\base)
	mov %r10, GPR(10)(\base)
	mov %r11, GPR(11)(\base)
	mov %r12, GPR(12)(\base)
	mov %r13, GPR(13)(\base)
	mov %r14, GPR(14)(\base)
	mov %r15, GPR(15)(\base)
.endm

/* The SysV callee-saved registers the world switch clobbers. */
.macro PUSH_CALLEE_SAVED
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_CALLEE_SAVED
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
.endm

#endif
#endif
