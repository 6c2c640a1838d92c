// SPDX-License-Identifier: MIT
/*
 * The DMAR parser (iommu/dmar.c) on tables captured from QEMU 7.2
 * (tests/unit/fixtures/qemu-dmar-*.hex) and on tables built here: corrupt
 * headers, structures and scopes must be refused, never read out of bounds
 * (ASan) and never loop; device lookup must honour explicit scopes, bridge
 * ranges, multi-hop paths and INCLUDE_PCI_ALL.
 */
#include <dmar.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include "test.h"

#define DEVFN(d, f) ((uint8_t)((d) << 3 | (f)))

/* ---- fixtures: '#' comments, then whitespace-separated hex bytes ---- */

static size_t load_hex(const char *name, uint8_t *buf, size_t cap)
{
	char path[512];
	char line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", DMAR_FIXTURE_DIR, name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		if (*p == '#')
			continue;
		for (;;) {
			char *end;
			unsigned long v = strtoul(p, &end, 16);

			if (end == p)
				break;
			if (n >= cap || v > 0xff) {
				fprintf(stderr, "%s: bad fixture\n", path);
				exit(2);
			}
			buf[n++] = (uint8_t)v;
			p = end;
		}
	}
	fclose(f);
	return n;
}

/* A heap copy of exactly len bytes, so ASan catches any read past it. */
static int parse_exact(const uint8_t *t, size_t len, struct dmar_info *d,
		       const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int rc;

	memcpy(copy, t, len);
	rc = dmar_parse(copy, len, d, why);
	free(copy);
	return rc;
}

static void fix_checksum(uint8_t *t)
{
	uint32_t len = t[4] | t[5] << 8 | t[6] << 16 | (uint32_t)t[7] << 24;
	uint8_t sum = 0;

	t[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = (uint8_t)-sum;
}

/* ---- a tiny DMAR builder ---- */

struct tb {
	uint8_t b[8192];
	size_t len;
	size_t open; /* offset of the structure being built */
};

static void put8(struct tb *t, uint8_t v)
{
	t->b[t->len++] = v;
}

static void put16(struct tb *t, uint16_t v)
{
	put8(t, v & 0xff);
	put8(t, v >> 8);
}

static void put64(struct tb *t, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		put8(t, (uint8_t)(v >> (8 * i)));
}

static void tb_init(struct tb *t, uint8_t haw, uint8_t flags)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, "DMAR", 4);
	t->b[8] = 1;
	memcpy(t->b + 10, "CORRAL", 6);
	t->b[36] = haw;
	t->b[37] = flags;
	t->len = 48;
}

static void tb_begin(struct tb *t, uint16_t type)
{
	t->open = t->len;
	put16(t, type);
	put16(t, 0);
}

static void tb_end(struct tb *t)
{
	uint16_t l = (uint16_t)(t->len - t->open);

	t->b[t->open + 2] = l & 0xff;
	t->b[t->open + 3] = l >> 8;
}

static void tb_drhd(struct tb *t, uint8_t flags, uint16_t seg, uint64_t base)
{
	tb_begin(t, 0);
	put8(t, flags);
	put8(t, 0);
	put16(t, seg);
	put64(t, base);
}

static void tb_rmrr(struct tb *t, uint16_t seg, uint64_t base, uint64_t end)
{
	tb_begin(t, 1);
	put16(t, 0);
	put16(t, seg);
	put64(t, base);
	put64(t, end);
}

/* A scope with `hops` path entries taken from path[] (device, function). */
static void tb_scope(struct tb *t, uint8_t type, uint8_t id, uint8_t bus,
		     int hops, const uint8_t path[][2])
{
	put8(t, type);
	put8(t, (uint8_t)(6 + 2 * hops));
	put16(t, 0);
	put8(t, id);
	put8(t, bus);
	for (int i = 0; i < hops; i++) {
		put8(t, path[i][0]);
		put8(t, path[i][1]);
	}
}

