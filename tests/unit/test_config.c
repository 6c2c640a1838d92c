// SPDX-License-Identifier: MIT
/*
 * Host tests for the system config parser (hypervisor/config.c).
 *
 * Each fixture in tests/unit/fixtures/config-*.dts is compiled by dtc at
 * build time. Malformed cases check the return value, the VM's state and
 * that the report named the right node and property. The robustness tests
 * (truncation, garbage, every single-byte corruption) run under ASan and
 * UBSan: any out-of-bounds read fails the test.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <guest/config.h>
#include "test.h"

#define MAX_REPORTS 64

struct report {
	enum config_severity sev;
	char node[128];
	char prop[64]; /* "" when the callback got NULL */
	char msg[256];
};

struct recorder {
	int n;
	int dropped;
	bool verbose;
	struct report r[MAX_REPORTS];
};

static void record(void *ctx, enum config_severity sev, const char *node,
		   const char *prop, const char *msg)
{
	struct recorder *rec = ctx;
	struct report *r;

	/* The callback contract: node and message are always real strings. */
	CHECK(node != NULL && node[0] == '/');
	CHECK(msg != NULL && msg[0] != '\0');
	if (!node || !msg)
		return;
	if (rec->verbose)
		printf("  %s %s%s%s: %s\n",
		       sev == CONFIG_ERROR ? "error" : "warning", node,
		       prop ? " " : "", prop ? prop : "", msg);
	if (rec->n == MAX_REPORTS) {
		rec->dropped++;
		return;
	}
	r = &rec->r[rec->n++];
	r->sev = sev;
	snprintf(r->node, sizeof(r->node), "%s", node);
	snprintf(r->prop, sizeof(r->prop), "%s", prop ? prop : "");
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
}

/* Is there a report of this severity for node and property ("" = none)? */
static const struct report *find(const struct recorder *rec,
				 enum config_severity sev, const char *node,
				 const char *prop)
{
	int i;

	for (i = 0; i < rec->n; i++)
		if (rec->r[i].sev == sev && !strcmp(rec->r[i].node, node) &&
		    !strcmp(rec->r[i].prop, prop))
			return &rec->r[i];
	return NULL;
}

static int count(const struct recorder *rec, enum config_severity sev)
{
	int i, n = 0;

	for (i = 0; i < rec->n; i++)
		n += rec->r[i].sev == sev;
	return n;
}

struct blob {
	void *data; /* malloc'd with the exact size, so ASan sees overruns */
	size_t size;
};

static struct blob load_fixture(const char *name)
{
	char path[512];
	struct blob b = { NULL, 0 };
	FILE *f;
	long len;

	snprintf(path, sizeof(path), "%s/%s.dtb", CONFIG_FIXTURE_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.data = malloc((size_t)len);
	b.size = (size_t)len;
	if (!b.data || fread(b.data, 1, b.size, f) != b.size) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		exit(2);
	}
	fclose(f);
	return b;
}

static struct system_config cfg;
static struct recorder net_rec;

/* Parses a fixture; *rec gets every report. Returns config_parse's result. */
static int parse_fixture(const char *name, struct recorder *rec)
{
	struct blob b = load_fixture(name);
	int r;

	memset(rec, 0, sizeof(*rec));
	rec->verbose = getenv("VERBOSE") != NULL;
	if (rec->verbose)
		printf("%s:\n", name);
	r = config_parse(b.data, b.size, &cfg, record, rec);
	free(b.data);
	return r;
}

static const struct vm_config *vm_named(const char *name)
{
	uint32_t i;

	for (i = 0; i < cfg.nr_vms; i++)
		if (!strcmp(cfg.vms[i].name, name))
			return &cfg.vms[i];
	return NULL;
}

/* ---- Valid configs ---- */

