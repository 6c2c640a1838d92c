// SPDX-License-Identifier: MIT
/*
 * The system config parser: a DTB (Devicetree Specification v0.4, chapter 5,
 * "Flattened Devicetree (DTB) Format") read through libfdt, checked against
 * the schema in docs/config.md.
 *
 * The blob comes from a file on the ESP and is not trusted. The header and
 * the blob's size are checked before libfdt walks it; every libfdt call's
 * result is checked, and property values are only read within the length
 * libfdt returns. Problems go to the caller's report callback with the node
 * path and property name, so the user can find them in their DTS.
 */
#include <libfdt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <format.h>
#include <guest/config.h>
#include <guest/config_parser.h>

/* Longest piece of a user's value quoted back in a message. */
#define QUOTE_MAX 40
#define MSG_MAX 160
#define SUBNODE_PATH_MAX (CONFIG_NODE_MAX * 2)
#define FDT_RSVMAP_ALIGN 8
/* Values shown in "such as <n>" hints. */
#define MEMORY_MIB_EXAMPLE 256
#define VCPUS_EXAMPLE 1

/* ---- Message text ---- */

/* Room for quote()'s output: two quotes, QUOTE_MAX bytes, "..." and a NUL. */
#define QUOTED_MAX (QUOTE_MAX + sizeof("\"...\""))

/*
 * Copies at most n bytes of untrusted text (stopping at a NUL) into
 * dst[cap], with anything unprintable shown as '?', so a hostile value
 * cannot garble the console. Cuts what does not fit; always NUL-terminates.
 */
static void copy_clean(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap && s[i]; i++)
		dst[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	dst[i] = '\0';
}

/*
 * Quotes at most `len` bytes of a user's value (stopping at a NUL) into q,
 * cleaned as above and cut after QUOTE_MAX bytes, so one long value cannot
 * crowd the rest of a message out. Returns q, for use as a %s argument.
 */
static const char *quote(char q[QUOTED_MAX], const char *s, size_t len)
{
	size_t n = strnlen(s, len);
	char clean[QUOTE_MAX + 1];

	copy_clean(clean, sizeof(clean), s, n);
	snprintf(q, QUOTED_MAX, "\"%s%s\"", clean, n > QUOTE_MAX ? "..." : "");
	return q;
}

/* Appends to the string in buf[cap], cutting what does not fit. */
__attribute__((format(printf, 3, 4))) static void
msg_append(char *buf, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
}

/* ---- Reporting ---- */

void config_report(struct parser *p, enum config_severity sev, const char *node,
		   const char *prop, const char *msg)
{
	if (p->report)
		p->report(p->ctx, sev, node, prop, msg);
}

void config_vm_error(struct parser *p, struct vm_config *vm, const char *node,
		     const char *prop, const char *msg)
{
	vm->valid = false;
	config_report(p, CONFIG_ERROR, node, prop, msg);
}

/* An error in a VM's node: report it and keep that VM from starting. */
static void prop_error(struct parser *p, struct vm_config *vm, const char *prop,
		       const char *msg)
{
	config_vm_error(p, vm, vm->node, prop, msg);
}

static void report_fdt_error(struct parser *p, const char *node,
			     const char *what, int err)
{
	char msg[MSG_MAX];

	snprintf(msg, sizeof(msg), "%s: %s", what, fdt_strerror(err));
	config_report(p, CONFIG_ERROR, node, NULL, msg);
}

/* ---- Typed property access (Devicetree Specification v0.4 §2.2.4.1) ---- */

struct prop_value {
	const char *name;
	const char *val;
	int len; /* >= 0: libfdt has checked val[0..len) lies inside the blob */
};

/* A <string>: printable bytes followed by exactly one NUL. */
static bool is_string(const char *val, int len)
{
	return len >= 1 && val[len - 1] == '\0' &&
	       strnlen(val, (size_t)len) == (size_t)len - 1;
}

