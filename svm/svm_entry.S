/* SPDX-License-Identifier: MIT */
/*
 * World switch for SVM. svm_enter(struct vcpu *v, uint64_t vmcb_pa,
 * uint64_t host_vmcb_pa) runs with GIF clear around the switch
 * (APM 15.17): VMLOAD the guest's FS/GS/TR/syscall state, VMRUN, VMSAVE it
 * back, VMLOAD the host's. RAX and RSP travel in the VMCB; the other
 * general-purpose registers are swapped here through v->gpr[].
 * Host IF is set across VMRUN so that a physical interrupt (the host timer)
 * forces an exit; GIF keeps it pending until corral has left guest context.
 */
#define GPR(n) (8 * (n))

.text
.global svm_enter
svm_enter:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi			/* vcpu */
	push %rdx			/* host vmcb */
	clgi
	sti
	mov %rsi, %rax			/* guest vmcb for VMLOAD/VMRUN/VMSAVE */
	mov GPR(1)(%rdi), %rcx
	mov GPR(2)(%rdi), %rdx
	mov GPR(3)(%rdi), %rbx
	mov GPR(5)(%rdi), %rbp
	mov GPR(6)(%rdi), %rsi
	mov GPR(8)(%rdi), %r8
	mov GPR(9)(%rdi), %r9
	mov GPR(10)(%rdi), %r10
	mov GPR(11)(%rdi), %r11
	mov GPR(12)(%rdi), %r12
	mov GPR(13)(%rdi), %r13
	mov GPR(14)(%rdi), %r14
	mov GPR(15)(%rdi), %r15
	mov GPR(7)(%rdi), %rdi
	vmload %rax
	vmrun %rax
	vmsave %rax
	push %rdi			/* guest rdi */
	mov 16(%rsp), %rdi		/* vcpu */
	mov %rcx, GPR(1)(%rdi)
	mov %rdx, GPR(2)(%rdi)
	mov %rbx, GPR(3)(%rdi)
	mov %rbp, GPR(5)(%rdi)
	mov %rsi, GPR(6)(%rdi)
	mov %r8, GPR(8)(%rdi)
	mov %r9, GPR(9)(%rdi)
	mov %r10, GPR(10)(%rdi)
	mov %r11, GPR(11)(%rdi)
	mov %r12, GPR(12)(%rdi)
	mov %r13, GPR(13)(%rdi)
	mov %r14, GPR(14)(%rdi)
	mov %r15, GPR(15)(%rdi)
	pop %rax
	mov %rax, GPR(7)(%rdi)
	pop %rax			/* host vmcb */
	vmload %rax
	/* #VMEXIT restored the host RFLAGS with IF set: a pending host timer
	 * interrupt is taken (and acknowledged) right here. */
	stgi
	nop
	cli
	pop %rdi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
