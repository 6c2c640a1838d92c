// SPDX-License-Identifier: MIT
/*
 * x86_decode: real encodings of Linux's MMIO accessors, the register
 * merge rules, every truncation, refused encodings, and random bytes
 * (each decode reads from a heap copy of exactly `avail` bytes, so ASan
 * catches any read past it).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include <guest/x86_decode.h>

#define M16 X86_MODE_16
#define M32 X86_MODE_32
#define M64 X86_MODE_64
#define LD X86_MMIO_LOAD
#define ST X86_MMIO_STORE
#define NONE X86_EXT_NONE
#define ZX X86_EXT_ZERO
#define SX X86_EXT_SIGN
#define IMM_REG (-1)
#define MAX_BYTES 20

struct vec {
	const char *what;
	enum x86_mode mode;
	uint8_t n; /* bytes in code[] (may exceed len: trailing bytes) */
	uint8_t code[MAX_BYTES];
	uint8_t len;
	enum x86_mmio_op op;
	uint8_t width;
	int8_t reg;
	bool high;
	uint8_t reg_width;
	enum x86_ext ext;
	uint64_t imm;
};

/* clang-format off */
static const struct vec good[] = {
	/* readl/writel and friends as gcc emits them for Linux. */
	{ "mov eax,[rax]", M64, 2, { 0x8b, 0x00 }, 2, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov [rax],edx", M64, 2, { 0x89, 0x10 }, 2, ST, 4, 2, 0, 4, NONE, 0 },
	{ "mov eax,[rdi+0xf0]", M64, 6, { 0x8b, 0x87, 0xf0, 0, 0, 0 }, 6, LD, 4, 0, 0, 4, NONE, 0 },
	{ "movl $imm,[rip+x]", M64, 10,
	  { 0xc7, 0x05, 0x10, 0x20, 0x30, 0x00, 0x78, 0x56, 0x34, 0x12 },
	  10, ST, 4, IMM_REG, 0, 4, NONE, 0x12345678 },
	{ "mov rax,[rdx]", M64, 3, { 0x48, 0x8b, 0x02 }, 3, LD, 8, 0, 0, 8, NONE, 0 },
	{ "mov [rbx+0x10],r9d", M64, 4, { 0x44, 0x89, 0x4b, 0x10 }, 4, ST, 4, 9, 0, 4, NONE, 0 },
	{ "movzx eax,byte [rdi]", M64, 3, { 0x0f, 0xb6, 0x07 }, 3, LD, 1, 0, 0, 4, ZX, 0 },
	{ "movzx eax,word [rdi+4]", M64, 4, { 0x0f, 0xb7, 0x47, 0x04 }, 4, LD, 2, 0, 0, 4, ZX, 0 },
	{ "mov [rcx],ax", M64, 3, { 0x66, 0x89, 0x01 }, 3, ST, 2, 0, 0, 2, NONE, 0 },
	{ "mov [rdx+2],cl", M64, 3, { 0x88, 0x4a, 0x02 }, 3, ST, 1, 1, 0, 1, NONE, 0 },
	{ "mov [r12+1],al", M64, 5, { 0x41, 0x88, 0x44, 0x24, 0x01 }, 5, ST, 1, 0, 0, 1, NONE, 0 },
	{ "mov eax,[rcx*4+0x1000]", M64, 7, { 0x8b, 0x04, 0x8d, 0x00, 0x10, 0, 0 },
	  7, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov eax,moffs64", M64, 9, { 0xa1, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0 },
	  9, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov moffs64,rax", M64, 10, { 0x48, 0xa3, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0 },
	  10, ST, 8, 0, 0, 8, NONE, 0 },
	{ "mov al,moffs64", M64, 9, { 0xa0, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, LD, 1, 0, 0, 1, NONE, 0 },
	{ "mov moffs64,al", M64, 9, { 0xa2, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, ST, 1, 0, 0, 1, NONE, 0 },
	{ "mov [rdi+1],ah", M64, 3, { 0x88, 0x67, 0x01 }, 3, ST, 1, 0, 1, 1, NONE, 0 },
	{ "mov [rdi+1],spl", M64, 4, { 0x40, 0x88, 0x67, 0x01 }, 4, ST, 1, 4, 0, 1, NONE, 0 },
	{ "mov bh,[rdi]", M64, 2, { 0x8a, 0x3f }, 2, LD, 1, 3, 1, 1, NONE, 0 },
	{ "mov dil,[rdi]", M64, 3, { 0x40, 0x8a, 0x3f }, 3, LD, 1, 7, 0, 1, NONE, 0 },
	{ "mov r15b,[rdi]", M64, 3, { 0x44, 0x8a, 0x3f }, 3, LD, 1, 15, 0, 1, NONE, 0 },
	{ "mov qword [rax],-1", M64, 7, { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff },
	  7, ST, 8, IMM_REG, 0, 8, NONE, UINT64_MAX },
	{ "mov qword [rax],0x7fffffff", M64, 7, { 0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0x7f },
	  7, ST, 8, IMM_REG, 0, 8, NONE, 0x7fffffff },
	{ "mov byte [rax],0x5a", M64, 3, { 0xc6, 0x00, 0x5a },
	  3, ST, 1, IMM_REG, 0, 1, NONE, 0x5a },
	{ "mov byte [rax],0x80", M64, 3, { 0xc6, 0x00, 0x80 },
	  3, ST, 1, IMM_REG, 0, 1, NONE, 0x80 },
	{ "mov word [rax],0x1234", M64, 5, { 0x66, 0xc7, 0x00, 0x34, 0x12 },
	  5, ST, 2, IMM_REG, 0, 2, NONE, 0x1234 },
	{ "mov word [rip+x],0x8001", M64, 9, { 0x66, 0xc7, 0x05, 1, 2, 3, 4, 0x01, 0x80 },
	  9, ST, 2, IMM_REG, 0, 2, NONE, 0x8001 },
	{ "movsx rax,word [rdi+2]", M64, 5, { 0x48, 0x0f, 0xbf, 0x47, 0x02 },
	  5, LD, 2, 0, 0, 8, SX, 0 },
	{ "movsx eax,byte [rdi]", M64, 3, { 0x0f, 0xbe, 0x07 }, 3, LD, 1, 0, 0, 4, SX, 0 },
	{ "movsx ax,byte [rdi]", M64, 4, { 0x66, 0x0f, 0xbe, 0x07 }, 4, LD, 1, 0, 0, 2, SX, 0 },
	{ "movzx r9d,byte [rdi+8]", M64, 5, { 0x44, 0x0f, 0xb6, 0x4f, 0x08 },
	  5, LD, 1, 9, 0, 4, ZX, 0 },
	{ "movnti [rdi],rax", M64, 4, { 0x48, 0x0f, 0xc3, 0x07 }, 4, ST, 8, 0, 0, 8, NONE, 0 },
	{ "movnti [rsi],ecx", M64, 3, { 0x0f, 0xc3, 0x0e }, 3, ST, 4, 1, 0, 4, NONE, 0 },
	{ "mov r13,[rsp]", M64, 4, { 0x4c, 0x8b, 0x2c, 0x24 }, 4, LD, 8, 13, 0, 8, NONE, 0 },
	{ "mov eax,[rbp+0]", M64, 3, { 0x8b, 0x45, 0x00 }, 3, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov eax,[r13+0]", M64, 4, { 0x41, 0x8b, 0x45, 0x00 }, 4, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov eax,[rip+x] (r13 bit ignored)", M64, 7, { 0x41, 0x8b, 0x05, 1, 2, 3, 4 },
	  7, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov eax,[abs32] via SIB", M64, 7, { 0x8b, 0x04, 0x25, 0, 0, 0xe0, 0xfe },
	  7, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov rax,fs:0x28", M64, 9, { 0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0 },
	  9, LD, 8, 0, 0, 8, NONE, 0 },
	{ "mov eax,[rsp+0x100]", M64, 7, { 0x8b, 0x84, 0x24, 0, 1, 0, 0 },
	  7, LD, 4, 0, 0, 4, NONE, 0 },
	{ "mov eax,[rbp+r13*1+0] SIB base 5 mod 1", M64, 5, { 0x42, 0x8b, 0x44, 0x2d, 0x00 },
	  5, LD, 4, 0, 0, 4, NONE, 0 },
	{ "REX.W beats 66", M64, 4, { 0x66, 0x48, 0x8b, 0x00 }, 4, LD, 8, 0, 0, 8, NONE, 0 },
	{ "addr32 mov eax,[eax]", M64, 3, { 0x67, 0x8b, 0x00 }, 3, LD, 4, 0, 0, 4, NONE, 0 },
	{ "addr32 mov eax,moffs32", M64, 6, { 0x67, 0xa1, 1, 2, 3, 4 },
	  6, LD, 4, 0, 0, 4, NONE, 0 },
	{ "trailing bytes ignored", M64, 6, { 0x8b, 0x00, 0x90, 0x90, 0x90, 0x90 },
	  2, LD, 4, 0, 0, 4, NONE, 0 },
	/* 15 bytes exactly: 3 segment prefixes, REX, C7, ModRM, SIB, disp32, imm32. */
	{ "15-byte mov", M64, 15,
	  { 0x2e, 0x3e, 0x26, 0x48, 0xc7, 0x84, 0x24, 0, 1, 0, 0, 0x78, 0x56, 0x34, 0x12 },
	  15, ST, 8, IMM_REG, 0, 8, NONE, 0x12345678 },
	/* 32-bit mode. */
	{ "32: mov eax,[eax]", M32, 2, { 0x8b, 0x00 }, 2, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,[disp32]", M32, 6, { 0x8b, 0x05, 0, 0, 0xe0, 0xfe },
	  6, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,moffs32", M32, 5, { 0xa1, 0, 0, 0xe0, 0xfe }, 5, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov ax,moffs32", M32, 6, { 0x66, 0xa1, 0, 0, 0xe0, 0xfe },
	  6, LD, 2, 0, 0, 2, NONE, 0 },
	{ "32: mov eax,moffs16", M32, 4, { 0x67, 0xa1, 0x34, 0x12 }, 4, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,[bx]", M32, 3, { 0x67, 0x8b, 0x07 }, 3, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,[disp16]", M32, 5, { 0x67, 0x8b, 0x06, 0x34, 0x12 },
	  5, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,[bx+4]", M32, 4, { 0x67, 0x8b, 0x47, 0x04 }, 4, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov eax,[bx+disp16]", M32, 5, { 0x67, 0x8b, 0x87, 0x34, 0x12 },
	  5, LD, 4, 0, 0, 4, NONE, 0 },
	{ "32: mov [ebx],ah", M32, 2, { 0x88, 0x23 }, 2, ST, 1, 0, 1, 1, NONE, 0 },
	{ "32: movl $imm,[eax]", M32, 6, { 0xc7, 0x00, 1, 2, 3, 0x84 },
	  6, ST, 4, IMM_REG, 0, 4, NONE, 0x84030201 },
	/* 16-bit mode. */
	{ "16: mov ax,[bx]", M16, 2, { 0x8b, 0x07 }, 2, LD, 2, 0, 0, 2, NONE, 0 },
	{ "16: mov eax,[bx]", M16, 3, { 0x66, 0x8b, 0x07 }, 3, LD, 4, 0, 0, 4, NONE, 0 },
	{ "16: mov ax,moffs16", M16, 3, { 0xa1, 0x34, 0x12 }, 3, LD, 2, 0, 0, 2, NONE, 0 },
	{ "16: mov ax,[eax]", M16, 3, { 0x67, 0x8b, 0x00 }, 3, LD, 2, 0, 0, 2, NONE, 0 },
	{ "16: mov ax,[ecx*4+0x1000]", M16, 8, { 0x67, 0x8b, 0x04, 0x8d, 0, 0x10, 0, 0 },
	  8, LD, 2, 0, 0, 2, NONE, 0 },
	{ "16: mov word [bx],imm16", M16, 4, { 0xc7, 0x07, 0x34, 0x12 },
	  4, ST, 2, IMM_REG, 0, 2, NONE, 0x1234 },
};
/* clang-format on */

struct bad {
	const char *what;
	enum x86_mode mode;
	uint8_t n;
	uint8_t code[MAX_BYTES];
};

static const struct bad unsupported[] = {
	{ "lock add [rax],eax", M64, 3, { 0xf0, 0x01, 0x00 } },
	{ "lock mov (invalid)", M64, 3, { 0xf0, 0x89, 0x00 } },
	{ "rep movsd", M64, 2, { 0xf3, 0xa5 } },
	{ "rep movsq", M64, 3, { 0xf3, 0x48, 0xa5 } },
	{ "repne prefix", M64, 3, { 0xf2, 0x8b, 0x00 } },
	{ "movs", M64, 1, { 0xa5 } },
	{ "mod=3 mov eax,eax", M64, 2, { 0x8b, 0xc0 } },
	{ "mod=3 movzx", M64, 3, { 0x0f, 0xb6, 0xc0 } },
	{ "mod=3 movnti", M64, 3, { 0x0f, 0xc3, 0xc0 } },
	{ "mod=3 mov imm", M64, 6, { 0xc7, 0xc0, 1, 2, 3, 4 } },
	{ "ud2", M64, 2, { 0x0f, 0x0b } },
	{ "xchg [rax],eax", M64, 2, { 0x87, 0x00 } },
	{ "xchg [rax],al", M64, 2, { 0x86, 0x00 } },
	{ "add [rax],eax", M64, 2, { 0x01, 0x00 } },
	{ "C7 /1", M64, 7, { 0xc7, 0x48, 0x04, 1, 2, 3, 4 } },
	{ "C6 /7", M64, 3, { 0xc6, 0x38, 0x01 } },
	{ "REX then 66", M64, 4, { 0x48, 0x66, 0x8b, 0x00 } },
	{ "REX then REX", M64, 4, { 0x48, 0x48, 0x8b, 0x00 } },
	{ "32: 48 is dec eax", M32, 3, { 0x48, 0x8b, 0x00 } },
	{ "66 movnti", M64, 4, { 0x66, 0x0f, 0xc3, 0x07 } },
	{ "VEX", M64, 5, { 0xc4, 0xe2, 0x79, 0x18, 0x00 } },
	{ "jmp [rax]", M64, 2, { 0xff, 0x20 } },
	{ "mov [rax],es", M64, 2, { 0x8c, 0x00 } },
	{ "0F 38 escape", M64, 4, { 0x0f, 0x38, 0x00, 0x00 } },
	{ "16 prefixes",
	  M64,
	  18,
	  { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
	    0x66, 0x66, 0x66, 0x66, 0x66, 0x8b, 0x00 } },
	{ "16-byte mov",
	  M64,
	  16,
	  { 0x2e, 0x3e, 0x26, 0x64, 0x48, 0xc7, 0x84, 0x24, 0, 1, 0, 0, 0x78,
	    0x56, 0x34, 0x12 } },
	{ "15 bytes, not done",
	  M64,
	  17,
	  { 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x2e, 0x3e, 0x26, 0x64, 0x65, 0x8b,
	    0x84, 0x24, 0, 1, 0, 0 } },
};

/* Decodes from a heap copy of exactly avail bytes. */
static int decode(const uint8_t *code, size_t avail, enum x86_mode mode,
		  struct x86_mmio_insn *out)
{
	uint8_t *copy = malloc(avail ? avail : 1);
	int rc;

	memcpy(copy, code, avail);
	rc = x86_decode_mmio(avail ? copy : NULL, avail, mode, out);
	free(copy);
	return rc;
}

static void check_vec(const struct vec *v)
{
	struct x86_mmio_insn i;
	int rc = decode(v->code, v->n, v->mode, &i);

	CHECK_EQ(rc, X86_DECODE_OK);
	if (rc != X86_DECODE_OK) {
		fprintf(stderr, "  in: %s\n", v->what);
		return;
	}
	CHECK_EQ(i.len, v->len);
	CHECK_EQ(i.op, v->op);
	CHECK_EQ(i.width, v->width);
	CHECK_EQ(i.reg, v->reg);
	CHECK_EQ(i.high_byte, v->high);
	CHECK_EQ(i.reg_width, v->reg_width);
	CHECK_EQ(i.ext, v->ext);
	if (v->reg == IMM_REG)
		CHECK_EQ(i.imm, v->imm);
	if (i.len != v->len || i.width != v->width || i.reg != v->reg)
		fprintf(stderr, "  in: %s\n", v->what);
}

/* Every proper prefix of a good encoding is TRUNCATED. */
static void check_truncations(const struct vec *v)
{
	for (size_t avail = 0; avail < v->len; avail++) {
		struct x86_mmio_insn i;
		int rc = decode(v->code, avail, v->mode, &i);

		CHECK_EQ(rc, X86_DECODE_TRUNCATED);
		if (rc != X86_DECODE_TRUNCATED)
			fprintf(stderr, "  in: %s, avail %zu\n", v->what,
				avail);
	}
}

static void test_good(void)
{
	for (size_t k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		check_vec(&good[k]);
		check_truncations(&good[k]);
	}
}

static void test_unsupported(void)
{
	for (size_t k = 0; k < sizeof(unsupported) / sizeof(unsupported[0]);
	     k++) {
		const struct bad *b = &unsupported[k];
		struct x86_mmio_insn i;
		int rc = decode(b->code, b->n, b->mode, &i);

		CHECK_EQ(rc, X86_DECODE_UNSUPPORTED);
		if (rc != X86_DECODE_UNSUPPORTED)
			fprintf(stderr, "  in: %s\n", b->what);
	}
}

static struct x86_mmio_insn must_decode(enum x86_mode mode, const uint8_t *code,
					size_t n)
{
	struct x86_mmio_insn i = { 0 };

	CHECK_EQ(decode(code, n, mode, &i), X86_DECODE_OK);
	return i;
}

#define DECODE64(...)                                      \
	must_decode(M64, (const uint8_t[]){ __VA_ARGS__ }, \
		    sizeof((const uint8_t[]){ __VA_ARGS__ }))

static void test_load_result(void)
{
	const uint64_t old = 0x1122334455667788ull;
	struct x86_mmio_insn i;

	i = DECODE64(0x8b, 0x00); /* mov eax: zero-extends */
	CHECK_EQ(x86_mmio_load_result(&i, UINT64_MAX, 0xdeadbeef12345678ull),
		 0x12345678);
	i = DECODE64(0x66, 0x8b, 0x00); /* mov ax: keeps 63:16 */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xabcd), 0x112233445566abcdull);
	i = DECODE64(0x8a, 0x07); /* mov al */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xffffff5a),
		 0x112233445566775aull);
	i = DECODE64(0x8a, 0x27); /* mov ah */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xab), 0x112233445566ab88ull);
	i = DECODE64(0x40, 0x8a, 0x27); /* mov spl */
	CHECK_EQ(i.reg, 4);
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xab), 0x11223344556677abull);
	i = DECODE64(0x48, 0x8b, 0x00); /* mov rax */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x8000000000000001ull),
		 0x8000000000000001ull);
	i = DECODE64(0x0f, 0xb6, 0x07); /* movzx eax, byte */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x1ff), 0xff);
	i = DECODE64(0x0f, 0xbe, 0x07); /* movsx eax, byte */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x80), 0xffffff80);
	i = DECODE64(0x48, 0x0f, 0xbf, 0x07); /* movsx rax, word */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x8000), 0xffffffffffff8000ull);
	i = DECODE64(0x66, 0x0f, 0xbe, 0x07); /* movsx ax, byte */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x80), 0x112233445566ff80ull);
	i = DECODE64(0x66, 0x0f, 0xb6, 0x07); /* movzx ax, byte */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xff), 0x11223344556600ffull);
	i = DECODE64(0x0f, 0xb7, 0x07); /* movzx eax, word */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0xfffff00d), 0xf00d);
	i = DECODE64(0xa0, 0, 0, 0, 0, 0, 0, 0, 0); /* mov al, moffs */
	CHECK_EQ(x86_mmio_load_result(&i, old, 0x42), 0x1122334455667742ull);
}