/* A 4-byte value such as "256" was meant as a cell but written as a string. */
static bool looks_like_text(const char *val, int len)
{
	int i;

	if (len < 2 || !is_string(val, len))
		return false;
	for (i = 0; i < len - 1; i++)
		if (val[i] < 0x20 || val[i] >= 0x7f)
			return false;
	return true;
}

/* Returns the property's value as a C string, or NULL after an error. */
static const char *prop_string(struct parser *p, struct vm_config *vm,
			       const struct prop_value *pv)
{
	if (is_string(pv->val, pv->len))
		return pv->val;
	if (pv->len >= 1 && pv->val[pv->len - 1] == '\0')
		prop_error(p, vm, pv->name,
			   "must be one string, not a list of strings");
	else
		prop_error(
			p, vm, pv->name,
			"must be a string such as \"...\" (wrong type or not NUL-terminated)");
	return NULL;
}

/* Copies a string property into dst[cap]; an error if it does not fit. */
static int prop_copy_string(struct parser *p, struct vm_config *vm,
			    const struct prop_value *pv, char *dst, size_t cap)
{
	const char *s = prop_string(p, vm, pv);
	char msg[MSG_MAX];

	if (!s)
		return -EINVAL;
	if ((size_t)pv->len > cap) {
		snprintf(msg, sizeof(msg),
			 "too long: %d characters, at most %zu", pv->len - 1,
			 cap - 1);
		prop_error(p, vm, pv->name, msg);
		return -EINVAL;
	}
	memcpy(dst, s, (size_t)pv->len);
	return 0;
}

/* A single 32-bit big-endian cell, <n> in DTS, checked against [min, max]. */
static int prop_u32(struct parser *p, struct vm_config *vm,
		    const struct prop_value *pv, uint32_t min, uint32_t max,
		    uint32_t example, uint32_t *out)
{
	char msg[MSG_MAX], q[QUOTED_MAX];
	uint32_t v;

	if (looks_like_text(pv->val, pv->len)) {
		snprintf(
			msg, sizeof(msg),
			"must be a 32-bit cell such as <%u>, not the string %s",
			example, quote(q, pv->val, (size_t)pv->len));
		prop_error(p, vm, pv->name, msg);
		return -EINVAL;
	}
	if (pv->len != (int)sizeof(fdt32_t)) {
		snprintf(
			msg, sizeof(msg),
			"must be exactly one 32-bit cell such as <%u>; found %d bytes",
			example, pv->len);
		prop_error(p, vm, pv->name, msg);
		return -EINVAL;
	}
	v = fdt32_ld((const fdt32_t *)pv->val);
	if (v < min || v > max) {
		snprintf(msg, sizeof(msg), "out of range: %u is not in %u..%u",
			 v, min, max);
		prop_error(p, vm, pv->name, msg);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

struct keyword {
	const char *word;
	int value;
};

/* Looks a string property up in a table of keywords; an error names them all. */
static int prop_keyword(struct parser *p, struct vm_config *vm,
			const struct prop_value *pv, const struct keyword *kw,
			size_t n, int *out)
{
	const char *s = prop_string(p, vm, pv);
	char msg[MSG_MAX], q[QUOTED_MAX];
	size_t i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!strcmp(s, kw[i].word)) {
			*out = kw[i].value;
			return 0;
		}
	}
	snprintf(msg, sizeof(msg), "unknown value %s: use ",
		 quote(q, s, (size_t)pv->len));
	for (i = 0; i < n; i++)
		msg_append(msg, sizeof(msg), "%s\"%s\"",
			   i ? (i + 1 == n ? " or " : ", ") : "", kw[i].word);
	prop_error(p, vm, pv->name, msg);
	return -EINVAL;
}

/* ---- The VM node's properties ---- */

static const struct keyword class_words[] = {
	{ "client", VM_CLASS_CLIENT },
	{ "driver", VM_CLASS_DRIVER },
};