static void tb_ep(struct tb *t, uint8_t bus, uint8_t dev, uint8_t fn)
{
	const uint8_t p[1][2] = { { dev, fn } };

	tb_scope(t, DMAR_SCOPE_ENDPOINT, 0, bus, 1, p);
}

static const uint8_t *tb_finish(struct tb *t)
{
	t->b[4] = t->len & 0xff;
	t->b[5] = (t->len >> 8) & 0xff;
	t->b[6] = t->b[7] = 0;
	fix_checksum(t->b);
	return t->b;
}

/* ---- a fake PCI topology for the secondary_bus callback ---- */

struct topo {
	struct {
		uint8_t bus, devfn, secondary, subordinate;
	} br[8];
	int nr;
	int calls;
	bool report_subordinate;
};

static int topo_secondary(void *ctx, uint8_t bus, uint8_t devfn)
{
	struct topo *tp = ctx;

	tp->calls++;
	for (int i = 0; i < tp->nr; i++) {
		if (tp->br[i].bus == bus && tp->br[i].devfn == devfn)
			return tp->report_subordinate ?
				       tp->br[i].secondary |
					       tp->br[i].subordinate << 8 :
				       tp->br[i].secondary;
	}
	return -1;
}

/* ---- captured tables ---- */

static const struct dmar_scope *scope(const struct dmar_info *d,
				      const struct dmar_unit *u, uint32_t i)
{
	return &d->scopes[u->first_scope + i];
}

static void check_ep(const struct dmar_scope *s, uint8_t dev, uint8_t fn)
{
	CHECK_EQ(s->type, DMAR_SCOPE_ENDPOINT);
	CHECK_EQ(s->start_bus, 0);
	CHECK_EQ(s->path_len, 1);
	CHECK_EQ(s->path[0][0], dev);
	CHECK_EQ(s->path[0][1], fn);
}

static void check_qemu_common(const struct dmar_info *d, uint8_t haw)
{
	const struct dmar_unit *u = &d->units[0];
	const struct dmar_scope *s;

	CHECK_EQ(d->host_addr_width, haw);
	CHECK(d->intr_remap);
	CHECK(!d->x2apic_opt_out);
	CHECK_EQ(d->nr_units, 1);
	CHECK_EQ(d->nr_rmrrs, 0);
	CHECK_EQ(u->reg_base, 0xfed90000);
	CHECK_EQ(u->reg_size, 4096);
	CHECK_EQ(u->segment, 0);
	CHECK(!u->include_pci_all); /* TESTBED.md: QEMU 7.2 never sets it */
	CHECK_EQ(u->first_scope, 0);
	CHECK_EQ(u->nr_scopes, d->nr_scopes);
	/* First scope: the I/O APIC, id 0, as requester ff:00.0. */
	s = scope(d, u, 0);
	CHECK_EQ(s->type, DMAR_SCOPE_IOAPIC);
	CHECK_EQ(s->enumeration_id, 0);
	CHECK_EQ(s->start_bus, 0xff);
	CHECK_EQ(s->path_len, 1);
	CHECK_EQ(s->path[0][0], 0);
	CHECK_EQ(s->path[0][1], 0);
	CHECK_EQ(dmar_ioapic_source_id(d, 0, NULL, NULL, NULL), 0xff00);
	CHECK_EQ(dmar_ioapic_source_id(d, 1, NULL, NULL, NULL), -ENOENT);
}

