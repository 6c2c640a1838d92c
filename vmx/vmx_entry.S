/* SPDX-License-Identifier: MIT */
/*
 * World switch. vmx_enter(struct vcpu *v, int launched) loads the guest's
 * general-purpose registers from v->gpr[] (offset 0, x86 encoding order) and
 * executes VMLAUNCH or VMRESUME. A VM exit lands at vmx_exit_entry with the
 * host RSP written below (SDM Vol. 3C 28.5), stores the guest registers back
 * and returns 0 from vmx_enter. If the instruction itself fails, vmx_enter
 * returns 1 and the caller reads the VM-instruction error field.
 *
 * Where MDS-class bugs need it, VERW clears the CPU's buffers after the
 * last load of corral's (the guest's registers) and before the entry
 * (host/spec_barriers.h); it changes ZF, so it comes before the test.
 */
#include <core/gpr_asm.h>
#include <core/rsb_fill_asm.h>
#define VMCS_HOST_RSP 0x6c14

.text
.global vmx_enter
vmx_enter:
	PUSH_CALLEE_SAVED
	push %rdi			/* the vcpu, found again at exit */
	mov $VMCS_HOST_RSP, %rax
	vmwrite %rsp, %rax
	mov %esi, %eax			/* launched? */
	LOAD_GUEST_GPRS %rdi
	cmpb $0, spec_verw_at_entry(%rip)
	je 3f
	verw spec_verw_selector(%rip)
3:	test %eax, %eax
	mov GPR(0)(%rdi), %rax
	mov GPR(7)(%rdi), %rdi
	jz 1f
	vmresume
	jmp 2f
1:	vmlaunch
2:	/* VMfail: nothing of the guest ran. */
	pop %rdi
	POP_CALLEE_SAVED
	mov $1, %eax
	ret

.global vmx_exit_entry
vmx_exit_entry:
	push %rdi			/* guest rdi */
	mov 8(%rsp), %rdi		/* the vcpu */
	mov %rax, GPR(0)(%rdi)
	STORE_GUEST_GPRS %rdi
	pop %rax
	mov %rax, GPR(7)(%rdi)
	FILL_RETURN_BUFFER %rax		/* before the first RET */
	pop %rdi
	POP_CALLEE_SAVED
	xor %eax, %eax
	ret
