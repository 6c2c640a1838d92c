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
#include <core/gpr_asm.h>
#include <core/rsb_fill_asm.h>

.text
.global svm_enter
svm_enter:
	PUSH_CALLEE_SAVED
	push %rdi			/* vcpu */
	push %rdx			/* host vmcb */
	clgi
	sti
	mov %rsi, %rax			/* guest vmcb for VMLOAD/VMRUN/VMSAVE */
	LOAD_GUEST_GPRS %rdi
	mov GPR(7)(%rdi), %rdi
	vmload %rax
	vmrun %rax
.global svm_vmrun_return
svm_vmrun_return:			/* the host's rip while a guest runs */
	vmsave %rax
	push %rdi			/* guest rdi */
	mov 16(%rsp), %rdi		/* vcpu */
	STORE_GUEST_GPRS %rdi
	pop %rax
	mov %rax, GPR(7)(%rdi)
	pop %rax			/* host vmcb */
	vmload %rax
	FILL_RETURN_BUFFER %rax		/* before the first RET */
	/* #VMEXIT restored the host RFLAGS with IF set: a pending host timer
	 * interrupt is taken (and acknowledged) right here. */
	stgi
	nop
	cli
	pop %rdi
	POP_CALLEE_SAVED
	ret