static const struct keyword restart_words[] = {
	{ "never", RESTART_NEVER },
	{ "on-crash", RESTART_ON_CRASH },
	{ "always", RESTART_ALWAYS },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Names appear in console prefixes and on the command line: keep them tame. */
static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void parse_name(struct parser *p, struct vm_config *vm,
		       const struct prop_value *pv)
{
	const char *s = prop_string(p, vm, pv);
	size_t i, n;

	if (!s)
		return;
	n = (size_t)pv->len - 1;
	if (n == 0 || n >= CONFIG_NAME_MAX) {
		prop_error(p, vm, pv->name, "must have 1 to 31 characters");
		return;
	}
	for (i = 0; i < n; i++) {
		if (!name_char_ok(s[i])) {
			prop_error(
				p, vm, pv->name,
				"may only contain A-Z, a-z, 0-9, '_' and '-'");
			return;
		}
	}
	memcpy(vm->name, s, n + 1);
}

static void parse_class(struct parser *p, struct vm_config *vm,
			const struct prop_value *pv)
{
	int v;

	if (!prop_keyword(p, vm, pv, class_words, ARRAY_SIZE(class_words), &v))
		vm->vm_class = (enum vm_class)v;
}

static void parse_restart(struct parser *p, struct vm_config *vm,
			  const struct prop_value *pv)
{
	int v;

	if (!prop_keyword(p, vm, pv, restart_words, ARRAY_SIZE(restart_words),
			  &v))
		vm->restart = (enum restart_policy)v;
}

static void parse_memory(struct parser *p, struct vm_config *vm,
			 const struct prop_value *pv)
{
	prop_u32(p, vm, pv, CONFIG_MEMORY_MIB_MIN, CONFIG_MEMORY_MIB_MAX,
		 MEMORY_MIB_EXAMPLE, &vm->memory_mib);
}

static void parse_vcpus(struct parser *p, struct vm_config *vm,
			const struct prop_value *pv)
{
	prop_u32(p, vm, pv, CONFIG_VCPUS_MIN, CONFIG_VCPUS_MAX, VCPUS_EXAMPLE,
		 &vm->vcpus);
}

static void parse_irq_vectors(struct parser *p, struct vm_config *vm,
			      const struct prop_value *pv)
{
	prop_u32(p, vm, pv, CONFIG_IRQ_QUOTA_MIN, CONFIG_IRQ_VECTORS_MAX,
		 CONFIG_IRQ_QUOTA_DEFAULT, &vm->irq_vectors);
}

static void parse_irq_remap_entries(struct parser *p, struct vm_config *vm,
				    const struct prop_value *pv)
{
	prop_u32(p, vm, pv, CONFIG_IRQ_QUOTA_MIN, CONFIG_IRQ_REMAP_ENTRIES_MAX,
		 CONFIG_IRQ_QUOTA_DEFAULT, &vm->irq_remap_entries);
}

static void parse_kernel(struct parser *p, struct vm_config *vm,
			 const struct prop_value *pv)
{
	if (!prop_copy_string(p, vm, pv, vm->kernel, sizeof(vm->kernel)) &&
	    !vm->kernel[0])
		prop_error(p, vm, pv->name, "must not be empty");
}

/* An empty initrd string means "no initrd", the same as leaving it out. */
static void parse_initrd(struct parser *p, struct vm_config *vm,
			 const struct prop_value *pv)
{
	prop_copy_string(p, vm, pv, vm->initrd, sizeof(vm->initrd));
}

static void parse_bootargs(struct parser *p, struct vm_config *vm,
			   const struct prop_value *pv)
{
	prop_copy_string(p, vm, pv, vm->bootargs, sizeof(vm->bootargs));
}

/* "SSSS:BB:DD.F" or "BB:DD.F", hex, segment 0 only. */
static bool bdf_syntax_ok(const char *s, size_t n)
{
	const char *shape = n == 12 ? "xxxx:xx:xx.x" : "xx:xx.x";

	if (n != 12 && n != 7)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			   (c >= 'A' && c <= 'F');

		if (shape[i] == 'x' ? !hex : c != shape[i])
			return false;
	}
	return n == 7 || !memcmp(s, "0000", 4);
}