static void test_qemu_default(void)
{
	static uint8_t t[4096];
	size_t n = load_hex("qemu-dmar-default.hex", t, sizeof(t));
	struct dmar_info d;
	const char *why = NULL;
	const struct dmar_unit *u;

	CHECK_EQ(n, 0x70);
	CHECK_EQ(parse_exact(t, n, &d, &why), 0);
	if (why)
		fprintf(stderr, "default: %s\n", why);
	check_qemu_common(&d, 39);
	u = &d.units[0];
	CHECK_EQ(d.nr_scopes, 6);
	check_ep(scope(&d, u, 1), 0, 0);
	check_ep(scope(&d, u, 2), 1, 0);
	check_ep(scope(&d, u, 3), 0x1f, 0);
	check_ep(scope(&d, u, 4), 0x1f, 2);
	check_ep(scope(&d, u, 5), 0x1f, 3);

	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(0x1f, 2), NULL, NULL) == u);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(1, 0), NULL, NULL) == u);
	/* Not listed, and no INCLUDE_PCI_ALL unit: nobody translates it. */
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(2, 0), NULL, NULL) == NULL);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(0x1f, 1), NULL, NULL) == NULL);
	CHECK(dmar_unit_for(&d, 0, 1, DEVFN(0, 0), NULL, NULL) == NULL);
	CHECK(dmar_unit_for(&d, 1, 0, DEVFN(0x1f, 2), NULL, NULL) == NULL);
	/* The I/O APIC's scope is no PCI function. */
	CHECK(dmar_unit_for(&d, 0, 0xff, 0, NULL, NULL) == NULL);
}

static void test_qemu_devices(void)
{
	static uint8_t t[4096];
	size_t n = load_hex("qemu-dmar-devices.hex", t, sizeof(t));
	struct dmar_info d;
	const char *why = NULL;
	const struct dmar_unit *u;
	const uint8_t devs[][2] = { { 0, 0 },	 { 1, 0 },    { 2, 0 },
				    { 3, 0 },	 { 4, 0 },    { 5, 0 },
				    { 0x1f, 0 }, { 0x1f, 2 }, { 0x1f, 3 } };

	CHECK_EQ(n, 0x90);
	CHECK_EQ(parse_exact(t, n, &d, &why), 0);
	check_qemu_common(&d, 39);
	u = &d.units[0];
	CHECK_EQ(d.nr_scopes, 10);
	/* e1000e 00:02.0, nvme 00:03.0, ich9-ahci 00:04.0, edu 00:05.0. */
	for (int i = 0; i < 9; i++) {
		check_ep(scope(&d, u, 1 + i), devs[i][0], devs[i][1]);
		CHECK(dmar_unit_for(&d, 0, 0, DEVFN(devs[i][0], devs[i][1]),
				    NULL, NULL) == u);
	}
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(6, 0), NULL, NULL) == NULL);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(2, 1), NULL, NULL) == NULL);
}

static void test_qemu_aw48(void)
{
	static uint8_t t[4096];
	size_t n = load_hex("qemu-dmar-aw48.hex", t, sizeof(t));
	struct dmar_info d;
	const char *why = NULL;

	CHECK_EQ(parse_exact(t, n, &d, &why), 0);
	check_qemu_common(&d, 48);
	CHECK_EQ(d.nr_scopes, 6);
}

/* pcie-root-port 00:02.0 (bus 1: e1000e 01:00.0) and pci-bridge 00:03.0
 * (bus 2: edu 02:03.0) appear as BRIDGE scopes. */
static void test_qemu_bridges(void)
{
	static uint8_t t[4096];
	size_t n = load_hex("qemu-dmar-bridges.hex", t, sizeof(t));
	struct dmar_info d;
	const char *why = NULL;
	const struct dmar_unit *u;
	struct topo tp = { .br = { { 0, DEVFN(2, 0), 1, 1 },
				   { 0, DEVFN(3, 0), 2, 2 } },
			   .nr = 2 };

	CHECK_EQ(n, 0x80);
	CHECK_EQ(parse_exact(t, n, &d, &why), 0);
	check_qemu_common(&d, 39);
	u = &d.units[0];
	CHECK_EQ(d.nr_scopes, 8);
	CHECK_EQ(scope(&d, u, 3)->type, DMAR_SCOPE_BRIDGE);
	CHECK_EQ(scope(&d, u, 3)->path[0][0], 2);
	CHECK_EQ(scope(&d, u, 4)->type, DMAR_SCOPE_BRIDGE);
	CHECK_EQ(scope(&d, u, 4)->path[0][0], 3);

	for (int sub = 0; sub < 2; sub++) {
		tp.report_subordinate = sub;
		CHECK(dmar_unit_for(&d, 0, 1, DEVFN(0, 0), topo_secondary,
				    &tp) == u);
		CHECK(dmar_unit_for(&d, 0, 2, DEVFN(3, 0), topo_secondary,
				    &tp) == u);
		/* The bridges themselves. */
		CHECK(dmar_unit_for(&d, 0, 0, DEVFN(2, 0), topo_secondary,
				    &tp) == u);
		CHECK(dmar_unit_for(&d, 0, 0, DEVFN(3, 0), topo_secondary,
				    &tp) == u);
		/* A bus no listed bridge leads to. */
		CHECK(dmar_unit_for(&d, 0, 3, DEVFN(0, 0), topo_secondary,
				    &tp) == NULL);
	}
	/* Bridge scopes cannot be resolved without the topology. */
	CHECK(dmar_unit_for(&d, 0, 1, DEVFN(0, 0), NULL, NULL) == NULL);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(2, 0), NULL, NULL) == u);
}