static void test_single(void)
{
	struct recorder rec;
	const struct vm_config *vm;

	CHECK_EQ(parse_fixture("config-single", &rec), 1);
	CHECK_EQ(rec.n, 0);
	CHECK_EQ(cfg.nr_vms, 1);
	vm = &cfg.vms[0];
	CHECK(vm->valid);
	CHECK(!strcmp(vm->node, "/vms/vm@0"));
	CHECK(!strcmp(vm->name, "single"));
	CHECK_EQ(vm->vm_class, VM_CLASS_CLIENT); /* default */
	CHECK_EQ(vm->memory_mib, 256);
	CHECK_EQ(vm->vcpus, 1); /* default */
	CHECK(!strcmp(vm->kernel, "\\corral\\vmlinuz"));
	CHECK(!strcmp(vm->initrd, "\\corral\\guest.cpio.gz"));
	CHECK(!strcmp(vm->bootargs, "console=ttyS0"));
	CHECK_EQ(vm->restart, RESTART_NEVER); /* default */
}

static void test_multi(void)
{
	struct recorder rec;
	const struct vm_config *vm;

	CHECK_EQ(parse_fixture("config-multi", &rec), 3);
	/* pci-devices, dma-isolation, cpus, phandle, virtio-* are silent. */
	CHECK_EQ(rec.n, 0);
	CHECK_EQ(cfg.nr_vms, 3);

	vm = vm_named("net-dd");
	CHECK(vm && vm->valid);
	if (vm) {
		CHECK(!strcmp(vm->node, "/vms/vm@0"));
		CHECK_EQ(vm->vm_class, VM_CLASS_DRIVER);
		CHECK_EQ(vm->memory_mib, 256);
		CHECK_EQ(vm->vcpus, 2);
		CHECK(!strcmp(vm->initrd, "\\corral\\net-dd.cpio.gz"));
		CHECK(!strcmp(vm->bootargs, "console=ttyS0 quiet"));
		CHECK_EQ(vm->restart, RESTART_ALWAYS);
		CHECK_EQ(vm->nr_pci, 1);
		CHECK(!strcmp(vm->pci[0], "0000:00:02.0"));
		CHECK(!vm->dma_isolation_none);
		CHECK_EQ(vm->nr_cpus, 1); /* cpus = <1> */
		CHECK_EQ(vm->cpus[0], 1);
	}
	vm = vm_named("client0");
	CHECK(vm && vm->valid);
	if (vm) {
		CHECK(!strcmp(vm->node, "/vms/vm@1"));
		CHECK_EQ(vm->vm_class, VM_CLASS_CLIENT);
		CHECK_EQ(vm->memory_mib, 192);
		CHECK_EQ(vm->restart, RESTART_ON_CRASH);
		CHECK(!strcmp(vm->bootargs, ""));
		CHECK_EQ(vm->nr_cpus, 0); /* no cpus: corral places it */
	}
	vm = vm_named("client_1");
	CHECK(vm && vm->valid);
	if (vm) {
		CHECK_EQ(vm->memory_mib,
			 CONFIG_MEMORY_MIB_MAX); /* upper bounds */
		CHECK_EQ(vm->vcpus, CONFIG_VCPUS_MAX);
		CHECK_EQ(vm->nr_cpus, 3); /* cpus = <0 1 63> */
		CHECK_EQ(vm->cpus[2], 63);
		CHECK(!strcmp(vm->initrd, "")); /* none */
		CHECK_EQ(vm->restart, RESTART_NEVER);
	}
	CHECK(!strcmp(config_class_name(VM_CLASS_DRIVER), "driver"));
	CHECK(!strcmp(config_restart_name(RESTART_ON_CRASH), "on-crash"));
}

static void test_unknown_only_warns(void)
{
	struct recorder rec;

	/* Root compatible is a list that contains corral,system-1. */
	CHECK_EQ(parse_fixture("config-unknown", &rec), 2);
	CHECK(cfg.vms[0].valid);
	CHECK_EQ(count(&rec, CONFIG_ERROR), 0);
	CHECK_EQ(count(&rec, CONFIG_WARNING), 2);
	CHECK(find(&rec, CONFIG_WARNING, "/vms/vm@0", "colour"));
	CHECK(find(&rec, CONFIG_WARNING, "/vms/vm@0/gpu", ""));
	/* virtio-blk@0 is a known subnode: no warning. */
	CHECK(!find(&rec, CONFIG_WARNING, "/vms/vm@0/virtio-blk@0", ""));
}

