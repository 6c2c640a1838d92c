/* SPDX-License-Identifier: MIT */
/*
 * A deliberately small x86 decoder for MMIO emulation: it recognises the
 * MOV-family instructions that Linux's readb..readq/writeb..writeq emit
 * and refuses everything else. Both backends use it; under QEMU TCG's SVM
 * (no decode assists, no NRIP-save) it is the only source of instruction
 * length and operands. docs/x86-decoder.md lists what is accepted.
 *
 * The guest-physical address comes from the exit (EPT violation / NPF),
 * so no effective address is computed here.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 */
#ifndef CORRAL_X86_DECODE_H
#define CORRAL_X86_DECODE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_MAX_INSN_LEN 15 /* SDM Vol 2 §2.3.11 */
#define X86_NR_GPRS 16

enum x86_mode { X86_MODE_16, X86_MODE_32, X86_MODE_64 };
enum x86_mmio_op { X86_MMIO_LOAD, X86_MMIO_STORE };
enum x86_ext { X86_EXT_NONE, X86_EXT_ZERO, X86_EXT_SIGN };
enum x86_decode_status {
	X86_DECODE_OK = 0,
	X86_DECODE_UNSUPPORTED = -1,
	X86_DECODE_TRUNCATED = -2,
};

struct x86_mmio_insn {
	uint8_t len; /* whole instruction, prefixes included */
	enum x86_mmio_op op;
	uint8_t width; /* bytes accessed in memory: 1, 2, 4, 8 */
	int8_t reg; /* GPR number (0 rax .. 15 r15), -1 for an immediate store */
	bool high_byte; /* the register is AH/CH/DH/BH */
	uint8_t reg_width; /* register width: a load's destination, a store's source */
	enum x86_ext ext; /* movzx/movsx */
	uint64_t
		imm; /* immediate for stores, sign-extended to width as the CPU does */
};

/*
 * Decodes one instruction that accessed memory (the faulting one). Never
 * reads code[avail] or beyond. Returns X86_DECODE_OK and fills *out,
 * X86_DECODE_TRUNCATED if avail ends before the instruction does, or
 * X86_DECODE_UNSUPPORTED for anything not in the table (it never guesses).
 */
int x86_decode_mmio(const uint8_t *code, size_t avail, enum x86_mode mode,
		    struct x86_mmio_insn *out);

/*
 * The new value of GPR `reg` after a load of `mem`: 8/16-bit writes keep
 * the other bits, 32-bit writes zero-extend to 64 (SDM Vol 1 §3.4.1.1),
 * high-byte registers land in bits 15:8, movzx/movsx extend first.
 */
uint64_t x86_mmio_load_result(const struct x86_mmio_insn *i, uint64_t old_reg,
			      uint64_t mem);

/* The value a store writes, from gpr[] or the immediate, truncated to width. */
uint64_t x86_mmio_store_value(const struct x86_mmio_insn *i,
			      const uint64_t gpr[X86_NR_GPRS]);

#endif