static void parse_pci_devices(struct parser *p, struct vm_config *vm,
			      const struct prop_value *pv)
{
	const char *s = pv->val;
	int left = pv->len;

	if (left <= 0 || s[left - 1] != '\0') {
		prop_error(p, vm, pv->name,
			   "must be a list of strings like \"0000:00:02.0\"");
		return;
	}
	while (left > 0) {
		size_t n = strnlen(s, (size_t)left);

		if (vm->nr_pci == CONFIG_MAX_PCI) {
			prop_error(p, vm, pv->name,
				   "too many devices (at most 8)");
			return;
		}
		if (!bdf_syntax_ok(s, n)) {
			prop_error(
				p, vm, pv->name,
				"a device is not of the form \"0000:BB:DD.F\" (segment 0)");
			return;
		}
		memcpy(vm->pci[vm->nr_pci++], s, n + 1);
		s += n + 1;
		left -= (int)n + 1;
	}
}

static const struct keyword isolation_words[] = {
	{ "iommu", 0 },
	{ "none", 1 },
};

static void parse_dma_isolation(struct parser *p, struct vm_config *vm,
				const struct prop_value *pv)
{
	int v;

	if (!prop_keyword(p, vm, pv, isolation_words,
			  ARRAY_SIZE(isolation_words), &v))
		vm->dma_isolation_none = v == 1;
}

static void parse_test_dma_targets(struct parser *p, struct vm_config *vm,
				   const struct prop_value *pv)
{
	vm->test_dma_targets = true;
}

/* The physical CPUs the VM's vCPUs run on, one cell per vCPU, repeated
 * when there are fewer cells than vCPUs (checked against the CPUs found at
 * boot by the hypervisor, not here). */
static void parse_cpus(struct parser *p, struct vm_config *vm,
		       const struct prop_value *pv)
{
	uint32_t n = (uint32_t)pv->len / sizeof(fdt32_t);
	char msg[MSG_MAX];

	if (looks_like_text(pv->val, pv->len) || pv->len <= 0 ||
	    pv->len % (int)sizeof(fdt32_t) || n > CONFIG_VCPUS_MAX) {
		snprintf(
			msg, sizeof(msg),
			"must be 1 to %d 32-bit cells, a pCPU number per vCPU, such as <0 1>",
			CONFIG_VCPUS_MAX);
		prop_error(p, vm, pv->name, msg);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t cpu = fdt32_ld((const fdt32_t *)pv->val + i);

		if (cpu > CONFIG_MAX_CPU) {
			snprintf(msg, sizeof(msg),
				 "out of range: %u is not in 0..%d", cpu,
				 CONFIG_MAX_CPU);
			prop_error(p, vm, pv->name, msg);
			return;
		}
		vm->cpus[i] = (uint16_t)cpu;
	}
	vm->nr_cpus = n;
}

/* What <&label> resolves to; dtc gives every phandle a nonzero value. */
static void parse_phandle(struct parser *p, struct vm_config *vm,
			  const struct prop_value *pv)
{
	if (pv->len == (int)sizeof(fdt32_t))
		vm->phandle = fdt32_ld((const fdt32_t *)pv->val);
	else
		prop_error(p, vm, pv->name, "must be one 32-bit cell");
}

typedef void (*prop_fn)(struct parser *p, struct vm_config *vm,
			const struct prop_value *pv);

struct prop_rule {
	const char *name;
	prop_fn parse; /* NULL: accepted and skipped (a later issue reads it) */
	bool required;
};