/* ---- One bad VM beside a good one ---- */

/*
 * The fixture has vm@0 "good" and one bad VM: the result is 1, the good VM
 * still parses, the bad one is invalid, and an error names node + property.
 */
static void expect_bad_vm(const char *fixture, const char *node,
			  const char *prop)
{
	struct recorder rec;
	uint32_t i;
	bool seen_bad = false;

	CHECK_EQ(parse_fixture(fixture, &rec), 1);
	CHECK_EQ(cfg.nr_vms, 2);
	CHECK(cfg.vms[0].valid && !strcmp(cfg.vms[0].name, "good"));
	for (i = 0; i < cfg.nr_vms; i++) {
		if (!strcmp(cfg.vms[i].node, node)) {
			seen_bad = true;
			CHECK(!cfg.vms[i].valid);
		}
	}
	CHECK(seen_bad);
	if (!find(&rec, CONFIG_ERROR, node, prop))
		fprintf(stderr, "%s: no error for %s %s\n", fixture, node,
			prop);
	CHECK(find(&rec, CONFIG_ERROR, node, prop));
	CHECK_EQ(count(&rec, CONFIG_ERROR), 1);
}

static void test_bad_vms(void)
{
	struct recorder rec;

	expect_bad_vm("config-missing-name", "/vms/vm@1", "name");
	expect_bad_vm("config-missing-memory", "/vms/vm@1", "memory-mib");
	expect_bad_vm("config-memory-string", "/vms/vm@1", "memory-mib");
	expect_bad_vm("config-bad-class", "/vms/vm@1", "class");
	expect_bad_vm("config-bad-restart", "/vms/vm@1", "restart");
	expect_bad_vm("config-long-bootargs", "/vms/vm@1", "bootargs");

	/* The 1023-character bootargs of vm@0 fit exactly. */
	parse_fixture("config-long-bootargs", &rec);
	CHECK_EQ(strlen(cfg.vms[0].bootargs), CONFIG_BOOTARGS_MAX - 1);
	/* The message says what is wrong with memory-mib = "256". */
	parse_fixture("config-memory-string", &rec);
	CHECK(rec.n == 1 && strstr(rec.r[0].msg, "not the string \"256\""));
	parse_fixture("config-bad-class", &rec);
	CHECK(rec.n == 1 && strstr(rec.r[0].msg, "\"server\"") &&
	      strstr(rec.r[0].msg, "\"driver\""));
}

static void test_duplicate_name(void)
{
	struct recorder rec;
	const struct report *r;

	CHECK_EQ(parse_fixture("config-dup-name", &rec), 2);
	CHECK_EQ(cfg.nr_vms, 3);
	CHECK(cfg.vms[0].valid); /* the first holder keeps the name */
	CHECK(cfg.vms[1].valid);
	CHECK(!cfg.vms[2].valid);
	r = find(&rec, CONFIG_ERROR, "/vms/vm@2", "name");
	CHECK(r && strstr(r->msg, "/vms/vm@0"));
	CHECK_EQ(count(&rec, CONFIG_ERROR), 1);
}

struct bad_case {
	const char *node;
	const char *prop;
};

