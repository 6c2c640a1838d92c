// SPDX-License-Identifier: MIT
/*
 * MMIO instruction decoder. References are to the Intel SDM Vol 2A
 * chapter 2 (instruction format) and the opcode map in Vol 2D appendix A.
 *
 * The shape is: legacy prefixes, an optional REX right before the opcode
 * (64-bit mode), one or two opcode bytes, ModRM (+SIB, displacement), and
 * an immediate. Anything outside the short table below is refused, so an
 * unexpected instruction fails loudly instead of being emulated wrongly.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <guest/x86_decode.h>

/* Legacy prefixes (SDM Vol 2A §2.1.1). */
#define PFX_OPSIZE 0x66
#define PFX_ADDRSIZE 0x67
#define PFX_ES 0x26
#define PFX_CS 0x2E
#define PFX_SS 0x36
#define PFX_DS 0x3E
#define PFX_FS 0x64
#define PFX_GS 0x65
#define PFX_LOCK 0xF0
#define PFX_REPNE 0xF2
#define PFX_REP 0xF3

/* REX (SDM Vol 2A §2.2.1): 0100WRXB, 64-bit mode only. */
#define REX_MASK 0xF0
#define REX_BASE 0x40
#define REX_W 0x08
#define REX_R 0x04

/* Opcodes (SDM Vol 2B MOV, MOVZX, MOVSX, MOVNTI; Vol 2D Tables ). */
#define OP_MOV_RM8_R8 0x88   /* 88 /r: MOV r/m8, r8 */
#define OP_MOV_RM_R 0x89     /* 89 /r: MOV r/m16/32/64, r */
#define OP_MOV_R8_RM8 0x8A   /* 8A /r: MOV r8, r/m8 */
#define OP_MOV_R_RM 0x8B     /* 8B /r: MOV r, r/m16/32/64 */
#define OP_MOV_AL_MOFFS 0xA0 /* A0: MOV AL, moffs8 */
#define OP_MOV_AX_MOFFS 0xA1 /* A1: MOV rAX, moffs */
#define OP_MOV_MOFFS_AL 0xA2 /* A2: MOV moffs8, AL */
#define OP_MOV_MOFFS_AX 0xA3 /* A3: MOV moffs, rAX */
#define OP_MOV_RM8_IMM8 0xC6 /* C6 /0 ib */
#define OP_MOV_RM_IMM 0xC7   /* C7 /0 iw/id */
#define OP_TWO_BYTE 0x0F
#define OP2_MOVZX_8 0xB6  /* 0F B6 /r: MOVZX r, r/m8 */
#define OP2_MOVZX_16 0xB7 /* 0F B7 /r: MOVZX r, r/m16 */
#define OP2_MOVSX_8 0xBE  /* 0F BE /r: MOVSX r, r/m8 */
#define OP2_MOVSX_16 0xBF /* 0F BF /r: MOVSX r, r/m16 */
#define OP2_MOVNTI 0xC3	  /* NP 0F C3 /r: MOVNTI m32/m64, r32/r64 */

/* ModRM and SIB fields (SDM Vol 2A §2.1.5, Tables 2-1 to 2-3). */
#define MOD_SHIFT 6
#define REG_SHIFT 3
#define FIELD_MASK 7
#define MOD_NO_DISP 0
#define MOD_DISP8 1
#define MOD_DISP32 2 /* disp16 with 16-bit addressing */
#define MOD_REG 3
#define RM_SIB 4	/* 32/64-bit addressing: a SIB byte follows */
#define RM_DISP32 5	/* mod 0: disp32 alone, RIP-relative in 64-bit mode */
#define SIB_BASE_NONE 5 /* mod 0: no base, disp32 */
#define RM16_DISP16 6	/* 16-bit addressing, mod 0: disp16 alone */

/* Byte registers 4-7 are AH, CH, DH, BH unless a REX is present (§2.2.1.2). */
#define REG_AH 4
#define HIGH_BYTE_FIRST 4
#define HIGH_BYTE_LAST 7
#define REG_REX_EXT 8
#define REG_RAX 0

struct cursor {
	const uint8_t *code;
	size_t avail;
	size_t pos;
};

struct prefixes {
	bool opsize;
	bool addrsize;
	bool rex_present;
	uint8_t rex;
};

struct modrm {
	uint8_t mod;
	uint8_t reg;
	uint8_t rm;
};

static uint64_t width_mask(unsigned int bytes)
{
	return bytes >= 8 ? UINT64_MAX : (1ull << (8 * bytes)) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned int bytes)
{
	uint64_t sign;

	if (bytes >= 8)
		return v;
	sign = 1ull << (8 * bytes - 1);
	v &= width_mask(bytes);
	return (v ^ sign) - sign;
}