static const struct prop_rule vm_rules[] = {
	{ "name", parse_name, true },
	{ "class", parse_class, false },
	{ "memory-mib", parse_memory, true },
	{ "vcpus", parse_vcpus, false },
	{ "kernel", parse_kernel, true },
	{ "initrd", parse_initrd, false },
	{ "bootargs", parse_bootargs, false },
	{ "restart", parse_restart, false },
	{ "pci-devices", parse_pci_devices, false },
	{ "dma-isolation", parse_dma_isolation, false },
	{ "irq-vectors", parse_irq_vectors, false },
	{ "irq-remap-entries", parse_irq_remap_entries, false },
	{ "test-dma-targets", parse_test_dma_targets, false },
	/* Read by later parts of the system, not by this parser. */
	{ "cpus", parse_cpus, false },
	{ "affinity", NULL, false },
	/* dtc adds these when another node references this one (&label). */
	{ "phandle", parse_phandle, false },
	{ "linux,phandle", NULL, false },
};

_Static_assert(ARRAY_SIZE(vm_rules) <= 32,
	       "handle_property's seen mask is 32 bits");

/* Subnodes of a VM (base names, before any '@'). */
enum { SUBNODE_VIRTIO_NET, SUBNODE_VIRTIO_BLK };
static const char *const vm_subnodes[] = { "virtio-net", "virtio-blk" };

static const struct prop_rule *find_rule(const char *name, size_t *index)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vm_rules); i++) {
		if (!strcmp(vm_rules[i].name, name)) {
			*index = i;
			return &vm_rules[i];
		}
	}
	return NULL;
}

/* ---- Walking a VM node ---- */

void config_node_path(char *dst, size_t cap, const char *parent,
		      const char *name, int namelen)
{
	size_t len;

	snprintf(dst, cap, "%s%s", parent, strcmp(parent, "/") ? "/" : "");
	len = strlen(dst);
	if (name && namelen >= 0)
		copy_clean(dst + len, cap - len, name, (size_t)namelen);
	else
		snprintf(dst + len, cap - len, "?");
}

static void node_path_of(struct parser *p, int node, char *dst, size_t cap)
{
	int len;
	const char *name = fdt_get_name(p->fdt, node, &len);

	config_node_path(dst, cap, "/vms", name, len);
}

static void handle_property(struct parser *p, struct vm_config *vm,
			    const struct prop_value *pv, uint32_t *seen)
{
	const struct prop_rule *rule;
	size_t index;

	rule = find_rule(pv->name, &index);
	if (!rule) {
		config_report(p, CONFIG_WARNING, vm->node, pv->name,
			      "unknown property (ignored)");
		return;
	}
	/* dtc merges repeated properties, so a repeat means a hand-made blob. */
	if (*seen & (1u << index)) {
		prop_error(p, vm, pv->name, "appears more than once");
		return;
	}
	*seen |= 1u << index;
	if (rule->parse)
		rule->parse(p, vm, pv);
}

static void parse_vm_properties(struct parser *p, int node,
				struct vm_config *vm, uint32_t *seen)
{
	struct prop_value pv;
	int off;

	fdt_for_each_property_offset(off, p->fdt, node) {
		pv.name = NULL;
		pv.val = fdt_getprop_by_offset(p->fdt, off, &pv.name, &pv.len);
		if (!pv.val || !pv.name || pv.len < 0) {
			prop_error(p, vm, NULL,
				   "corrupted property in the DTB");
			continue;
		}
		handle_property(p, vm, &pv, seen);
	}
	if (off != -FDT_ERR_NOTFOUND)
		prop_error(p, vm, NULL,
			   "corrupted DTB: cannot walk this node's properties");
}

/* Which of vm_subnodes `name` is (before any '@'), or -1. */
static int subnode_kind(const char *name, int len)
{
	const char *at = memchr(name, '@', (size_t)len);
	size_t base = at ? (size_t)(at - name) : (size_t)len;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vm_subnodes); i++)
		if (strlen(vm_subnodes[i]) == base &&
		    !memcmp(vm_subnodes[i], name, base))
			return (int)i;
	return -1;
}

