// SPDX-License-Identifier: MIT
/*
 * The DSDT's AML, emitted by a tiny byte-level assembler.
 *
 * Encodings are from ACPI 6.4 chapter 20 (AML Specification), resource
 * descriptors from §6.4. Each named object gets one function; dsdt_body()
 * calls them in order. With PCI, \_SB.PCI0 (the host bridge) and
 * \_SB.MCFG (the ECAM reservation) follow \_S5. The bytes are what iasl
 * 20200925 makes of the ASL in docs/virtual-pci.md; tests/unit/
 * test_guest_acpi.c holds them as golden data.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <guest/guest_acpi_dsdt.h>

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
#define AML_SCOPE_OP 0x10
/* ACPI 6.4 §20.2.5.2 Named Objects Encoding. */
#define AML_EXT_OP_PREFIX 0x5B
#define AML_EXT_DEVICE_OP 0x82
#define AML_METHOD_OP 0x14
#define AML_CREATE_DWORD_FIELD_OP 0x8A
/* ACPI 6.4 §20.2.5.3 Statement Opcodes Encoding. */
#define AML_IF_OP 0xA0
#define AML_ELSE_OP 0xA1
#define AML_RETURN_OP 0xA4
/* ACPI 6.4 §20.2.5.4 Expression Opcodes Encoding. */
#define AML_BUFFER_OP 0x11
#define AML_PACKAGE_OP 0x12
#define AML_STORE_OP 0x70
#define AML_OR_OP 0x7D
#define AML_LEQUAL_OP 0x93
/* ACPI 6.4 §20.2.6.1 Arg Objects Encoding. */
#define AML_ARG0_OP 0x68
#define AML_ARG3_OP 0x6B

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
		size_t max =
			((size_t)1 << (AML_PKGLEN_NIBBLE_BITS + 8 * (n - 1))) -
			1;

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
	a->p[start] =
		(uint8_t)(((n - 1) << AML_PKGLEN_COUNT_SHIFT) | (total & 0xF));
	for (unsigned int i = 1; i < n; i++)
		a->p[start + i] = (uint8_t)(total >> (AML_PKGLEN_NIBBLE_BITS +
						      8 * (i - 1)));
}

/* ExtOpPrefix-less opcodes with a PkgLength body: Scope, Method, If... */
static size_t aml_open(struct aml *a, uint8_t op)
{
	aml_byte(a, op);
	return aml_pkg_open(a);
}

/* Name (<seg>, <integer>) */
static void aml_name_int(struct aml *a, const char *seg, uint64_t v)
{
	aml_byte(a, AML_NAME_OP);
	aml_nameseg(a, seg);
	aml_integer(a, v);
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
	static const uint64_t s5[] = { GACPI_SLP_TYP_S5, GACPI_SLP_TYP_S5, 0,
				       0 };

	aml_name_int_package(a, "_S5_", s5, sizeof(s5) / sizeof(s5[0]));
}

/*
 * EISAID("PNP0A08") (ACPI 6.4 §19.6.35): three letters of five bits each
 * ('A' = 1) and four hex digits, as a big-endian 32-bit number stored
 * little-endian, i.e. the compressed ID's bytes in order.
 */
#define EISA_LETTER(c) ((uint32_t)((c) - '@') & 0x1F)
#define EISA_ID(a, b, c, prod)                                          \
	__builtin_bswap32(EISA_LETTER(a) << 26 | EISA_LETTER(b) << 21 | \
			  EISA_LETTER(c) << 16 | (uint32_t)(prod))
#define PNP_PCIE_HOST_BRIDGE EISA_ID('P', 'N', 'P', 0x0A08)
#define PNP_PCI_HOST_BRIDGE EISA_ID('P', 'N', 'P', 0x0A03)
#define PNP_MOTHERBOARD_RESOURCES EISA_ID('P', 'N', 'P', 0x0C02)

/* ---- resource templates (ACPI 6.4 §6.4) ---- */

/* The largest _CRS here: WordBus + 2 WordIO + DWord + QWord + End = 122. */
#define RES_MAX 128

struct res {
	uint8_t b[RES_MAX];
	size_t len;
	bool overflow;
};

static void res_le(struct res *r, uint64_t v, unsigned int bytes)
{
	if (r->overflow || RES_MAX - r->len < bytes) {
		r->overflow = true;
		return;
	}
	for (unsigned int i = 0; i < bytes; i++)
		r->b[r->len++] = (uint8_t)(v >> (8 * i));
}