static void test_bad_values(void)
{
	static const struct bad_case cases[] = {
		{ "/vms/vm@1", "vcpus" },      /* <0> */
		{ "/vms/vm@2", "vcpus" },      /* <65> */
		{ "/vms/vm@3", "memory-mib" }, /* <16>: below 32 */
		{ "/vms/vm@4", "memory-mib" }, /* two cells */
		{ "/vms/vm@5", "name" },       /* "bad name!" */
		{ "/vms/vm@6", "name" },       /* 33 characters */
		{ "/vms/vm@7", "kernel" },     /* missing */
		{ "/vms/vm@8", "kernel" },     /* a cell, not a string */
		{ "/vms/vm@9", "initrd" },     /* a string list */
		{ "/vms/vm@10", "bootargs" },  /* no NUL */
		{ "/vms/vm@11", "vcpus" },     /* "2" */
		{ "/vms/vm@12", "kernel" },    /* "" */
		{ "/vms/vm@13", "name" },      /* "" */
		{ "/vms/vm@14", "cpus" },      /* <0 64>: no pCPU 64 */
		{ "/vms/vm@15", "cpus" },      /* "1" */
	};
	struct recorder rec;
	size_t i;

	CHECK_EQ(parse_fixture("config-bad-values", &rec), 1);
	CHECK_EQ(cfg.nr_vms, 16);
	CHECK(cfg.vms[0].valid);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!find(&rec, CONFIG_ERROR, cases[i].node, cases[i].prop))
			fprintf(stderr, "no error for %s %s\n", cases[i].node,
				cases[i].prop);
		CHECK(find(&rec, CONFIG_ERROR, cases[i].node, cases[i].prop));
		CHECK(!cfg.vms[i + 1].valid);
	}
	CHECK_EQ(count(&rec, CONFIG_ERROR),
		 (int)(sizeof(cases) / sizeof(cases[0])));
	CHECK_EQ(count(&rec, CONFIG_WARNING), 0);
}

static void test_too_many(void)
{
	struct recorder rec;

	CHECK_EQ(parse_fixture("config-too-many", &rec), CONFIG_MAX_VMS);
	CHECK_EQ(cfg.nr_vms, CONFIG_MAX_VMS);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@16", ""));
	CHECK_EQ(count(&rec, CONFIG_ERROR), 1);
	CHECK(!strcmp(cfg.vms[CONFIG_MAX_VMS - 1].name, "vm15"));
}

/* ---- Hand-made blobs (libfdt's sequential writer) for what dtc won't emit ---- */

static uint64_t sw_buf[1024]; /* 8 KiB, 8-byte aligned as libfdt wants */

/* Builds / { compatible; vms { vm@0 { <body> }; }; } into sw_buf. */
static size_t build_blob(void (*body)(void *fdt))
{
	void *fdt = sw_buf;

	CHECK_EQ(fdt_create(fdt, sizeof(sw_buf)), 0);
	CHECK_EQ(fdt_finish_reservemap(fdt), 0);
	CHECK_EQ(fdt_begin_node(fdt, ""), 0);
	CHECK_EQ(fdt_property_string(fdt, "compatible", CONFIG_COMPATIBLE), 0);
	CHECK_EQ(fdt_begin_node(fdt, "vms"), 0);
	CHECK_EQ(fdt_begin_node(fdt, "vm@0"), 0);
	body(fdt);
	CHECK_EQ(fdt_end_node(fdt), 0);
	CHECK_EQ(fdt_end_node(fdt), 0);
	CHECK_EQ(fdt_end_node(fdt), 0);
	CHECK_EQ(fdt_finish(fdt), 0);
	return fdt_totalsize(fdt);
}

static int parse_built(void (*body)(void *fdt), struct recorder *rec)
{
	size_t size = build_blob(body);

	memset(rec, 0, sizeof(*rec));
	return config_parse(sw_buf, size, &cfg, record, rec);
}

static void base_props(void *fdt)
{
	fdt32_t mem = cpu_to_fdt32(64);

	CHECK_EQ(fdt_property_string(fdt, "name", "hand"), 0);
	CHECK_EQ(fdt_property(fdt, "memory-mib", &mem, sizeof(mem)), 0);
}

static void body_repeated_name(void *fdt)
{
	base_props(fdt);
	CHECK_EQ(fdt_property_string(fdt, "kernel", "k"), 0);
	CHECK_EQ(fdt_property_string(fdt, "name", "again"), 0);
}

static char long_text[CONFIG_BOOTARGS_MAX + 1];

/* A string property of exactly n characters. */
static void string_of(void *fdt, const char *prop, size_t n)
{
	memset(long_text, 'x', n);
	long_text[n] = '\0';
	CHECK_EQ(fdt_property_string(fdt, prop, long_text), 0);
}