static void test_store_value(void)
{
	uint64_t gpr[X86_NR_GPRS];
	struct x86_mmio_insn i;

	for (int r = 0; r < X86_NR_GPRS; r++)
		gpr[r] = 0x1122334455667700ull | (uint64_t)r;
	i = DECODE64(0x89, 0x10); /* mov [rax], edx */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x55667702);
	i = DECODE64(0x88, 0x67, 0x01); /* mov [rdi+1], ah */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x77);
	i = DECODE64(0x40, 0x88, 0x67, 0x01); /* mov [rdi+1], spl */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x04);
	i = DECODE64(0x44, 0x89, 0x4b, 0x10); /* mov [rbx+0x10], r9d */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x55667709);
	i = DECODE64(0x4c, 0x89, 0x3f); /* mov [rdi], r15 */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x112233445566770full);
	i = DECODE64(0x66, 0x89, 0x01); /* mov [rcx], ax */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x7700);
	i = DECODE64(0x48, 0xc7, 0x00, 0x00, 0x00, 0x00, 0x80); /* imm32 < 0 */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0xffffffff80000000ull);
	i = DECODE64(0xc7, 0x00, 0x00, 0x00, 0x00, 0x80);
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x80000000);
	i = DECODE64(0xc6, 0x00, 0xfe);
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0xfe);
	i = DECODE64(0x48, 0xa3, 0, 0, 0, 0, 0, 0, 0, 0); /* mov moffs, rax */
	CHECK_EQ(x86_mmio_store_value(&i, gpr), 0x1122334455667700ull);
}

