/* SPDX-License-Identifier: MIT */
/*
 * Guest x87/SSE state. corral itself never touches it (-mgeneral-regs-only),
 * so the registers hold whichever guest ran last on a pCPU; they are saved
 * and restored only when another vCPU takes the pCPU. XCR0 is x87|SSE
 * (AVX and later are not offered), so FXSAVE covers everything
 * (SDM Vol. 1 10.5, 13.3).
 */
#ifndef CORRAL_FPU_H
#define CORRAL_FPU_H
#include <stdint.h>

struct fpu_area {
	uint8_t bytes[512];
} __attribute__((aligned(16)));

/* Sets this CPU's XCR0 to x87|SSE where XSAVE exists (cpu bring-up). */
void fpu_cpu_init(void);
/* The state a vCPU starts with (FNINIT/reset values: FCW 0x37f, MXCSR 0x1f80). */
void fpu_area_init(struct fpu_area *a);
/* Saves the previous owner's registers (if any) and loads `next`'s. */
void fpu_switch(struct fpu_area **owner, struct fpu_area *next);

#endif