/*
 * Takes the next byte. The 15-byte limit is checked first: past it the
 * instruction is invalid (#GP on real hardware), whatever avail says.
 */
static int next(struct cursor *c, uint8_t *v)
{
	if (c->pos >= X86_MAX_INSN_LEN)
		return X86_DECODE_UNSUPPORTED;
	if (c->pos >= c->avail)
		return X86_DECODE_TRUNCATED;
	*v = c->code[c->pos++];
	return X86_DECODE_OK;
}

/* Reads an n-byte little-endian field (displacement or immediate). */
static int read_le(struct cursor *c, unsigned int n, uint64_t *v)
{
	uint64_t val = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint8_t b;
		int rc = next(c, &b);

		if (rc)
			return rc;
		val |= (uint64_t)b << (8 * i);
	}
	*v = val;
	return X86_DECODE_OK;
}

static int skip(struct cursor *c, unsigned int n)
{
	uint64_t unused;

	return read_le(c, n, &unused);
}

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case PFX_OPSIZE:
	case PFX_ADDRSIZE:
	case PFX_ES:
	case PFX_CS:
	case PFX_SS:
	case PFX_DS:
	case PFX_FS:
	case PFX_GS:
	case PFX_LOCK:
	case PFX_REPNE:
	case PFX_REP:
		return true;
	}
	return false;
}

static bool is_rex(enum x86_mode mode, uint8_t b)
{
	return mode == X86_MODE_64 && (b & REX_MASK) == REX_BASE;
}

/*
 * Consumes prefixes and returns the first opcode byte in *op. LOCK and
 * REP/REPNE are refused (atomic or string accesses are not emulated). A
 * REX counts only right before the opcode (§2.2.1); one followed by
 * another prefix would be ignored by the CPU, so it is refused here.
 */
static int read_prefixes(struct cursor *c, enum x86_mode mode,
			 struct prefixes *px, uint8_t *op)
{
	uint8_t b;
	int rc;

	for (;;) {
		rc = next(c, &b);
		if (rc)
			return rc;
		if (b == PFX_LOCK || b == PFX_REPNE || b == PFX_REP)
			return X86_DECODE_UNSUPPORTED;
		if (b == PFX_OPSIZE)
			px->opsize = true;
		else if (b == PFX_ADDRSIZE)
			px->addrsize = true;
		else if (!is_legacy_prefix(b))
			break;
	}
	if (is_rex(mode, b)) {
		px->rex_present = true;
		px->rex = b;
		rc = next(c, &b);
		if (rc)
			return rc;
		if (is_legacy_prefix(b) || is_rex(mode, b))
			return X86_DECODE_UNSUPPORTED;
	}
	*op = b;
	return X86_DECODE_OK;
}

/* Operand size (SDM Vol 1 §3.6, Vol 2A §2.2.1.2). */
static uint8_t op_size(enum x86_mode mode, const struct prefixes *px)
{
	if (mode == X86_MODE_64 && (px->rex & REX_W))
		return 8;
	if (mode == X86_MODE_16)
		return px->opsize ? 4 : 2;
	return px->opsize ? 2 : 4;
}

/* Address size: only the ModRM form and the moffs length depend on it. */
static uint8_t addr_size(enum x86_mode mode, const struct prefixes *px)
{
	switch (mode) {
	case X86_MODE_64:
		return px->addrsize ? 4 : 8;
	case X86_MODE_32:
		return px->addrsize ? 2 : 4;
	default:
		return px->addrsize ? 4 : 2;
	}
}

/* 16-bit addressing forms (Table 2-1): no SIB, disp8 or disp16. */
static int skip_mem16(struct cursor *c, const struct modrm *m)
{
	if (m->mod == MOD_DISP8)
		return skip(c, 1);
	if (m->mod == MOD_DISP32 || m->rm == RM16_DISP16)
		return skip(c, 2);
	return X86_DECODE_OK;
}

/* 32/64-bit addressing forms (Tables 2-2, 2-3; RIP-relative §2.2.1.6). */
static int skip_mem32(struct cursor *c, const struct modrm *m)
{
	unsigned int disp = 0;
	uint8_t sib;
	int rc;

	if (m->rm == RM_SIB) {
		rc = next(c, &sib);
		if (rc)
			return rc;
		if (m->mod == MOD_NO_DISP &&
		    (sib & FIELD_MASK) == SIB_BASE_NONE)
			disp = 4;
	} else if (m->mod == MOD_NO_DISP && m->rm == RM_DISP32) {
		disp = 4;
	}
	if (m->mod == MOD_DISP8)
		disp = 1;
	else if (m->mod == MOD_DISP32)
		disp = 4;
	return skip(c, disp);
}