static void check_vm_subnodes(struct parser *p, int node, struct vm_config *vm)
{
	char path[SUBNODE_PATH_MAX];
	const char *name;
	int sub, len;

	fdt_for_each_subnode(sub, p->fdt, node) {
		name = fdt_get_name(p->fdt, sub, &len);
		if (!name) {
			prop_error(p, vm, NULL, "corrupted subnode in the DTB");
			continue;
		}
		config_node_path(path, sizeof(path), vm->node, name, len);
		switch (subnode_kind(name, len)) {
		case SUBNODE_VIRTIO_NET:
			config_parse_net(p, sub, path, vm);
			continue;
		case SUBNODE_VIRTIO_BLK:
			config_parse_blk(p, sub, path, vm);
			continue;
		}
		config_report(p, CONFIG_WARNING, path, NULL,
			      "unknown subnode (ignored)");
	}
	if (sub != -FDT_ERR_NOTFOUND)
		prop_error(p, vm, NULL,
			   "corrupted DTB: cannot walk this node's subnodes");
}

static void check_required(struct parser *p, struct vm_config *vm,
			   uint32_t seen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vm_rules); i++)
		if (vm_rules[i].required && !(seen & (1u << i)))
			prop_error(p, vm, vm_rules[i].name,
				   "missing required property");
}

static void parse_vm(struct parser *p, int node, struct vm_config *vm)
{
	uint32_t seen = 0;

	memset(vm, 0, sizeof(*vm));
	vm->valid = true;
	vm->vm_class = VM_CLASS_CLIENT;
	vm->vcpus = CONFIG_VCPUS_DEFAULT;
	vm->irq_vectors = CONFIG_IRQ_QUOTA_DEFAULT;
	vm->irq_remap_entries = CONFIG_IRQ_QUOTA_DEFAULT;
	vm->restart = RESTART_NEVER;
	node_path_of(p, node, vm->node, sizeof(vm->node));

	parse_vm_properties(p, node, vm, &seen);
	check_vm_subnodes(p, node, vm);
	check_required(p, vm, seen);
}

/* ---- The whole blob ---- */

static int check_blob(struct parser *p, const void *dtb, size_t size)
{
	char msg[MSG_MAX];
	int err;

	/* fdt_check_header() reads the whole v17 header: make sure it is there. */
	if (!dtb || size < sizeof(struct fdt_header)) {
		config_report(
			p, CONFIG_ERROR, "/", NULL,
			"truncated: the file is smaller than a DTB header");
		return -EINVAL;
	}
	err = fdt_check_header(dtb);
	if (err) {
		report_fdt_error(p, "/",
				 "not a usable DTB (compile the DTS with dtc)",
				 err);
		return -EINVAL;
	}
	/*
	 * Devicetree Specification v0.4, chapter 5 ("Alignment"): the memory
	 * reservation block is 8-byte aligned, the structure block 4-byte.
	 * libfdt loads tokens as 32-bit words, so a blob that breaks this is
	 * refused up front.
	 */
	if ((fdt_off_mem_rsvmap(dtb) & (FDT_RSVMAP_ALIGN - 1)) ||
	    (fdt_off_dt_struct(dtb) & (FDT_TAGSIZE - 1))) {
		config_report(
			p, CONFIG_ERROR, "/", NULL,
			"corrupted DTB: misaligned memory reservation or structure block");
		return -EINVAL;
	}
	if (fdt_totalsize(dtb) > size) {
		snprintf(
			msg, sizeof(msg),
			"truncated: the DTB header says %u bytes but the file has %zu",
			fdt_totalsize(dtb), size);
		config_report(p, CONFIG_ERROR, "/", NULL, msg);
		return -EINVAL;
	}
	return 0;
}

static const char no_compatible[] =
	"missing: the root node needs compatible = \"" CONFIG_COMPATIBLE "\"";
static const char not_corral[] =
	": this is not a corral config (expected \"" CONFIG_COMPATIBLE "\")";