static void body_bootargs_1023(void *fdt)
{
	base_props(fdt);
	CHECK_EQ(fdt_property_string(fdt, "kernel", "k"), 0);
	string_of(fdt, "bootargs", CONFIG_BOOTARGS_MAX - 1);
}

static void body_bootargs_1024(void *fdt)
{
	base_props(fdt);
	CHECK_EQ(fdt_property_string(fdt, "kernel", "k"), 0);
	string_of(fdt, "bootargs", CONFIG_BOOTARGS_MAX);
}

static void body_kernel_127(void *fdt)
{
	base_props(fdt);
	string_of(fdt, "kernel", CONFIG_PATH_MAX - 1);
}

static void body_kernel_128(void *fdt)
{
	base_props(fdt);
	string_of(fdt, "kernel", CONFIG_PATH_MAX);
}

static size_t name_len;

static void body_name(void *fdt)
{
	fdt32_t mem = cpu_to_fdt32(64);

	string_of(fdt, "name", name_len);
	CHECK_EQ(fdt_property(fdt, "memory-mib", &mem, sizeof(mem)), 0);
	CHECK_EQ(fdt_property_string(fdt, "kernel", "k"), 0);
}

static void test_hand_made(void)
{
	struct recorder rec;

	/* dtc merges repeated properties; a hand-made blob can repeat one. */
	CHECK_EQ(parse_built(body_repeated_name, &rec), 0);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@0", "name"));

	/* Exact limits: the longest value that fits, and one more. */
	CHECK_EQ(parse_built(body_bootargs_1023, &rec), 1);
	CHECK_EQ(strlen(cfg.vms[0].bootargs), CONFIG_BOOTARGS_MAX - 1);
	CHECK_EQ(parse_built(body_bootargs_1024, &rec), 0);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@0", "bootargs"));
	CHECK_EQ(parse_built(body_kernel_127, &rec), 1);
	CHECK_EQ(parse_built(body_kernel_128, &rec), 0);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@0", "kernel"));
	name_len = CONFIG_NAME_MAX - 1;
	CHECK_EQ(parse_built(body_name, &rec), 1);
	CHECK_EQ(strlen(cfg.vms[0].name), CONFIG_NAME_MAX - 1);
	name_len = CONFIG_NAME_MAX;
	CHECK_EQ(parse_built(body_name, &rec), 0);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@0", "name"));
}

/* ---- A DTB that is unusable as a whole ---- */

static void test_fatal(void)
{
	struct recorder rec;

	CHECK(parse_fixture("config-wrong-compat", &rec) < 0);
	CHECK(find(&rec, CONFIG_ERROR, "/", "compatible"));
	CHECK_EQ(cfg.nr_vms, 0);
	CHECK(parse_fixture("config-no-compat", &rec) < 0);
	CHECK(find(&rec, CONFIG_ERROR, "/", "compatible"));
	CHECK(parse_fixture("config-no-vms", &rec) < 0);
	CHECK(find(&rec, CONFIG_ERROR, "/vms", ""));
	CHECK_EQ(rec.n, 1);
}

static void test_null_report_and_alignment(void)
{
	struct blob b = load_fixture("config-single");
	struct recorder rec = { 0 };
	uint8_t *shifted = malloc(b.size + 1);

	/* report may be NULL. */
	CHECK_EQ(config_parse(b.data, b.size, &cfg, NULL, NULL), 1);
	/* libfdt wants 8-byte alignment; a misaligned blob is refused cleanly. */
	memcpy(shifted + 1, b.data, b.size);
	CHECK(config_parse(shifted + 1, b.size, &cfg, record, &rec) < 0);
	CHECK(find(&rec, CONFIG_ERROR, "/", ""));
	CHECK(config_parse(NULL, 0, &cfg, record, &rec) < 0);
	free(shifted);
	free(b.data);
}

/* ---- Hostile blobs: nothing may read out of bounds ---- */

