/* SPDX-License-Identifier: MIT */
/*
 * World switch. vmx_enter(struct vcpu *v, int launched) loads the guest's
 * general-purpose registers from v->gpr[] (offset 0, x86 encoding order) and
 * executes VMLAUNCH or VMRESUME. A VM exit lands at vmx_exit_entry with the
 * host RSP written below (SDM Vol. 3C 28.5), stores the guest registers back
 * and returns 0 from vmx_enter. If the instruction itself fails, vmx_enter
 * returns 1 and the caller reads the VM-instruction error field.
 */
#define GPR(n) (8 * (n))
#define VMCS_HOST_RSP 0x6c14

.text
.global vmx_enter
vmx_enter:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdi			/* the vcpu, found again at exit */
	mov $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	mov %esi, %eax			/* launched? */
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
	test %eax, %eax
	mov GPR(0)(%rdi), %rax
	mov GPR(7)(%rdi), %rdi
	jz 1f
	vmresume
	jmp 2f
1:	vmlaunch
2:	/* VMfail: nothing of the guest ran. */
	pop %rdi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	mov $1, %eax
	ret

.global vmx_exit_entry
vmx_exit_entry:
	push %rdi			/* guest rdi */
	mov 8(%rsp), %rdi		/* the vcpu */
	mov %rax, GPR(0)(%rdi)
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
	pop %rdi
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	xor %eax, %eax
	ret