/* Reads ModRM and skips the addressing bytes; register forms are refused. */
static int read_modrm(struct cursor *c, enum x86_mode mode,
		      const struct prefixes *px, struct modrm *m)
{
	uint8_t b;
	int rc = next(c, &b);

	if (rc)
		return rc;
	m->mod = b >> MOD_SHIFT;
	m->reg = (b >> REG_SHIFT) & FIELD_MASK;
	m->rm = b & FIELD_MASK;
	if (m->mod == MOD_REG)
		return X86_DECODE_UNSUPPORTED;
	if (addr_size(mode, px) == 2)
		return skip_mem16(c, m);
	return skip_mem32(c, m);
}

static uint8_t modrm_reg(const struct modrm *m, const struct prefixes *px)
{
	return m->reg | ((px->rex & REX_R) ? REG_REX_EXT : 0);
}

/* An 8-bit register operand: AH..BH without REX, SPL..DIL/R8B.. with. */
static void set_reg8(struct x86_mmio_insn *o, uint8_t reg,
		     const struct prefixes *px)
{
	if (!px->rex_present && reg >= HIGH_BYTE_FIRST &&
	    reg <= HIGH_BYTE_LAST) {
		o->reg = (int8_t)(reg - REG_AH);
		o->high_byte = true;
	} else {
		o->reg = (int8_t)reg;
	}
}

static void set_access(struct x86_mmio_insn *o, enum x86_mmio_op op,
		       uint8_t width, uint8_t reg_width)
{
	o->op = op;
	o->width = width;
	o->reg_width = reg_width;
}

/* 88, 89, 8A, 8B: MOV between a register and memory. */
static int decode_mov(struct cursor *c, enum x86_mode mode,
		      const struct prefixes *px, uint8_t op,
		      struct x86_mmio_insn *o)
{
	bool byte = op == OP_MOV_RM8_R8 || op == OP_MOV_R8_RM8;
	bool load = op == OP_MOV_R8_RM8 || op == OP_MOV_R_RM;
	uint8_t w = byte ? 1 : op_size(mode, px);
	struct modrm m;
	int rc = read_modrm(c, mode, px, &m);

	if (rc)
		return rc;
	set_access(o, load ? X86_MMIO_LOAD : X86_MMIO_STORE, w, w);
	if (byte)
		set_reg8(o, modrm_reg(&m, px), px);
	else
		o->reg = (int8_t)modrm_reg(&m, px);
	return X86_DECODE_OK;
}

/* C6 /0 ib, C7 /0 iw/id: MOV memory, immediate. */
static int decode_mov_imm(struct cursor *c, enum x86_mode mode,
			  const struct prefixes *px, uint8_t op,
			  struct x86_mmio_insn *o)
{
	uint8_t w = op == OP_MOV_RM8_IMM8 ? 1 : op_size(mode, px);
	unsigned int imm_len = w == 8 ? 4 : w; /* imm32 for 64-bit stores */
	struct modrm m;
	uint64_t imm;
	int rc = read_modrm(c, mode, px, &m);

	if (rc)
		return rc;
	if (m.reg != 0) /* C6/C7 with reg != 0 are other instructions */
		return X86_DECODE_UNSUPPORTED;
	rc = read_le(c, imm_len, &imm);
	if (rc)
		return rc;
	if (w == 8) /* imm32 sign-extended to 64 bits */
		imm = sign_extend(imm, 4);
	set_access(o, X86_MMIO_STORE, w, w);
	o->reg = -1;
	o->imm = imm;
	return X86_DECODE_OK;
}

/* A0-A3: MOV between AL/rAX and an absolute address (moffs). */
static int decode_moffs(struct cursor *c, enum x86_mode mode,
			const struct prefixes *px, uint8_t op,
			struct x86_mmio_insn *o)
{
	bool byte = op == OP_MOV_AL_MOFFS || op == OP_MOV_MOFFS_AL;
	bool load = op == OP_MOV_AL_MOFFS || op == OP_MOV_AX_MOFFS;
	uint8_t w = byte ? 1 : op_size(mode, px);
	int rc = skip(c, addr_size(mode, px));

	if (rc)
		return rc;
	set_access(o, load ? X86_MMIO_LOAD : X86_MMIO_STORE, w, w);
	o->reg = REG_RAX;
	return X86_DECODE_OK;
}

/* 0F B6/B7/BE/BF: MOVZX/MOVSX load; the register gets the operand size. */
static int decode_movx(struct cursor *c, enum x86_mode mode,
		       const struct prefixes *px, uint8_t op2,
		       struct x86_mmio_insn *o)
{
	bool from_byte = op2 == OP2_MOVZX_8 || op2 == OP2_MOVSX_8;
	bool sign = op2 == OP2_MOVSX_8 || op2 == OP2_MOVSX_16;
	struct modrm m;
	int rc = read_modrm(c, mode, px, &m);