/* Large resource items (§6.4.3): 0x80 | name. */
#define RES_QWORD_ADDRESS 0x8A
#define RES_DWORD_ADDRESS 0x87
#define RES_WORD_ADDRESS 0x88
#define RES_FIXED_MEMORY32 0x86
#define RES_END_TAG 0x79 /* small item 0xF, length 1 (§6.4.2.9) */
/* Address space descriptors, Resource Type (§6.4.3.5.1, Table 6.44). */
#define RES_TYPE_MEMORY 0
#define RES_TYPE_IO 1
#define RES_TYPE_BUS 2
/* General Flags: _MAF (3), _MIF (2), _DEC (1, 0 = positive), consumer (0). */
#define RES_GEN_PRODUCER 0x0C
#define RES_GEN_CONSUMER 0x0D
/* Type Specific Flags (§6.4.3.5.4, .5): memory _MEM and _RW; I/O _RNG. */
#define RES_MEM_NONCACHEABLE_RW 0x01
#define RES_IO_ENTIRE_RANGE 0x03
#define RES_FIXED_MEM_RW 0x01

/*
 * Word/DWord/QWord Address Space Descriptor (§6.4.3.5.1-3) of `width`
 * bytes per field: MinFixed and MaxFixed, so _GRA is 0 (Table 6.42) and
 * _LEN = max - min + 1. No translation, no resource source.
 */
static void res_address(struct res *r, unsigned int width, uint8_t type,
			uint8_t gen, uint8_t spec, uint64_t min, uint64_t max)
{
	uint8_t tag = width == 2 ? RES_WORD_ADDRESS :
		      width == 4 ? RES_DWORD_ADDRESS :
				   RES_QWORD_ADDRESS;

	res_le(r, tag, 1);
	res_le(r, 3 + 5 * width, 2); /* bytes after the length field */
	res_le(r, type, 1);
	res_le(r, gen, 1);
	res_le(r, spec, 1);
	res_le(r, 0, width); /* _GRA */
	res_le(r, min, width);
	res_le(r, max, width);
	res_le(r, 0, width); /* _TRA */
	res_le(r, max - min + 1, width);
}

/* 32-Bit Fixed Memory Range Descriptor (§6.4.3.4). */
static void res_fixed_memory32(struct res *r, uint32_t base, uint32_t len)
{
	res_le(r, RES_FIXED_MEMORY32, 1);
	res_le(r, 9, 2);
	res_le(r, RES_FIXED_MEM_RW, 1);
	res_le(r, base, 4);
	res_le(r, len, 4);
}

/* Name (<seg>, ResourceTemplate () {...}): a Buffer ending in End Tag. */
static void aml_name_resources(struct aml *a, const char *seg, struct res *r)
{
	size_t start;

	res_le(r, RES_END_TAG, 1);
	res_le(r, 0, 1); /* checksum 0: "treated as correct" (§6.4.2.9) */
	if (r->overflow) {
		a->overflow = true;
		return;
	}
	aml_byte(a, AML_NAME_OP);
	aml_nameseg(a, seg);
	start = aml_open(a, AML_BUFFER_OP);
	aml_integer(a, r->len); /* BufferSize */
	for (size_t i = 0; i < r->len; i++)
		aml_byte(a, r->b[i]);
	aml_pkg_close(a, start);
}

/* ---- \_SB.PCI0 ---- */

#define PCI_IO_LOW_END 0x0CF7 /* 0xCF8-0xCFF is conf1, not a window */
#define PCI_IO_HIGH_BASE 0x0D00
#define PCI_IO_END 0xFFFF
#define FOUR_GIB 0x100000000ull

/*
 * _CRS (§6.2.2) of the host bridge: the buses it decodes and its windows
 * (Producer: it passes them down to the bus). PCI Firmware 3.2 §4.1.4
 * asks for bus numbers in _CRS; Linux takes each window as a root bus
 * resource and claims the BARs inside them.
 */
static void pci0_crs(struct aml *a, const struct guest_acpi_params *p)
{
	struct res r = { 0 };

	res_address(&r, 2, RES_TYPE_BUS, RES_GEN_PRODUCER, 0, 0, p->bus_end);
	res_address(&r, 2, RES_TYPE_IO, RES_GEN_PRODUCER, RES_IO_ENTIRE_RANGE,
		    0, PCI_IO_LOW_END);
	res_address(&r, 2, RES_TYPE_IO, RES_GEN_PRODUCER, RES_IO_ENTIRE_RANGE,
		    PCI_IO_HIGH_BASE, PCI_IO_END);
	if (p->mmio32_end > p->mmio32_base)
		res_address(&r, 4, RES_TYPE_MEMORY, RES_GEN_PRODUCER,
			    RES_MEM_NONCACHEABLE_RW, p->mmio32_base,
			    p->mmio32_end);
	if (p->mmio64_end > p->mmio64_base)
		res_address(&r, 8, RES_TYPE_MEMORY, RES_GEN_PRODUCER,
			    RES_MEM_NONCACHEABLE_RW, p->mmio64_base,
			    p->mmio64_end);
	aml_name_resources(a, "_CRS", &r);
}