/* ---- corrupt variants of a real table ---- */

static void test_corrupt_real(void)
{
	static uint8_t good[4096], t[4096];
	size_t n = load_hex("qemu-dmar-devices.hex", good, sizeof(good));
	struct dmar_info d;
	const char *why;

	/* Bad checksum. */
	memcpy(t, good, n);
	t[0x40] ^= 1;
	why = NULL;
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "checksum"));

	/* Bad signature (checksum fixed). */
	memcpy(t, good, n);
	t[0] = 'X';
	fix_checksum(t);
	why = NULL;
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "signature"));

	/* Truncated: fewer bytes than the header's length says, and shorter
	 * than the 48-byte header itself. */
	why = NULL;
	CHECK_EQ(parse_exact(good, n - 1, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "truncated"));
	CHECK_EQ(parse_exact(good, 47, &d, &why), -EINVAL);
	CHECK_EQ(parse_exact(good, 0, &d, &why), -EINVAL);
	CHECK_EQ(dmar_parse(NULL, 100, &d, NULL), -EINVAL);

	/* Header length below 48. */
	memcpy(t, good, n);
	t[4] = 40;
	fix_checksum(t);
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);

	/* The DRHD's length overruns the table. */
	memcpy(t, good, n);
	t[0x32] = 0x70;
	fix_checksum(t);
	why = NULL;
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "past the table"));

	/* A device scope overruns its DRHD: the DRHD ends 2 bytes early. */
	memcpy(t, good, n);
	t[0x32] -= 2;
	fix_checksum(t);
	why = NULL;
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);

	/* Zero-length DRHD: an error, not an endless loop. */
	memcpy(t, good, n);
	t[0x32] = 0;
	t[0x33] = 0;
	fix_checksum(t);
	why = NULL;
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "zero-length"));

	/* Zero-length device scope. */
	memcpy(t, good, n);
	t[0x41] = 0;
	fix_checksum(t);
	CHECK_EQ(parse_exact(t, n, &d, &why), -EINVAL);

	/* Every truncation of the table (length fixed to match) is handled. */
	for (size_t cut = 0; cut < n; cut++) {
		memcpy(t, good, n);
		if (cut >= 8) {
			t[4] = cut & 0xff;
			t[5] = cut >> 8;
			fix_checksum(t);
		}
		(void)parse_exact(t, cut, &d, &why);
	}

	/* Random byte flips with a valid checksum: refused or parsed, never a
	 * crash or an out-of-bounds read. */
	srand(1);
	for (int i = 0; i < 20000; i++) {
		memcpy(t, good, n);
		for (int k = 0; k < 1 + i % 4; k++)
			t[48 + rand() % (n - 48)] = (uint8_t)rand();
		fix_checksum(t);
		if (parse_exact(t, n, &d, &why) == 0) {
			CHECK(d.nr_units >= 1 && d.nr_units <= DMAR_MAX_UNITS);
			CHECK(d.nr_scopes <= DMAR_MAX_SCOPES);
			for (uint32_t u = 0; u < d.nr_units; u++)
				CHECK(d.units[u].first_scope +
					      d.units[u].nr_scopes <=
				      d.nr_scopes);
			(void)dmar_unit_for(&d, 0, 0, DEVFN(2, 0), NULL, NULL);
		}
	}
}

/* ---- built tables ---- */

static void test_too_many(void)
{
	struct tb t;
	struct dmar_info d;
	const char *why;

	tb_init(&t, 38, 1);
	for (int i = 0; i < DMAR_MAX_UNITS; i++) {
		tb_drhd(&t, 0, 0, 0xfed90000 + 0x1000 * i);
		tb_ep(&t, 0, (uint8_t)i, 0);
		tb_end(&t);
	}
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), 0);
	CHECK_EQ(d.nr_units, DMAR_MAX_UNITS);
	CHECK_EQ(d.units[7].reg_base, 0xfed97000);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(7, 0), NULL, NULL) == &d.units[7]);
	tb_drhd(&t, 0, 0, 0xfeda0000);
	tb_end(&t);
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "DMAR_MAX_UNITS"));

	/* Scopes. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	for (int i = 0; i < DMAR_MAX_SCOPES + 1; i++)
		tb_ep(&t, (uint8_t)(i / 32), (uint8_t)(i % 32), 0);
	tb_end(&t);
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "DMAR_MAX_SCOPES"));

	/* RMRRs. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	for (int i = 0; i < DMAR_MAX_RMRRS + 1; i++) {
		tb_rmrr(&t, 0, 0x1000 * i, 0x1000 * i + 0xfff);
		tb_end(&t);
	}
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "DMAR_MAX_RMRRS"));
}

static void test_bad_structures(void)
{
	struct tb t;
	struct dmar_info d;
	const char *why;
	const uint8_t long_path[5][2] = {
		{ 1, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 }, { 0, 0 }
	};

	/* Structure length 2 (below its own header). */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_end(&t);
	put16(&t, 7);
	put16(&t, 2);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* A zero-length structure of a type the parser skips: an error, not
	 * an endless loop. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_end(&t);
	put16(&t, 0x42);
	put16(&t, 0);
	put64(&t, 0);
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "zero-length"));

	/* Three stray bytes after the last structure. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_end(&t);
	put8(&t, 0);
	put8(&t, 0);
	put8(&t, 0);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* A DRHD too short for its fixed fields. */
	tb_init(&t, 38, 0);
	tb_begin(&t, 0);
	put64(&t, 0);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* Register base not 4 KiB aligned; zero. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90800);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* Scope: odd length, shorter than 6, empty path, 5 hops, bad devfn. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_ep(&t, 0, 2, 0);
	t.b[t.len - 7] = 7; /* scope length 7 */
	put8(&t, 0);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	put8(&t, 1);
	put8(&t, 4);
	put16(&t, 0);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 0, NULL);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 5, long_path);
	tb_end(&t);
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "DMAR_MAX_PATH"));

	tb_init(&t, 38, 0);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_ep(&t, 0, 32, 0);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* No DRHD at all. */
	tb_init(&t, 38, 0);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* RMRR: misaligned end, end before base. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	tb_rmrr(&t, 0, 0xe0000, 0xf0000);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	tb_rmrr(&t, 0, 0xf0000, 0xe0fff);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* RHSA shorter than 20 bytes; ATSR whose scope overruns it. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	tb_begin(&t, 3);
	put64(&t, 0xfed90000);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	tb_begin(&t, 2);
	put8(&t, 0);
	put8(&t, 0);
	put16(&t, 0);
	tb_ep(&t, 0, 1, 0);
	t.b[t.len - 7] = 10;
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);

	/* Two INCLUDE_PCI_ALL units for one segment. */
	tb_init(&t, 38, 0);
	tb_drhd(&t, 1, 0, 0xfed90000);
	tb_end(&t);
	tb_drhd(&t, 1, 0, 0xfed91000);
	tb_end(&t);
	why = NULL;
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), -EINVAL);
	CHECK(why && strstr(why, "INCLUDE_PCI_ALL"));
}

/* A table shaped like a client platform: a graphics unit with one
 * endpoint, a catch-all unit with the I/O APIC and HPET, an RMRR, and the
 * structures corral skips. */
static void test_full_table(void)
{
	struct tb t;
	struct dmar_info d;
	const char *why = NULL;
	const struct dmar_unit *gfx, *all;
	const struct dmar_rmrr *r;
	const uint8_t ioapic_path[1][2] = { { 0x1e, 7 } };
	const uint8_t hpet_path[1][2] = { { 0x1e, 6 } };

	tb_init(&t, 38, 0x05); /* INTR_REMAP | DMA_CTRL_PLATFORM_OPT_IN */
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_ep(&t, 0, 2, 0);
	tb_end(&t);
	tb_drhd(&t, 1, 0, 0xfed91000);
	t.b[t.open + 5] = 2; /* Size: 4 pages */
	tb_scope(&t, DMAR_SCOPE_IOAPIC, 2, 0, 1, ioapic_path);
	tb_scope(&t, DMAR_SCOPE_HPET, 0, 0, 1, hpet_path);
	tb_scope(&t, 9, 0, 0, 1, hpet_path); /* reserved scope type: skipped */
	tb_end(&t);
	tb_rmrr(&t, 0, 0x7c000000, 0x7fffffff);
	tb_ep(&t, 0, 2, 0);
	tb_ep(&t, 0, 0x14, 0);
	tb_end(&t);
	tb_begin(&t, 2); /* ATSR */
	put8(&t, 1);
	put8(&t, 0);
	put16(&t, 0);
	tb_ep(&t, 0, 0x1c, 0);
	tb_end(&t);
	tb_begin(&t, 3); /* RHSA */
	put16(&t, 0);
	put16(&t, 0);
	put64(&t, 0xfed91000);
	put16(&t, 0);
	put16(&t, 0);
	tb_end(&t);
	tb_begin(&t, 4); /* ANDD */
	put8(&t, 0);
	put8(&t, 0);
	put8(&t, 0);
	put8(&t, 1);
	memcpy(t.b + t.len, "\\_SB.PCI0.I2C0", 15);
	t.len += 15;
	tb_end(&t);
	tb_begin(&t, 5); /* SATC */
	put8(&t, 1);
	put8(&t, 0);
	put16(&t, 0);
	tb_ep(&t, 0, 2, 0);
	tb_end(&t);
	tb_begin(&t, 0x42); /* future type */
	put64(&t, 0xdeadbeef);
	tb_end(&t);

	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), 0);
	if (why)
		fprintf(stderr, "full: %s\n", why);
	CHECK_EQ(d.host_addr_width, 39);
	CHECK(d.intr_remap);
	CHECK(!d.x2apic_opt_out);
	CHECK_EQ(d.nr_units, 2);
	gfx = &d.units[0];
	all = &d.units[1];
	CHECK(!gfx->include_pci_all);
	CHECK(all->include_pci_all);
	CHECK_EQ(all->reg_size, 0x4000);
	CHECK_EQ(gfx->nr_scopes, 1);
	CHECK_EQ(all->nr_scopes, 2);
	CHECK_EQ(d.scopes[all->first_scope + 1].type, DMAR_SCOPE_HPET);
	CHECK_EQ(d.nr_rmrrs, 1);
	r = &d.rmrrs[0];
	CHECK_EQ(r->base, 0x7c000000);
	CHECK_EQ(r->end, 0x7fffffff);
	CHECK_EQ(r->nr_scopes, 2);
	CHECK_EQ(d.scopes[r->first_scope + 1].path[0][0], 0x14);
	CHECK_EQ(d.nr_scopes, 5); /* ATSR and SATC scopes are not kept */

	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(2, 0), NULL, NULL) == gfx);
	CHECK(dmar_unit_for(&d, 0, 0, DEVFN(0x14, 0), NULL, NULL) == all);
	CHECK(dmar_unit_for(&d, 0, 5, DEVFN(0, 0), NULL, NULL) == all);
	CHECK(dmar_unit_for(&d, 1, 0, DEVFN(0, 0), NULL, NULL) == NULL);
	{
		const struct dmar_unit *u = NULL;

		CHECK_EQ(dmar_ioapic_source_id(&d, 2, &u, NULL, NULL),
			 0x00f7); /* 00:1e.7 */
		CHECK(u == all);
	}
}

