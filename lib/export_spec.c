// SPDX-License-Identifier: MIT
/* What a client's virtio-blk device exports (export_spec.h). */
#include <export_spec.h>
#include <string.h>

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* A decimal number at *s, up to a character not a digit; false if none,
 * or too large. */
static bool number(const char **s, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	return true;
}

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -1;
}

static int parse_part(const char **s, struct export_spec *e, const char **why)
{
	const char *p = *s;
	uint64_t n;
	size_t len = 0;

	if (!strncmp(p, "label=", 6)) {
		p += 6;
		while (p[len] && p[len] != '@')
			len++;
		if (!len || len > EXPORT_LABEL_MAX)
			return fail(
				why,
				"a partition label must have 1 to 36 characters");
		memcpy(e->label, p, len);
		e->label[len] = '\0';
		*s = p + len;
		return 0;
	}
	if (!number(&p, &n) || !n || n > 128)
		return fail(
			why,
			"a partition is a number from 1 to 128, or label=NAME");
	e->part = (uint32_t)n;
	*s = p;
	return 0;
}

static int parse_range(const char *p, struct export_spec *e, const char **why)
{
	if (!number(&p, &e->start) || *p != '+')
		return fail(why,
			    "a range is @START+COUNT, in 512-byte sectors");
	p++;
	if (!number(&p, &e->count) || *p)
		return fail(why,
			    "a range is @START+COUNT, in 512-byte sectors");
	if (!e->count)
		return fail(why, "a range of 0 sectors exports nothing");
	if (e->start > UINT64_MAX - e->count)
		return fail(why, "the range runs past the largest sector");
	e->ranged = true;
	return 0;
}

int export_spec_parse(const char *s, struct export_spec *e, const char **why)
{
	size_t len = 0;

	memset(e, 0, sizeof(*e));
	if (strlen(s) >= EXPORT_SPEC_MAX)
		return fail(why, "is longer than 63 characters");
	while (is_alnum(s[len]))
		len++;
	if (!len || len >= EXPORT_DISK_MAX)
		return fail(
			why,
			"must start with a disk's name, such as \"nvme0n1\" or \"sda\"");
	memcpy(e->disk, s, len);
	s += len;
	if (*s == ':') {
		s++;
		if (parse_part(&s, e, why))
			return -1;
	}
	if (*s == '@')
		return parse_range(s + 1, e, why);
	if (*s)
		return fail(
			why,
			"has characters after the disk and partition; the form is DISK[:PART][@START+COUNT]");
	return 0;
}

/* [start, start + count) of both intersect; an unranged export is the
 * whole of its disk or partition. */
static bool ranges_meet(const struct export_spec *a,
			const struct export_spec *b)
{
	if (!a->ranged || !b->ranged)
		return true;
	return a->start < b->start + b->count && b->start < a->start + a->count;
}

enum export_overlap export_spec_overlap(const struct export_spec *a,
					const struct export_spec *b)
{
	bool a_whole = !a->part && !a->label[0];
	bool b_whole = !b->part && !b->label[0];

	if (strcmp(a->disk, b->disk))
		return EXPORT_APART;
	if (a_whole && b_whole)
		return ranges_meet(a, b) ? EXPORT_OVERLAP : EXPORT_APART;
	if (a_whole || b_whole) {
		/* A partition and the disk: the whole disk holds it; only
		 * the partition table can say where a range of it falls. */
		const struct export_spec *whole = a_whole ? a : b;

		return whole->ranged ? EXPORT_UNKNOWN : EXPORT_OVERLAP;
	}
	if (a->label[0] && b->label[0]) {
		if (strcmp(a->label, b->label))
			return EXPORT_APART; /* GPT partitions do not overlap */
		return ranges_meet(a, b) ? EXPORT_OVERLAP : EXPORT_APART;
	}
	if (a->label[0] || b->label[0])
		return EXPORT_UNKNOWN;
	if (a->part != b->part)
		return EXPORT_APART;
	return ranges_meet(a, b) ? EXPORT_OVERLAP : EXPORT_APART;
}