/*
 * _PRT (§6.2.13): Package { Address, Pin, Source, Source Index } per
 * entry. Address is (slot << 16) | 0xFFFF (any function); Source 0
 * means Source Index is a GSI.
 */
#define PRT_ANY_FUNCTION 0xFFFFu
#define PRT_ENTRY_FIELDS 4

static void pci0_prt(struct aml *a, const struct guest_acpi_params *p)
{
	size_t outer;

	aml_byte(a, AML_NAME_OP);
	aml_nameseg(a, "_PRT");
	outer = aml_open(a, AML_PACKAGE_OP);
	aml_byte(a, p->nr_prt); /* NumElements */
	for (unsigned int i = 0; i < p->nr_prt; i++) {
		size_t inner = aml_open(a, AML_PACKAGE_OP);

		aml_byte(a, PRT_ENTRY_FIELDS);
		aml_integer(a,
			    (uint32_t)p->prt[i].slot << 16 | PRT_ANY_FUNCTION);
		aml_integer(a, p->prt[i].pin);
		aml_byte(a, AML_ZERO_OP);
		aml_integer(a, p->prt[i].gsi);
		aml_pkg_close(a, inner);
	}
	aml_pkg_close(a, outer);
}

/* ToUUID ("33DB4D5B-1FF7-401C-9657-7441C03DD766"): PCI host bridge _OSC
 * (PCI Firmware 3.2 §4.5.1), in ToUUID byte order (§19.6.142). */
static const uint8_t pci_osc_uuid[16] = {
	0x5B, 0x4D, 0xDB, 0x33, 0xF7, 0x1F, 0x1C, 0x40,
	0x96, 0x57, 0x74, 0x41, 0xC0, 0x3D, 0xD7, 0x66,
};

/* _OSC status bits in the first capabilities dword (§6.2.11, Table 6.11). */
#define OSC_UNRECOGNIZED_UUID 0x04
#define OSC_CAPABILITIES_MASKED 0x10
#define OSC_CONTROL_DWORD_OFFSET 8 /* CDW3: the Control field */
#define METHOD_FLAGS_4_ARGS 0x04   /* ArgCount 4, NotSerialized, SyncLevel 0 */

/* CreateDWordField (Arg3, <index>, <seg>) */
static void aml_arg3_dword_field(struct aml *a, uint8_t index, const char *seg)
{
	aml_byte(a, AML_CREATE_DWORD_FIELD_OP);
	aml_byte(a, AML_ARG3_OP);
	aml_integer(a, index);
	aml_nameseg(a, seg);
}

/* CDW1 |= <bits>, i.e. Or (CDW1, <bits>, CDW1) */
static void aml_cdw1_or(struct aml *a, uint8_t bits)
{
	aml_byte(a, AML_OR_OP);
	aml_nameseg(a, "CDW1");
	aml_integer(a, bits);
	aml_nameseg(a, "CDW1");
}

/*
 * _OSC (§6.2.11) granting the OS no control of any PCIe feature (native
 * hot-plug, PME, AER, the capability structure, LTR, DPC): the hypervisor
 * owns the physical hierarchy. For the PCI UUID it clears the Control
 * dword and, if the OS asked for anything, sets Capabilities Masked;
 * for any other UUID it reports Unrecognized UUID.
 *
 *   Method (_OSC, 4, NotSerialized) {
 *       CreateDWordField (Arg3, Zero, CDW1)
 *       If ((Arg0 == ToUUID ("33db4d5b-1ff7-401c-9657-7441c03dd766"))) {
 *           CreateDWordField (Arg3, 0x08, CDW3)
 *           If (CDW3) { CDW1 |= 0x10 }
 *           CDW3 = Zero
 *       } Else { CDW1 |= 0x04 }
 *       Return (Arg3)
 *   }
 */
static void pci0_osc(struct aml *a)
{
	size_t method, cond, inner, buf, other;

	method = aml_open(a, AML_METHOD_OP);
	aml_nameseg(a, "_OSC");
	aml_byte(a, METHOD_FLAGS_4_ARGS);
	aml_arg3_dword_field(a, 0, "CDW1");

	cond = aml_open(a, AML_IF_OP);
	aml_byte(a, AML_LEQUAL_OP);
	aml_byte(a, AML_ARG0_OP);
	buf = aml_open(a, AML_BUFFER_OP);
	aml_integer(a, sizeof(pci_osc_uuid));
	for (size_t i = 0; i < sizeof(pci_osc_uuid); i++)
		aml_byte(a, pci_osc_uuid[i]);
	aml_pkg_close(a, buf);
	aml_arg3_dword_field(a, OSC_CONTROL_DWORD_OFFSET, "CDW3");
	inner = aml_open(a, AML_IF_OP);
	aml_nameseg(a, "CDW3");
	aml_cdw1_or(a, OSC_CAPABILITIES_MASKED);
	aml_pkg_close(a, inner);
	aml_byte(a, AML_STORE_OP);
	aml_byte(a, AML_ZERO_OP);
	aml_nameseg(a, "CDW3");
	aml_pkg_close(a, cond);

	other = aml_open(a, AML_ELSE_OP);
	aml_cdw1_or(a, OSC_UNRECOGNIZED_UUID);
	aml_pkg_close(a, other);

	aml_byte(a, AML_RETURN_OP);
	aml_byte(a, AML_ARG3_OP);
	aml_pkg_close(a, method);
}

/* Device (<seg>) { ... }: ExtOpPrefix DeviceOp PkgLength NameString. */
static size_t aml_device_open(struct aml *a, const char *seg)
{
	size_t start;

	aml_byte(a, AML_EXT_OP_PREFIX);
	start = aml_open(a, AML_EXT_DEVICE_OP);
	aml_nameseg(a, seg);
	return start;
}

/*
 * Device (PCI0): the PCI Express host bridge (PCI Firmware 3.2 §4.1.5:
 * _HID PNP0A08 with _CID PNP0A03), segment 0 (_SEG, §6.5.6), bus 0
 * (_BBN, §6.5.5).
 */
static void dsdt_pci0(struct aml *a, const struct guest_acpi_params *p)
{
	size_t dev = aml_device_open(a, "PCI0");

	aml_name_int(a, "_HID", PNP_PCIE_HOST_BRIDGE);
	aml_name_int(a, "_CID", PNP_PCI_HOST_BRIDGE);
	aml_name_int(a, "_SEG", 0);
	aml_name_int(a, "_BBN", 0);
	aml_name_int(a, "_UID", 0);
	pci0_crs(a, p);
	if (p->nr_prt)
		pci0_prt(a, p);
	pci0_osc(a);
	aml_pkg_close(a, dev);
}

/*
 * Device (MCFG): a motherboard resource (PNP0C02) whose _CRS reserves
 * the ECAM range. PCI Firmware 3.2 §4.1.2 requires the MCFG ranges to be
 * reserved this way (or in the memory map); Linux ignores MCFG for
 * extended config space unless they are.
 */
static void dsdt_ecam(struct aml *a, const struct guest_acpi_params *p)
{
	uint64_t len = ((uint64_t)p->bus_end + 1) * GACPI_ECAM_BUS_SIZE;
	size_t dev = aml_device_open(a, "MCFG");
	struct res r = { 0 };

	aml_name_int(a, "_HID", PNP_MOTHERBOARD_RESOURCES);
	if (p->ecam_base < FOUR_GIB && len <= FOUR_GIB - p->ecam_base)
		res_fixed_memory32(&r, (uint32_t)p->ecam_base, (uint32_t)len);
	else
		res_address(&r, 8, RES_TYPE_MEMORY, RES_GEN_CONSUMER,
			    RES_MEM_NONCACHEABLE_RW, p->ecam_base,
			    p->ecam_base + len - 1);
	aml_name_resources(a, "_CRS", &r);
	aml_pkg_close(a, dev);
}

/* Scope (_SB) { Device (PCI0) {...} Device (MCFG) {...} } */
static void dsdt_pci(struct aml *a, const struct guest_acpi_params *p)
{
	size_t scope = aml_open(a, AML_SCOPE_OP);

	aml_nameseg(a, "_SB_"); /* from the root scope: \_SB */
	dsdt_pci0(a, p);
	dsdt_ecam(a, p);
	aml_pkg_close(a, scope);
}

/* Every named object of the DSDT, in the root scope. */
static void dsdt_body(struct aml *a, const struct guest_acpi_params *p)
{
	dsdt_sleep_states(a);
	if (p->pci)
		dsdt_pci(a, p);
}

size_t guest_acpi_dsdt_aml(uint8_t *aml, size_t cap,
			   const struct guest_acpi_params *p)
{
	struct aml a = { .p = aml, .cap = cap };

	dsdt_body(&a, p);
	return a.overflow ? 0 : a.len;
}