static int check_root(struct parser *p)
{
	char msg[MSG_MAX], q[QUOTED_MAX];
	const char *val;
	int len;

	val = fdt_getprop(p->fdt, 0, "compatible", &len);
	if (!val) {
		config_report(p, CONFIG_ERROR, "/", "compatible",
			      len == -FDT_ERR_NOTFOUND ?
				      no_compatible :
				      "cannot be read: corrupted DTB");
		return -EINVAL;
	}
	if (fdt_stringlist_contains(val, len, CONFIG_COMPATIBLE))
		return 0;
	snprintf(msg, sizeof(msg), "wrong value %s%s",
		 quote(q, val, (size_t)len), not_corral);
	config_report(p, CONFIG_ERROR, "/", "compatible", msg);
	return -EINVAL;
}

static int find_vms(struct parser *p)
{
	int vms = fdt_subnode_offset(p->fdt, 0, "vms");

	if (vms == -FDT_ERR_NOTFOUND)
		config_report(
			p, CONFIG_ERROR, "/vms", NULL,
			"missing: the config needs a /vms node with one subnode per VM");
	else if (vms < 0)
		report_fdt_error(p, "/vms", "cannot be read", vms);
	return vms;
}

static void report_too_many(struct parser *p, const char *path)
{
	char msg[MSG_MAX];

	snprintf(msg, sizeof(msg),
		 "too many VMs: at most %d; this one is ignored",
		 CONFIG_MAX_VMS);
	config_report(p, CONFIG_ERROR, path, NULL, msg);
}

static int parse_vms(struct parser *p, int vms, struct system_config *out)
{
	char path[CONFIG_NODE_MAX];
	int node;

	fdt_for_each_subnode(node, p->fdt, vms) {
		if (out->nr_vms == CONFIG_MAX_VMS) {
			node_path_of(p, node, path, sizeof(path));
			report_too_many(p, path);
			continue;
		}
		parse_vm(p, node, &out->vms[out->nr_vms++]);
	}
	if (node != -FDT_ERR_NOTFOUND) {
		report_fdt_error(p, "/vms", "corrupted DTB", node);
		return -EINVAL;
	}
	if (!out->nr_vms)
		config_report(p, CONFIG_WARNING, "/vms", NULL,
			      "no VMs defined: nothing to run");
	return 0;
}

/* Names are the console prefix and the VM's identity: no two may share one. */
static void check_unique_names(struct parser *p, struct system_config *out)
{
	char msg[MSG_MAX], q[QUOTED_MAX];
	uint32_t i, j;

	for (j = 1; j < out->nr_vms; j++) {
		struct vm_config *vm = &out->vms[j];

		for (i = 0; i < j && vm->name[0]; i++) {
			if (strcmp(out->vms[i].name, vm->name))
				continue;
			snprintf(msg, sizeof(msg),
				 "duplicate: %s is also the name of %s",
				 quote(q, vm->name, sizeof(vm->name)),
				 out->vms[i].node);
			prop_error(p, vm, "name", msg);
			break;
		}
	}
}

int config_parse(const void *dtb, size_t size, struct system_config *out,
		 config_report_fn report_fn, void *ctx)
{
	struct parser p = { .fdt = dtb, .report = report_fn, .ctx = ctx };
	int vms, valid = 0;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (check_blob(&p, dtb, size) < 0 || check_root(&p) < 0)
		return -EINVAL;
	vms = find_vms(&p);
	if (vms < 0 || parse_vms(&p, vms, out) < 0) {
		/* No half-parsed VM may be started from a blob we cannot walk. */
		memset(out, 0, sizeof(*out));
		return -EINVAL;
	}
	check_unique_names(&p, out);
	config_resolve_backends(&p, out);
	config_check_net(&p, out);
	config_check_blk(&p, out);
	for (i = 0; i < out->nr_vms; i++)
		valid += out->vms[i].valid;
	return valid;
}

const char *config_class_name(enum vm_class c)
{
	return c == VM_CLASS_DRIVER ? "driver" : "client";
}

const char *config_restart_name(enum restart_policy r)
{
	switch (r) {
	case RESTART_ON_CRASH:
		return "on-crash";
	case RESTART_ALWAYS:
		return "always";
	default:
		return "never";
	}
}