/* A multi-hop endpoint scope (00:1c.0 -> bus 3 -> 03:00.0 -> bus 4 ->
 * 04:00.1) and nested bridge scopes in two units. */
static void test_multi_hop(void)
{
	struct tb t;
	struct dmar_info d;
	const char *why = NULL;
	const uint8_t ep_path[3][2] = { { 0x1c, 0 }, { 0, 0 }, { 0, 1 } };
	const uint8_t inner_path[2][2] = { { 0x1d, 0 }, { 0, 0 } };
	const uint8_t outer_path[1][2] = { { 0x1d, 0 } };
	struct topo tp = { .br = { { 0, DEVFN(0x1c, 0), 3, 4 },
				   { 3, DEVFN(0, 0), 4, 4 },
				   { 0, DEVFN(0x1d, 0), 5, 9 },
				   { 5, DEVFN(0, 0), 6, 7 } },
			   .nr = 4,
			   .report_subordinate = true };

	tb_init(&t, 45, 1);
	tb_drhd(&t, 0, 0, 0xfed90000);
	tb_scope(&t, DMAR_SCOPE_ENDPOINT, 0, 0, 3, ep_path);
	tb_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, 1, outer_path);
	tb_end(&t);
	tb_drhd(&t, 0, 0, 0xfed91000);
	tb_scope(&t, DMAR_SCOPE_BRIDGE, 0, 0, 2, inner_path);
	tb_end(&t);
	tb_drhd(&t, 1, 0, 0xfed92000);
	tb_end(&t);
	CHECK_EQ(parse_exact(tb_finish(&t), t.len, &d, &why), 0);
	CHECK_EQ(d.host_addr_width, 46);

	CHECK(dmar_unit_for(&d, 0, 4, DEVFN(0, 1), topo_secondary, &tp) ==
	      &d.units[0]);
	/* Its sibling function is not in the endpoint scope. */
	CHECK(dmar_unit_for(&d, 0, 4, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[2]);
	/* Behind the inner bridge (buses 6-7): the narrower scope wins. */
	CHECK(dmar_unit_for(&d, 0, 7, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[1]);
	CHECK(dmar_unit_for(&d, 0, 6, DEVFN(1, 0), topo_secondary, &tp) ==
	      &d.units[1]);
	/* The inner bridge itself (05:00.0) is named by unit 1's scope. */
	CHECK(dmar_unit_for(&d, 0, 5, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[1]);
	/* Elsewhere under the outer bridge (buses 5, 8, 9). */
	CHECK(dmar_unit_for(&d, 0, 5, DEVFN(1, 0), topo_secondary, &tp) ==
	      &d.units[0]);
	CHECK(dmar_unit_for(&d, 0, 9, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[0]);
	/* Outside every scope. */
	CHECK(dmar_unit_for(&d, 0, 10, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[2]);
	/* Without the topology nothing multi-hop resolves, and nothing is
	 * guessed: the catch-all unit takes the device. */
	CHECK(dmar_unit_for(&d, 0, 4, DEVFN(0, 1), NULL, NULL) == &d.units[2]);
	/* A path through a missing bridge is skipped. */
	tp.nr = 2;
	CHECK(dmar_unit_for(&d, 0, 7, DEVFN(0, 0), topo_secondary, &tp) ==
	      &d.units[2]);
}

int main(void)
{
	test_qemu_default();
	test_qemu_devices();
	test_qemu_aw48();
	test_qemu_bridges();
	test_corrupt_real();
	test_too_many();
	test_bad_structures();
	test_full_table();
	test_multi_hop();
	return test_summary();
}
