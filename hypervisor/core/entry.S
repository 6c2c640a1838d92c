/* SPDX-License-Identifier: MIT */
/*
 * The loader jumps here with the boot_info in RDI, interrupts off, on the
 * firmware's page tables (docs/boot_info.md). Switch to our own stack and
 * enter C; hv_main never returns.
 */
.section .text.entry, "ax"
.global _start
_start:
	cli
	cld
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	call hv_main
1:	cli
	hlt
	jmp 1b

.section .bss
.balign 4096
boot_stack:
	.skip 65536
boot_stack_top:
