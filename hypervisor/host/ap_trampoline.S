/* SPDX-License-Identifier: MIT */
/*
 * AP start-up code, copied to the page below 1 MiB that the loader reserved.
 * A SIPI starts the AP in real mode at that page (SDM Vol. 3A 8.4.4.1); it
 * switches to protected mode, then long mode with corral's page tables
 * (SDM Vol. 3A 9.8.5), and jumps to ap_entry with its percpu in RDI.
 * The C side patches the slots after ap_tramp_data before each start.
 */
#define OFF(x) ((x) - ap_tramp_start)
#define MSR_EFER 0xc0000080
#define EFER_LME 0x100
#define CR0_PE 0x1
#define CR0_PG 0x80000000
#define CR4_PAE 0x20

.section .rodata
.global ap_tramp_start, ap_tramp_end
.global ap_tramp_gdtr, ap_tramp_far32, ap_tramp_far64
.global ap_tramp_cr3, ap_tramp_stack, ap_tramp_percpu, ap_tramp_entry
.balign 16
ap_tramp_start:
.code16
	cli
	cld
	mov %cs, %ax
	mov %ax, %ds
	movzwl %ax, %ebx
	shl $4, %ebx			/* EBX = the trampoline's linear base */
	lgdtl OFF(ap_tramp_gdtr)
	mov %cr0, %eax
	or $CR0_PE, %eax
	mov %eax, %cr0
	ljmpl *OFF(ap_tramp_far32)
.code32
ap_tramp_pm32:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	mov %cr4, %eax
	or $CR4_PAE, %eax
	mov %eax, %cr4
	mov OFF(ap_tramp_cr3)(%ebx), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $EFER_LME, %eax
	wrmsr
	mov %cr0, %eax
	or $CR0_PG, %eax
	mov %eax, %cr0
	ljmpl *OFF(ap_tramp_far64)(%ebx)
.code64
ap_tramp_lm64:
	mov OFF(ap_tramp_stack)(%rbx), %rsp
	mov OFF(ap_tramp_percpu)(%rbx), %rdi
	mov OFF(ap_tramp_entry)(%rbx), %rax
	jmp *%rax

.balign 8
ap_tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
ap_tramp_gdtr:
	.word 31
	.long 0				/* patched: base + OFF(ap_tramp_gdt) */
.balign 8
ap_tramp_far32:
	.long 0				/* patched: base + OFF(ap_tramp_pm32) */
	.word 0x08
.balign 8
ap_tramp_far64:
	.long 0				/* patched: base + OFF(ap_tramp_lm64) */
	.word 0x18
.balign 8
ap_tramp_cr3:	.quad 0
ap_tramp_stack:	.quad 0
ap_tramp_percpu: .quad 0
ap_tramp_entry:	.quad 0
.global ap_tramp_gdt_sym, ap_tramp_pm32_sym, ap_tramp_lm64_sym
.set ap_tramp_gdt_sym, ap_tramp_gdt
.set ap_tramp_pm32_sym, ap_tramp_pm32
.set ap_tramp_lm64_sym, ap_tramp_lm64
ap_tramp_end:
