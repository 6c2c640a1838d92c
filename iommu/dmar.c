// SPDX-License-Identifier: MIT
/*
 * ACPI DMAR parser (VT-d spec rev 4.x chapter 8). Layouts, all little
 * endian and unaligned:
 *
 * DMAR header (8.1): the 36-byte ACPI header ("DMAR", length, revision,
 * checksum, OEM ids), then +36 Host Address Width (HAW, the physical
 * address width minus one), +37 flags (bit 0 INTR_REMAP, bit 1
 * X2APIC_OPT_OUT, bit 2 DMA_CTRL_PLATFORM_OPT_IN), +38 10 reserved bytes,
 * and from +48 the remapping structures, each starting with a 16-bit type
 * and a 16-bit length (8.2).
 *
 *   type 0 DRHD (8.3): +4 flags (bit 0 INCLUDE_PCI_ALL), +5 size (bits 3:0:
 *          the register set is 2^N 4 KiB pages), +6 segment, +8 register
 *          base (64 bits), +16 device scopes.
 *   type 1 RMRR (8.4): +4 reserved (2), +6 segment, +8 base, +16 limit
 *          (inclusive), +24 device scopes.
 *   type 2 ATSR (8.5): +4 flags, +5 reserved, +6 segment, +8 device scopes.
 *   type 3 RHSA (8.6): +4 reserved (4), +8 register base, +16 proximity
 *          domain; 20 bytes.
 *   type 4 ANDD (8.7): +4 reserved (3), +7 ACPI device number, +8 object
 *          name.
 *   type 5 SATC (8.8): +4 flags, +5 reserved, +6 segment, +8 device scopes.
 *   type 6 SIDP (8.9): +4 reserved (2), +6 segment, +8 device scopes.
 *
 * Device scope (8.3.1): +0 type, +1 length (6 + 2 * hops), +2 flags,
 * +3 reserved, +4 enumeration id, +5 start bus, +6 path: {device, function}
 * per hop.
 */
#include "dmar.h"
#include <errno.h>
#include <string.h>

#define DMAR_HDR_LEN 48
#define DMAR_OFF_HAW 36
#define DMAR_OFF_FLAGS 37
#define DMAR_FLAG_INTR_REMAP (1u << 0)
#define DMAR_FLAG_X2APIC_OPT_OUT (1u << 1)

#define DMAR_TYPE_DRHD 0
#define DMAR_TYPE_RMRR 1
#define DMAR_TYPE_ATSR 2
#define DMAR_TYPE_RHSA 3
#define DMAR_TYPE_ANDD 4
#define DMAR_TYPE_SATC 5
#define DMAR_TYPE_SIDP 6

#define DRHD_LEN 16
#define DRHD_FLAG_INCLUDE_PCI_ALL (1u << 0)
#define DRHD_SIZE_MASK 0xfu
#define RMRR_LEN 24
#define ATSR_LEN 8
#define RHSA_LEN 20
#define ANDD_LEN 8
#define SATC_LEN 8
#define SIDP_LEN 8

#define SCOPE_HDR_LEN 6
#define PAGE_MASK 0xfffull

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -EINVAL;
}

/*
 * Walks the device scopes in p[0 .. len-1]. With `store`, known scope
 * types are appended to out->scopes and counted in *nr; otherwise they
 * are only checked.
 */
static int parse_scopes(const uint8_t *p, size_t len, struct dmar_info *out,
			bool store, uint32_t *nr, const char **why)
{
	size_t off = 0;

	while (off < len) {
		const uint8_t *s = p + off;
		size_t slen, hops;
		struct dmar_scope *sc;

		if (len - off < 2)
			return fail(
				why,
				"device scope header runs past its structure");
		slen = s[1];
		if (slen < SCOPE_HDR_LEN)
			return fail(why, "device scope shorter than 6 bytes");
		if (slen > len - off)
			return fail(why,
				    "device scope runs past its structure");
		if ((slen - SCOPE_HDR_LEN) & 1)
			return fail(why, "device scope path has an odd length");
		hops = (slen - SCOPE_HDR_LEN) / 2;
		off += slen;

		if (s[0] < DMAR_SCOPE_ENDPOINT || s[0] > DMAR_SCOPE_ACPI)
			continue; /* reserved type: skip, as for structures */
		if (hops == 0)
			return fail(why, "device scope has an empty path");
		if (hops > DMAR_MAX_PATH)
			return fail(
				why,
				"device scope path longer than DMAR_MAX_PATH");
		for (size_t i = 0; i < hops; i++) {
			if (s[6 + 2 * i] > 31 || s[7 + 2 * i] > 7)
				return fail(
					why,
					"device scope path has a bad device or function");
		}
		if (!store)
			continue;
		if (out->nr_scopes >= DMAR_MAX_SCOPES)
			return fail(why,
				    "more than DMAR_MAX_SCOPES device scopes");
		sc = &out->scopes[out->nr_scopes++];
		memset(sc, 0, sizeof(*sc));
		sc->type = s[0];
		sc->enumeration_id = s[4];
		sc->start_bus = s[5];
		sc->path_len = (uint8_t)hops;
		for (size_t i = 0; i < hops; i++) {
			sc->path[i][0] = s[6 + 2 * i];
			sc->path[i][1] = s[7 + 2 * i];
		}
		(*nr)++;
	}
	return 0;
}

static int parse_drhd(const uint8_t *p, size_t len, struct dmar_info *out,
		      const char **why)
{
	struct dmar_unit *u;

	if (len < DRHD_LEN)
		return fail(why, "DRHD shorter than 16 bytes");
	if (out->nr_units >= DMAR_MAX_UNITS)
		return fail(why, "more than DMAR_MAX_UNITS remapping units");
	u = &out->units[out->nr_units];
	memset(u, 0, sizeof(*u));
	u->include_pci_all = p[4] & DRHD_FLAG_INCLUDE_PCI_ALL;
	u->reg_size = 4096ull << (p[5] & DRHD_SIZE_MASK);
	u->segment = rd16(p + 6);
	u->reg_base = rd64(p + 8);
	if (!u->reg_base || (u->reg_base & PAGE_MASK))
		return fail(why,
			    "DRHD register base is zero or not 4 KiB aligned");
	if (u->include_pci_all) {
		for (uint32_t i = 0; i < out->nr_units; i++) {
			if (out->units[i].include_pci_all &&
			    out->units[i].segment == u->segment)
				return fail(
					why,
					"two INCLUDE_PCI_ALL units in one segment");
		}
	}
	u->first_scope = out->nr_scopes;
	if (parse_scopes(p + DRHD_LEN, len - DRHD_LEN, out, true, &u->nr_scopes,
			 why))
		return -EINVAL;
	out->nr_units++;
	return 0;
}

static int parse_rmrr(const uint8_t *p, size_t len, struct dmar_info *out,
		      const char **why)
{
	struct dmar_rmrr *r;

	if (len < RMRR_LEN)
		return fail(why, "RMRR shorter than 24 bytes");
	if (out->nr_rmrrs >= DMAR_MAX_RMRRS)
		return fail(why, "more than DMAR_MAX_RMRRS reserved regions");
	r = &out->rmrrs[out->nr_rmrrs];
	memset(r, 0, sizeof(*r));
	r->segment = rd16(p + 6);
	r->base = rd64(p + 8);
	r->end = rd64(p + 16);
	/* 8.4: base 4 KiB aligned, limit + 1 4 KiB aligned. */
	if ((r->base & PAGE_MASK) || (r->end & PAGE_MASK) != PAGE_MASK ||
	    r->end < r->base)
		return fail(
			why,
			"RMRR range is not 4 KiB aligned or ends before it starts");
	r->first_scope = out->nr_scopes;
	if (parse_scopes(p + RMRR_LEN, len - RMRR_LEN, out, true, &r->nr_scopes,
			 why))
		return -EINVAL;
	out->nr_rmrrs++;
	return 0;
}

/* Structures corral does not use: bounds and scopes checked, nothing kept. */
static int check_other(uint16_t type, const uint8_t *p, size_t len,
		       struct dmar_info *out, const char **why)
{
	size_t min, scopes;

	switch (type) {
	case DMAR_TYPE_ATSR:
		min = ATSR_LEN, scopes = ATSR_LEN;
		break;
	case DMAR_TYPE_RHSA:
		min = RHSA_LEN, scopes = 0;
		break;
	case DMAR_TYPE_ANDD:
		min = ANDD_LEN, scopes = 0;
		break;
	case DMAR_TYPE_SATC:
		min = SATC_LEN, scopes = SATC_LEN;
		break;
	case DMAR_TYPE_SIDP:
		min = SIDP_LEN, scopes = SIDP_LEN;
		break;
	default:
		return 0; /* reserved for future use (8.2): skipped */
	}
	if (len < min)
		return fail(
			why,
			"remapping structure shorter than its type's fixed part");
	if (scopes)
		return parse_scopes(p + scopes, len - scopes, out, false, NULL,
				    why);
	return 0;
}

int dmar_parse(const void *table, size_t len, struct dmar_info *out,
	       const char **why)
{
	const uint8_t *t = table;
	uint32_t tlen;
	uint8_t sum = 0;
	size_t off;

	memset(out, 0, sizeof(*out));
	if (!t || len < DMAR_HDR_LEN)
		return fail(why, "DMAR shorter than its 48-byte header");
	if (memcmp(t, "DMAR", 4))
		return fail(why, "signature is not DMAR");
	tlen = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
	       (uint32_t)t[7] << 24;
	if (tlen < DMAR_HDR_LEN)
		return fail(why,
			    "DMAR length field is shorter than its header");
	if (tlen > len)
		return fail(
			why,
			"DMAR length field runs past the table (truncated)");
	for (uint32_t i = 0; i < tlen; i++)
		sum += t[i];
	if (sum)
		return fail(why, "DMAR checksum does not sum to zero");

	out->host_addr_width = (uint8_t)(t[DMAR_OFF_HAW] + 1);
	out->intr_remap = t[DMAR_OFF_FLAGS] & DMAR_FLAG_INTR_REMAP;
	out->x2apic_opt_out = t[DMAR_OFF_FLAGS] & DMAR_FLAG_X2APIC_OPT_OUT;

	for (off = DMAR_HDR_LEN; off < tlen;) {
		const uint8_t *p = t + off;
		uint16_t type, slen;
		int rc;

		if (tlen - off < 4)
			return fail(
				why,
				"remapping structure header runs past the table");
		type = rd16(p);
		slen = rd16(p + 2);
		if (slen < 4)
			return fail(
				why,
				"remapping structure length below 4 (zero-length loop)");
		if (slen > tlen - off)
			return fail(why,
				    "remapping structure runs past the table");
		switch (type) {
		case DMAR_TYPE_DRHD:
			rc = parse_drhd(p, slen, out, why);
			break;
		case DMAR_TYPE_RMRR:
			rc = parse_rmrr(p, slen, out, why);
			break;
		default:
			rc = check_other(type, p, slen, out, why);
			break;
		}
		if (rc)
			return rc;
		off += slen;
	}
	if (!out->nr_units)
		return fail(why, "DMAR lists no remapping unit");
	return 0;
}

/* The bus:devfn a scope's path ends at, or false if a hop can't be
 * resolved (no callback, or no bridge where the path says one is). */
static bool scope_target(const struct dmar_scope *s,
			 int (*secondary_bus)(void *, uint8_t, uint8_t),
			 void *ctx, uint8_t *bus, uint8_t *devfn)
{
	uint8_t b = s->start_bus;
	uint8_t df = 0;

	for (uint32_t i = 0; i < s->path_len; i++) {
		df = (uint8_t)(s->path[i][0] << 3 | s->path[i][1]);
		if (i + 1 < s->path_len) {
			int r;

			if (!secondary_bus)
				return false;
			r = secondary_bus(ctx, b, df);
			if (r < 0)
				return false;
			b = (uint8_t)r;
		}
	}
	*bus = b;
	*devfn = df;
	return s->path_len != 0;
}

const struct dmar_unit *dmar_unit_for(
	const struct dmar_info *d, uint16_t seg, uint8_t bus, uint8_t devfn,
	int (*secondary_bus)(void *ctx, uint8_t bus, uint8_t devfn), void *ctx)
{
	const struct dmar_unit *best = NULL;
	unsigned int best_span = 256;

	/* 1. An ENDPOINT or BRIDGE scope naming this very device. */
	for (uint32_t i = 0; i < d->nr_units; i++) {
		const struct dmar_unit *u = &d->units[i];

		if (u->segment != seg)
			continue;
		for (uint32_t j = 0; j < u->nr_scopes; j++) {
			const struct dmar_scope *s =
				&d->scopes[u->first_scope + j];
			uint8_t b, df;

			if (s->type != DMAR_SCOPE_ENDPOINT &&
			    s->type != DMAR_SCOPE_BRIDGE)
				continue;
			if (scope_target(s, secondary_bus, ctx, &b, &df) &&
			    b == bus && df == devfn)
				return u;
		}
	}

	/* 2. The narrowest BRIDGE scope whose bus range holds the device. */
	for (uint32_t i = 0; secondary_bus && i < d->nr_units; i++) {
		const struct dmar_unit *u = &d->units[i];

		if (u->segment != seg)
			continue;
		for (uint32_t j = 0; j < u->nr_scopes; j++) {
			const struct dmar_scope *s =
				&d->scopes[u->first_scope + j];
			unsigned int sec, sub;
			uint8_t b, df;
			int r;

			if (s->type != DMAR_SCOPE_BRIDGE ||
			    !scope_target(s, secondary_bus, ctx, &b, &df))
				continue;
			r = secondary_bus(ctx, b, df);
			if (r < 0)
				continue;
			sec = r & 0xff;
			sub = (r >> 8) & 0xff;
			if (sub < sec)
				sub = sec; /* not reported: the secondary bus only */
			if (bus >= sec && bus <= sub && sub - sec < best_span) {
				best = u;
				best_span = sub - sec;
			}
		}
	}
	if (best)
		return best;

	/* 3. The segment's catch-all unit. */
	for (uint32_t i = 0; i < d->nr_units; i++) {
		if (d->units[i].segment == seg && d->units[i].include_pci_all)
			return &d->units[i];
	}
	return NULL;
}

int dmar_ioapic_source_id(const struct dmar_info *d, uint8_t ioapic_id,
			  const struct dmar_unit **unit,
			  int (*secondary_bus)(void *ctx, uint8_t bus,
					       uint8_t devfn),
			  void *ctx)
{
	for (uint32_t i = 0; i < d->nr_units; i++) {
		const struct dmar_unit *u = &d->units[i];

		for (uint32_t j = 0; j < u->nr_scopes; j++) {
			const struct dmar_scope *s =
				&d->scopes[u->first_scope + j];
			uint8_t b, df;

			if (s->type != DMAR_SCOPE_IOAPIC ||
			    s->enumeration_id != ioapic_id)
				continue;
			if (!scope_target(s, secondary_bus, ctx, &b, &df))
				return -ENOENT;
			if (unit)
				*unit = u;
			return b << 8 | df;
		}
	}
	return -ENOENT;
}