static void quiet(void *ctx, enum config_severity sev, const char *node,
		  const char *prop, const char *msg)
{
	/* Touch every string so ASan checks that each is terminated. */
	*(size_t *)ctx +=
		strlen(node) + (prop ? strlen(prop) : 0) + strlen(msg);
}

/* Parses a private exact-size copy so that ASan catches any overrun. */
static int parse_copy(const void *data, size_t size)
{
	void *copy = malloc(size ? size : 1);
	size_t sink = 0;
	int r;

	memcpy(copy, data, size);
	r = config_parse(copy, size, &cfg, quiet, &sink);
	free(copy);
	if (r >= 0) {
		/* Whatever was accepted must be well-formed. */
		uint32_t i;

		CHECK(cfg.nr_vms <= CONFIG_MAX_VMS);
		for (i = 0; i < cfg.nr_vms; i++) {
			CHECK(memchr(cfg.vms[i].name, 0, CONFIG_NAME_MAX));
			CHECK(memchr(cfg.vms[i].kernel, 0, CONFIG_PATH_MAX));
			CHECK(memchr(cfg.vms[i].bootargs, 0,
				     CONFIG_BOOTARGS_MAX));
		}
	}
	return r;
}

static void test_truncated(void)
{
	struct blob b = load_fixture("config-multi");
	size_t len;
	int bad = 0;

	for (len = 0; len < b.size; len++)
		bad += parse_copy(b.data, len) >= 0;
	CHECK_EQ(bad, 0); /* every truncation is refused */
	CHECK_EQ(parse_copy(b.data, b.size), 3);
	free(b.data);
}

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
	/* xorshift32: reproducible garbage. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Overwrites one of the header words after the magic (DT spec §5.2). */
static void set_header_word(uint8_t *blob, uint32_t value)
{
	fdt32_t v = cpu_to_fdt32(value);

	memcpy(blob + 4 * (1 + rng() % 9), &v, sizeof(v));
}

static void test_garbage(void)
{
	struct blob b = load_fixture("config-single");
	uint8_t buf[4096];
	int round, accepted = 0;
	size_t i, n;

	for (round = 0; round < 2000; round++) {
		n = rng() % sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = (uint8_t)rng();
		accepted += parse_copy(buf, n) >= 0;
	}
	CHECK_EQ(accepted, 0);

	/* A genuine header with random offsets and sizes in it. */
	for (round = 0; round < 5000; round++) {
		memcpy(buf, b.data, b.size);
		set_header_word(buf, rng() % (b.size + 64));
		if (rng() & 1)
			set_header_word(buf, rng());
		parse_copy(buf, b.size);
	}
	free(b.data);
}

static void test_corrupt_every_byte(void)
{
	static const uint8_t patterns[] = { 0x01, 0x80, 0xff };
	static const char *const fixtures[] = { "config-multi",
						"config-bad-values" };
	size_t f, i, p;

	for (f = 0; f < 2; f++) {
		struct blob b = load_fixture(fixtures[f]);
		uint8_t *copy = malloc(b.size);

		for (i = 0; i < b.size; i++) {
			for (p = 0; p < sizeof(patterns); p++) {
				memcpy(copy, b.data, b.size);
				copy[i] ^= patterns[p];
				parse_copy(copy, b.size);
			}
			memcpy(copy, b.data, b.size);
			copy[i] = 0;
			parse_copy(copy, b.size);
		}
		free(copy);
		free(b.data);
	}
	CHECK(1); /* reaching here without a sanitizer report is the test */
}