	if (rc)
		return rc;
	set_access(o, X86_MMIO_LOAD, from_byte ? 1 : 2, op_size(mode, px));
	o->reg = (int8_t)modrm_reg(&m, px);
	o->ext = sign ? X86_EXT_SIGN : X86_EXT_ZERO;
	return X86_DECODE_OK;
}

/* NP 0F C3: MOVNTI, a plain store for MMIO purposes; 32-bit unless REX.W. */
static int decode_movnti(struct cursor *c, enum x86_mode mode,
			 const struct prefixes *px, struct x86_mmio_insn *o)
{
	uint8_t w = (mode == X86_MODE_64 && (px->rex & REX_W)) ? 8 : 4;
	struct modrm m;
	int rc;

	if (px->opsize) /* "NP": a 66 prefix makes it undefined */
		return X86_DECODE_UNSUPPORTED;
	rc = read_modrm(c, mode, px, &m);
	if (rc)
		return rc;
	set_access(o, X86_MMIO_STORE, w, w);
	o->reg = (int8_t)modrm_reg(&m, px);
	return X86_DECODE_OK;
}

static int decode_two_byte(struct cursor *c, enum x86_mode mode,
			   const struct prefixes *px, struct x86_mmio_insn *o)
{
	uint8_t op2;
	int rc = next(c, &op2);

	if (rc)
		return rc;
	switch (op2) {
	case OP2_MOVZX_8:
	case OP2_MOVZX_16:
	case OP2_MOVSX_8:
	case OP2_MOVSX_16:
		return decode_movx(c, mode, px, op2, o);
	case OP2_MOVNTI:
		return decode_movnti(c, mode, px, o);
	}
	return X86_DECODE_UNSUPPORTED;
}

static int decode_opcode(struct cursor *c, enum x86_mode mode,
			 const struct prefixes *px, uint8_t op,
			 struct x86_mmio_insn *o)
{
	switch (op) {
	case OP_MOV_RM8_R8:
	case OP_MOV_RM_R:
	case OP_MOV_R8_RM8:
	case OP_MOV_R_RM:
		return decode_mov(c, mode, px, op, o);
	case OP_MOV_RM8_IMM8:
	case OP_MOV_RM_IMM:
		return decode_mov_imm(c, mode, px, op, o);
	case OP_MOV_AL_MOFFS:
	case OP_MOV_AX_MOFFS:
	case OP_MOV_MOFFS_AL:
	case OP_MOV_MOFFS_AX:
		return decode_moffs(c, mode, px, op, o);
	case OP_TWO_BYTE:
		return decode_two_byte(c, mode, px, o);
	}
	/* Everything else, including XCHG (86/87, implicitly locked). */
	return X86_DECODE_UNSUPPORTED;
}

int x86_decode_mmio(const uint8_t *code, size_t avail, enum x86_mode mode,
		    struct x86_mmio_insn *out)
{
	struct cursor c = { .code = code, .avail = code ? avail : 0 };
	struct prefixes px = { 0 };
	struct x86_mmio_insn o = { 0 };
	uint8_t op;
	int rc;

	if (!out || mode > X86_MODE_64)
		return X86_DECODE_UNSUPPORTED;
	rc = read_prefixes(&c, mode, &px, &op);
	if (rc == X86_DECODE_OK)
		rc = decode_opcode(&c, mode, &px, op, &o);
	if (rc)
		return rc;
	o.len = (uint8_t)c.pos;
	*out = o;
	return X86_DECODE_OK;
}

uint64_t x86_mmio_load_result(const struct x86_mmio_insn *i, uint64_t old_reg,
			      uint64_t mem)
{
	uint64_t v = mem & width_mask(i->width);
	uint64_t keep;

	if (i->ext == X86_EXT_SIGN)
		v = sign_extend(v, i->width);
	if (i->high_byte)
		return (old_reg & ~0xFF00ull) | ((v & 0xFF) << 8);
	switch (i->reg_width) {
	case 1:
	case 2: /* 8/16-bit writes leave the rest of the register alone */
		keep = ~width_mask(i->reg_width);
		return (old_reg & keep) | (v & width_mask(i->reg_width));
	case 4: /* 32-bit writes zero the upper half (SDM Vol 1 §3.4.1.1) */
		return v & UINT32_MAX;
	case 8:
		return v;
	}
	return old_reg;
}

uint64_t x86_mmio_store_value(const struct x86_mmio_insn *i,
			      const uint64_t gpr[X86_NR_GPRS])
{
	uint64_t v;

	if (i->reg < 0)
		return i->imm & width_mask(i->width);
	if (i->reg >= X86_NR_GPRS)
		return 0;
	v = gpr[i->reg];
	if (i->high_byte)
		v >>= 8;
	return v & width_mask(i->width);
}
