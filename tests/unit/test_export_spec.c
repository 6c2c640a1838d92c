// SPDX-License-Identifier: MIT
/*
 * Export strings of virtio-blk devices (lib/export_spec.c): every form,
 * every malformation with its reason, and which pairs of exports surely
 * overlap, surely do not, or need the disk to tell.
 */
#include <export_spec.h>
#include <string.h>

#include "test.h"

static struct export_spec e;

static bool ok(const char *s)
{
	const char *why = NULL;
	bool good = !export_spec_parse(s, &e, &why);

	if (!good && !why)
		fprintf(stderr, "%s: refused with no reason\n", s);
	return good;
}

static void test_forms(void)
{
	CHECK(ok("nvme0n1"));
	CHECK(!strcmp(e.disk, "nvme0n1") && !e.part && !e.label[0] &&
	      !e.ranged);
	CHECK(ok("sda:2"));
	CHECK(!strcmp(e.disk, "sda") && e.part == 2);
	CHECK(ok("sda:label=client-a"));
	CHECK(!strcmp(e.label, "client-a") && !e.part);
	CHECK(ok("nvme0n1@2048+409600"));
	CHECK(e.ranged && e.start == 2048 && e.count == 409600);
	CHECK(ok("nvme0n1:3@0+8"));
	CHECK(e.part == 3 && e.ranged && e.count == 8);
	CHECK(ok("vdb:label=a b@1+1")); /* a label may hold a space */
	CHECK(!strcmp(e.label, "a b"));
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"",
		":1",
		"/dev/sda",
		"sda:",
		"sda:0",
		"sda:129",
		"sda:x",
		"sda:label=",
		"sda:label=0123456789012345678901234567890123456",
		"sda@",
		"sda@1",
		"sda@1+",
		"sda@1+0",
		"sda@+5",
		"sda@1+5x",
		"sda@18446744073709551615+1",
		"sda@99999999999999999999+1",
		"sda 1",
		"0123456789012345678901234567890123",
		"nvme0n1:1@0+1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK(!ok(bad[i]));
		if (ok(bad[i]))
			fprintf(stderr, "accepted: \"%s\"\n", bad[i]);
	}
}

static enum export_overlap overlap(const char *a, const char *b)
{
	struct export_spec x, y;
	const char *why;
	enum export_overlap r1, r2;

	CHECK_EQ(export_spec_parse(a, &x, &why), 0);
	CHECK_EQ(export_spec_parse(b, &y, &why), 0);
	r1 = export_spec_overlap(&x, &y);
	r2 = export_spec_overlap(&y, &x);
	CHECK_EQ(r1, r2); /* symmetric */
	return r1;
}

static void test_overlap(void)
{
	CHECK_EQ(overlap("sda", "sdb"), EXPORT_APART);
	CHECK_EQ(overlap("sda", "sda"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda", "sda:1"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda", "sda:label=x"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda@0+100", "sda:1"), EXPORT_UNKNOWN);
	CHECK_EQ(overlap("sda", "sda:1@5+5"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda:1", "sda:2"), EXPORT_APART);
	CHECK_EQ(overlap("sda:1", "sda:1"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda:1@0+100", "sda:1@100+100"), EXPORT_APART);
	CHECK_EQ(overlap("sda:1@0+101", "sda:1@100+100"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda@0+2048", "sda@2048+1"), EXPORT_APART);
	CHECK_EQ(overlap("sda@0+2049", "sda@2048+1"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda:label=a", "sda:label=b"), EXPORT_APART);
	CHECK_EQ(overlap("sda:label=a", "sda:label=a@1+1"), EXPORT_OVERLAP);
	CHECK_EQ(overlap("sda:label=a", "sda:2"), EXPORT_UNKNOWN);
	CHECK_EQ(overlap("sda:label=a", "sdb:label=a"), EXPORT_APART);
}

int main(void)
{
	test_forms();
	test_malformed();
	test_overlap();
	return test_summary();
}