/* A deterministic xorshift64 generator. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Bytes that steer the decoder into its interesting paths. */
static uint8_t rng_byte(void)
{
	static const uint8_t hot[] = { 0x66, 0x67, 0x2e, 0x64, 0x48, 0x44, 0x41,
				       0x4f, 0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xc6,
				       0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0xb6, 0xb7,
				       0xbe, 0xbf, 0xc3, 0x04, 0x05, 0x24, 0x25,
				       0x44, 0x84, 0xf0, 0xf3 };
	uint64_t r = rng();

	if (r & 1)
		return hot[(r >> 8) % sizeof(hot)];
	return (uint8_t)(r >> 16);
}

static void test_random(void)
{
	unsigned long ok = 0, bad = 0;

	for (int iter = 0; iter < 300000; iter++) {
		uint8_t code[MAX_BYTES];
		size_t avail = rng() % (MAX_BYTES + 1);
		enum x86_mode mode = (enum x86_mode)(rng() % 3);
		struct x86_mmio_insn i;
		int rc;

		for (size_t k = 0; k < avail; k++)
			code[k] = rng_byte();
		rc = decode(code, avail, mode, &i);
		if (rc == X86_DECODE_OK) {
			ok++;
			if (i.len > avail || i.len > X86_MAX_INSN_LEN ||
			    i.len == 0 ||
			    (i.width != 1 && i.width != 2 && i.width != 4 &&
			     i.width != 8) ||
			    i.reg < -1 || i.reg >= X86_NR_GPRS)
				bad++;
		} else if (rc != X86_DECODE_UNSUPPORTED &&
			   rc != X86_DECODE_TRUNCATED) {
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(ok > 1000); /* the generator does reach the good paths */
}

static void test_null(void)
{
	struct x86_mmio_insn i;

	CHECK_EQ(x86_decode_mmio(NULL, 0, M64, &i), X86_DECODE_TRUNCATED);
	CHECK_EQ(x86_decode_mmio((const uint8_t[]){ 0x8b, 0x00 }, 2, M64, NULL),
		 X86_DECODE_UNSUPPORTED);
}

int main(void)
{
	test_good();
	test_unsupported();
	test_load_result();
	test_store_value();
	test_random();
	test_null();
	return test_summary();
}
