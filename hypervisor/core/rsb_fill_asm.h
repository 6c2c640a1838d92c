/* SPDX-License-Identifier: MIT */
/*
 * The return stack buffer fill of the world switches (vmx/vmx_entry.S,
 * svm/svm_entry.S), right after the exit and before corral's first RET:
 * a guest can leave return addresses of its choosing in the RSB, and a RET
 * that underflows or mispredicts would speculate there (Spectre-RSB;
 * host/spec_policy.h). 32 CALLs overwrite every entry with a speculation
 * trap, then their return addresses are dropped from the stack.
 */
/* Assembler macros, which clang-format would mangle: */
/* clang-format off */
#ifndef CORRAL_RSB_FILL_ASM_H
#define CORRAL_RSB_FILL_ASM_H
#ifdef __ASSEMBLER__

#define RSB_FILL_ENTRIES 32

/* Clobbers \tmp and the flags; RSP is as before. */
.macro FILL_RETURN_BUFFER tmp
	mov $(RSB_FILL_ENTRIES / 2), \tmp
771:	call 772f
	int3				/* speculation trap */
772:	call 773f
	int3
773:	dec \tmp
	jnz 771b
	add $(RSB_FILL_ENTRIES * 8), %rsp
.endm

#endif
/* clang-format on */
#endif
