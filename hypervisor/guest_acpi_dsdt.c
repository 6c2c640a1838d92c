// SPDX-License-Identifier: MIT
/*
 * The DSDT's AML, emitted by a tiny byte-level assembler.
 *
 * Encodings are from ACPI 6.4 chapter 20 (AML Specification). Each named
 * object gets one function; dsdt_body() calls them in order. A PCI root
 * bridge later is one more function there (Device, _HID, _CRS...), built
 * from aml_pkg_open()/aml_pkg_close() like the package below.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "guest_acpi.h"

/* ACPI 6.4 §20.2.3 Data Objects Encoding. */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_ONES_OP 0xFF
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
/* ACPI 6.4 §20.2.5.1 Namespace Modifier Objects Encoding. */
#define AML_NAME_OP 0x08
/* ACPI 6.4 §20.2.5.4 Expression Opcodes Encoding. */
#define AML_PACKAGE_OP 0x12

/*
 * ACPI 6.4 §20.2.4 Package Length Encoding: one byte holds lengths up to
 * 63; otherwise bits 7:6 of the lead byte count 1-3 following bytes, the
 * lead byte's bits 3:0 hold the low nibble and each following byte the
 * next 8 bits. The length counts the PkgLength bytes themselves.
 */
#define AML_PKGLEN_1_MAX 0x3Fu
#define AML_PKGLEN_NIBBLE_BITS 4
#define AML_PKGLEN_MAX_BYTES 4
#define AML_PKGLEN_COUNT_SHIFT 6

#define AML_NAMESEG_LEN 4

struct aml {
	uint8_t *p;
	size_t cap;
	size_t len;
	bool overflow;
};

static bool aml_room(struct aml *a, size_t n)
{
	if (a->overflow || a->cap - a->len < n) {
		a->overflow = true;
		return false;
	}
	return true;
}

static void aml_byte(struct aml *a, uint8_t v)
{
	if (aml_room(a, 1))
		a->p[a->len++] = v;
}

static void aml_le(struct aml *a, uint64_t v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

/* A NameSeg is exactly four characters (ACPI 6.4 §20.2.2). */
static void aml_nameseg(struct aml *a, const char *seg)
{
	for (unsigned int i = 0; i < AML_NAMESEG_LEN; i++)
		aml_byte(a, (uint8_t)seg[i]);
}

/* The shortest ComputationalData encoding for v (ACPI 6.4 §20.2.3). */
static void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
	} else if (v == 1) {
		aml_byte(a, AML_ONE_OP);
	} else if (v <= UINT8_MAX) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= UINT16_MAX) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= UINT32_MAX) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

/* Starts a PkgLength-prefixed body; returns where the body begins. */
static size_t aml_pkg_open(struct aml *a)
{
	return a->len;
}

static unsigned int aml_pkglen_bytes(size_t body)
{
	if (body + 1 <= AML_PKGLEN_1_MAX)
		return 1;
	for (unsigned int n = 2; n <= AML_PKGLEN_MAX_BYTES; n++) {
		size_t max = ((size_t)1 << (AML_PKGLEN_NIBBLE_BITS + 8 * (n - 1))) - 1;

		if (body + n <= max)
			return n;
	}
	return 0;
}

/*
 * Ends the body begun at `start`: moves it up and writes the minimal
 * PkgLength in front, since its size depends on the body's length.
 */
static void aml_pkg_close(struct aml *a, size_t start)
{
	size_t body = a->len - start;
	unsigned int n = aml_pkglen_bytes(body);
	size_t total = body + n;

	if (a->overflow)
		return;
	if (n == 0 || !aml_room(a, n))
		return;
	memmove(a->p + start + n, a->p + start, body);
	a->len += n;
	if (n == 1) {
		a->p[start] = (uint8_t)total;
		return;
	}
	a->p[start] = (uint8_t)(((n - 1) << AML_PKGLEN_COUNT_SHIFT) |
				(total & 0xF));
	for (unsigned int i = 1; i < n; i++)
		a->p[start + i] = (uint8_t)(total >> (AML_PKGLEN_NIBBLE_BITS +
						      8 * (i - 1)));
}

/* Name(<seg>, Package() { vals... }) with integer elements. */
static void aml_name_int_package(struct aml *a, const char *seg,
				 const uint64_t *vals, uint8_t count)
{
	size_t start;

	aml_byte(a, AML_NAME_OP);
	aml_nameseg(a, seg);
	aml_byte(a, AML_PACKAGE_OP);
	start = aml_pkg_open(a);
	aml_byte(a, count); /* NumElements */
	for (uint8_t i = 0; i < count; i++)
		aml_integer(a, vals[i]);
	aml_pkg_close(a, start);
}

/*
 * Name (_S5, Package () { 5, 5, 0, 0 })
 *
 * ACPI 6.4 §7.4.2: SLP_TYPa, SLP_TYPb, then two reserved entries. Linux's
 * power-off writes SLP_TYPa | SLP_EN to PM1a_CNT. Assembles to
 *   08 5F 53 35 5F 12 08 04 0A 05 0A 05 00 00
 */
static void dsdt_sleep_states(struct aml *a)
{
	static const uint64_t s5[] = { GACPI_SLP_TYP_S5, GACPI_SLP_TYP_S5,
				       0, 0 };

	aml_name_int_package(a, "_S5_", s5, sizeof(s5) / sizeof(s5[0]));
}

/* Every named object of the DSDT, in the root scope. */
static void dsdt_body(struct aml *a, const struct guest_acpi_params *p)
{
	dsdt_sleep_states(a);
}

size_t guest_acpi_dsdt_aml(uint8_t *aml, size_t cap,
			   const struct guest_acpi_params *p)
{
	struct aml a = { .p = aml, .cap = cap };

	dsdt_body(&a, p);
	return a.overflow ? 0 : a.len;
}