/* pci-devices: syntax-checked strings; dma-isolation keywords. */
static void test_pci(void)
{
	static const struct bad_case cases[] = {
		{ "/vms/vm@1", "pci-devices" },	  /* "0000:00:2.0" */
		{ "/vms/vm@2", "pci-devices" },	  /* segment 1 */
		{ "/vms/vm@3", "dma-isolation" }, /* "maybe" */
		{ "/vms/vm@4", "pci-devices" },	  /* a cell */
	};
	struct recorder rec;
	const struct vm_config *vm;

	CHECK_EQ(parse_fixture("config-pci", &rec), 1);
	vm = vm_named("two-devices");
	CHECK(vm && vm->valid);
	if (vm) {
		CHECK_EQ(vm->nr_pci, 2);
		CHECK(!strcmp(vm->pci[0], "0000:00:02.0"));
		CHECK(!strcmp(vm->pci[1], "03:00.1"));
		CHECK(vm->dma_isolation_none);
		CHECK(vm->test_dma_targets);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(find(&rec, CONFIG_ERROR, cases[i].node, cases[i].prop));
	CHECK_EQ(rec.n, 4);
}

/* ---- virtio-net ---- */

static void test_net(void)
{
	struct recorder rec;
	static const uint8_t mac20[6] = { 0x52, 0x54, 0, 0, 0, 0x20 };

	CHECK_EQ(parse_fixture("config-net", &rec), 3);
	CHECK_EQ(count(&rec, CONFIG_ERROR), 0);
	CHECK(cfg.vms[0].phandle != 0);
	CHECK_EQ(cfg.vms[1].nr_net, 1);
	CHECK_EQ(cfg.vms[1].net[0].ref.backend, 0);
	CHECK(!strcmp(cfg.vms[1].net[0].ref.node, "/vms/vm@1/virtio-net"));
	CHECK_EQ(cfg.vms[2].nr_net, 2);
	CHECK(!memcmp(cfg.vms[2].net[0].mac, mac20, 6));
	CHECK_EQ(cfg.vms[2].net[1].ref.backend, 0);
	CHECK_EQ(cfg.vms[2].net[1].ref.slot, 2);
	CHECK_EQ(cfg.vms[0].nr_served, 3);
	/* An unknown property in the subnode only warns, naming it. */
	CHECK(find(&rec, CONFIG_WARNING, "/vms/vm@2/virtio-net@1", "speed"));
}

static void expect_net_error(const char *node, const char *prop,
			     const char *words)
{
	const struct report *r;
	struct recorder *rec = &net_rec;

	r = find(rec, CONFIG_ERROR, node, prop);
	if (!r)
		fprintf(stderr, "no error for %s %s\n", node, prop);
	CHECK(r && strstr(r->msg, words));
}

static void test_net_bad(void)
{
	/* net, nonic and client are fine; each other VM has one error. */
	CHECK_EQ(parse_fixture("config-net-bad", &net_rec), 3);
	CHECK(cfg.vms[0].valid && cfg.vms[1].valid && cfg.vms[2].valid);
	for (uint32_t i = 3; i < cfg.nr_vms; i++)
		CHECK(!cfg.vms[i].valid);
	CHECK_EQ(count(&net_rec, CONFIG_ERROR), 9);
	expect_net_error(
		"/vms/vm@3/virtio-net", "mac",
		"52:54:00:00:00:10 is also the MAC of /vms/vm@2/virtio-net");
	expect_net_error("/vms/vm@4/virtio-net", "backend",
			 "/vms/vm@2 (client) is a client VM");
	expect_net_error("/vms/vm@5/virtio-net", "backend",
			 "has no pci-devices");
	expect_net_error("/vms/vm@6/virtio-net", "mac", "multicast");
	expect_net_error("/vms/vm@7/virtio-net", "mac", "must be 6 bytes");
	expect_net_error("/vms/vm@8/virtio-net", "backend",
			 "missing required property");
	expect_net_error("/vms/vm@9/virtio-net", "backend",
			 "must be a reference");
	expect_net_error("/vms/vm@10/virtio-net", "mac", "all zeros");
	expect_net_error("/vms/vm@11/virtio-net", "mac",
			 "missing required property");
}

static void test_net_many(void)
{
	struct recorder rec;

	/* a and b fill net's 8; the ninth is refused; fifth has 5 in one VM. */
	CHECK_EQ(parse_fixture("config-net-many", &rec), 3);
	CHECK(cfg.vms[1].valid && cfg.vms[2].valid);
	CHECK(!cfg.vms[3].valid && !cfg.vms[4].valid);
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@3/virtio-net", "backend"));
	CHECK(find(&rec, CONFIG_ERROR, "/vms/vm@4/virtio-net@4", ""));
}

/* ---- virtio-blk ---- */

static void test_blk(void)
{
	struct recorder rec;

	CHECK_EQ(parse_fixture("config-blk", &rec), 4);
	CHECK_EQ(count(&rec, CONFIG_ERROR), 0);
	CHECK_EQ(cfg.vms[1].nr_blk, 1);
	CHECK_EQ(cfg.vms[1].net[0].ref.slot, 0); /* slots in config order */
	CHECK_EQ(cfg.vms[1].blk[0].ref.slot, 1);
	CHECK_EQ(cfg.vms[1].blk[0].ref.backend, 0);
	CHECK(!strcmp(cfg.vms[1].blk[0].export, "nvme0n1:1"));
	CHECK_EQ(cfg.vms[1].blk[0].spec.part, 1);
	CHECK_EQ(cfg.vms[2].nr_blk, 3);
	CHECK(cfg.vms[2].blk[1].spec.ranged);
	CHECK_EQ(cfg.vms[2].blk[1].spec.start, 2048);
	CHECK(cfg.vms[2].blk[2].read_only && !cfg.vms[2].blk[1].read_only);
	CHECK_EQ(cfg.vms[3].blk[1].ref.slot, 6);
	CHECK_EQ(cfg.vms[0].nr_served, 7);
	CHECK_EQ(cfg.vms[0].served[0].kind, SERVED_NET);
	CHECK_EQ(cfg.vms[0].served[4].kind, SERVED_BLK);
	CHECK_EQ(cfg.vms[0].served[4].client, 2);
	CHECK_EQ(cfg.vms[0].served[4].dev, 2);
	CHECK(cfg.vms[0].served[4].read_only);
	CHECK(!strcmp(cfg.vms[0].served[4].export, "nvme0n1:3"));
	CHECK(find(&rec, CONFIG_WARNING, "/vms/vm@2/virtio-blk@1", "cache"));
	/* A label against partition numbers: the mapper decides. */
	CHECK(find(&rec, CONFIG_WARNING, "/vms/vm@3/virtio-blk@1", "export"));
}

static void test_blk_bad(void)
{
	struct recorder rec;
	const struct report *r;

	CHECK_EQ(parse_fixture("config-blk-bad", &rec), 2);
	CHECK(cfg.vms[0].valid && cfg.vms[1].valid);
	for (uint32_t i = 2; i < cfg.nr_vms; i++)
		CHECK(!cfg.vms[i].valid);
	CHECK_EQ(count(&rec, CONFIG_ERROR), 7);
	r = find(&rec, CONFIG_ERROR, "/vms/vm@2/virtio-blk", "export");
	CHECK(r &&
	      strstr(r->msg,
		     "\"nvme0n1\" overlaps \"nvme0n1:1\" of /vms/vm@1/virtio-blk"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@3/virtio-blk", "export");
	CHECK(r && strstr(r->msg, "missing required property"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@4/virtio-blk", "export");
	CHECK(r && strstr(r->msg, "disk's name"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@5/virtio-blk", "export");
	CHECK(r && strstr(r->msg, "@START+COUNT"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@6/virtio-blk", "read-only");
	CHECK(r && strstr(r->msg, "takes no value"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@7/virtio-blk", "export");
	CHECK(r && strstr(r->msg, "one string"));
	r = find(&rec, CONFIG_ERROR, "/vms/vm@8/virtio-blk", "backend");
	CHECK(r && strstr(r->msg, "is a client VM"));
}

int main(void)
{
	test_blk();
	test_blk_bad();
	test_net();
	test_net_bad();
	test_net_many();
	test_pci();
	test_single();
	test_multi();
	test_unknown_only_warns();
	test_bad_vms();
	test_duplicate_name();
	test_bad_values();
	test_too_many();
	test_hand_made();
	test_fatal();
	test_null_report_and_alignment();
	test_truncated();
	test_garbage();
	test_corrupt_every_byte();
	return test_summary();
}
