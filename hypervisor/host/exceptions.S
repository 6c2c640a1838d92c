/* SPDX-License-Identifier: MIT */
/*
 * Exception entry stubs: each pushes a dummy error code where the CPU does
 * not (SDM Vol. 3A 6.13) and its vector, then joins exception_common, which
 * hands a struct exception_frame to exception_dump() in C.
 */
.text
.macro STUB vec, has_err
.global exc_stub_\vec
exc_stub_\vec:
	.if \has_err == 0
	pushq $0
	.endif
	pushq $\vec
	jmp exception_common
.endm

/* Calls a C function with the caller-saved registers kept, then IRETQ.
 * Its argument is the address of the CPU's interrupt frame (RIP, CS,
 * RFLAGS, RSP, SS above the 9 pushes). The 5-word frame (pushed from a
 * 16-byte aligned RSP) and 9 pushes make 112 bytes: RSP is aligned for
 * the call. */
.macro CALL_AND_IRET fn
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	leaq 72(%rsp), %rdi
	call \fn
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	iretq
.endm

STUB 0,0
STUB 1,0
STUB 2,0
STUB 3,0
STUB 4,0
STUB 5,0
STUB 6,0
STUB 7,0
STUB 8,1
STUB 9,0
STUB 10,1
STUB 11,1
STUB 12,1
STUB 13,1
STUB 14,1
STUB 15,0
STUB 16,0
STUB 17,1
STUB 18,0
STUB 19,0
STUB 20,0
STUB 21,1
STUB 22,0
STUB 23,0
STUB 24,0
STUB 25,0
STUB 26,0
STUB 27,0
STUB 28,0
STUB 29,1
STUB 30,1
STUB 31,0
STUB 32,0

/* The host timer (host_lapic.c): acknowledge and return. Its only job was
 * to force a guest exit; the interrupt itself carries no work. */
.global host_timer_stub, host_spurious_stub
host_timer_stub:
	CALL_AND_IRET host_lapic_eoi
host_spurious_stub:
	iretq

/* NMIs (host/nmi.c): count and return; IRETQ ends NMI blocking (SDM 3A
 * 6.7.1). On IST1, so a bad RSP cannot turn one into a #DF. */
.global host_nmi_stub
host_nmi_stub:
	CALL_AND_IRET host_nmi_received

/* Machine checks (host/mce.c), on IST2. */
.global host_mce_stub
host_mce_stub:
	CALL_AND_IRET host_mce_received

/* Device vectors (host_irq.c): record and acknowledge. */
.macro IRQ_STUB_ADDR vec
	.quad host_irq_stub_\vec
.endm
.macro IRQ_STUB vec
host_irq_stub_\vec:
	pushq %rdi
	movl $\vec, %edi
	jmp host_irq_common
.endm
.altmacro
.set v, 0x30
.rept 0xf0 - 0x30
	IRQ_STUB %v
	.set v, v + 1
.endr
host_irq_common:
	pushq %rax
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	/* The 5-word frame (pushed from a 16-byte aligned RSP) and 9
	 * pushes make 112 bytes: RSP is aligned for the call. */
	call host_irq_received
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rax
	popq %rdi
	iretq

.section .data.rel.ro, "aw"
.global host_irq_stub_table
host_irq_stub_table:
.set v, 0x30
.rept 0xf0 - 0x30
	IRQ_STUB_ADDR %v
	.set v, v + 1
.endr
.text

exception_common:
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	andq $-16, %rsp
	call exception_dump
1:	cli
	hlt
	jmp 1b

.section .data.rel.ro, "aw"
.global exc_stub_table
exc_stub_table:
	.irp v,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32
	.quad exc_stub_\v
	.endr
