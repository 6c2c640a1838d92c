// SPDX-License-Identifier: MIT
/*
 * virtio-blk subnodes of the system config (docs/config.md, "virtio-blk"):
 *
 *     virtio-blk { backend = <&disk>; export = "nvme0n1:2"; read-only; };
 *
 * Each names the driver VM that serves the device (config_backend.c),
 * what of its disks the client gets (lib/export_spec.h), and whether the
 * client may write. Once all VMs are parsed, two exports of one driver VM
 * that surely share a sector are refused when either may be written;
 * where only the disk can tell, the block mapper checks.
 */
#include <string.h>

#include <format.h>
#include <guest/config_parser.h>

#define MSG_MAX 240

static void parse_export(struct parser *p, struct vm_config *vm,
			 struct blk_config *b, const char *val, int len)
{
	const char *why;
	char msg[MSG_MAX];

	if (len < 1 || val[len - 1] || (int)strlen(val) != len - 1) {
		config_vm_error(p, vm, b->ref.node, "export",
				"must be one string, such as \"nvme0n1:2\"");
		return;
	}
	if (export_spec_parse(val, &b->spec, &why)) {
		snprintf(msg, sizeof(msg), "\"%s\" %s", val, why);
		config_vm_error(p, vm, b->ref.node, "export", msg);
		return;
	}
	memcpy(b->export, val, (size_t)len);
}

/* A property of a virtio-blk node other than `backend`; false if it is
 * none of its. */
static bool blk_prop(struct parser *p, struct vm_config *vm, void *dev,
		     const char *name, const void *val, int len)
{
	struct blk_config *b = dev;

	if (!strcmp(name, "export")) {
		b->has_export = true;
		parse_export(p, vm, b, val, len);
	} else if (!strcmp(name, "read-only")) {
		if (len)
			config_vm_error(
				p, vm, b->ref.node, "read-only",
				"takes no value: write just \"read-only;\"");
		b->read_only = true;
	} else {
		return false;
	}
	return true;
}

void config_parse_blk(struct parser *p, int node, const char *path,
		      struct vm_config *vm)
{
	struct blk_config *b;
	char msg[MSG_MAX];

	if (vm->nr_blk == CONFIG_MAX_BLK) {
		snprintf(msg, sizeof(msg),
			 "too many virtio-blk devices: at most %d per VM",
			 CONFIG_MAX_BLK);
		config_vm_error(p, vm, path, NULL, msg);
		return;
	}
	b = &vm->blk[vm->nr_blk++];
	memset(b, 0, sizeof(*b));
	config_backend_init(&b->ref, path);
	if (config_parse_client_node(p, node, vm, &b->ref, "disk", blk_prop,
				     b) &&
	    !b->has_export)
		config_vm_error(
			p, vm, b->ref.node, "export",
			"missing required property: what the client gets, such as \"nvme0n1:2\"");
}

/* b against every export before it (in config order) on its backend. */
static void check_against_earlier(struct parser *p, struct system_config *c,
				  struct vm_config *vm,
				  const struct blk_config *b)
{
	char msg[MSG_MAX];

	for (uint32_t i = 0; i < c->nr_vms; i++)
		for (uint32_t j = 0; j < c->vms[i].nr_blk; j++) {
			const struct blk_config *o = &c->vms[i].blk[j];
			enum export_overlap ov;

			if (o == b)
				return;
			if (o->ref.backend != b->ref.backend || !o->export[0] ||
			    (o->read_only && b->read_only))
				continue;
			ov = export_spec_overlap(&o->spec, &b->spec);
			if (ov == EXPORT_APART)
				continue;
			snprintf(
				msg, sizeof(msg),
				"\"%s\" %s \"%s\" of %s, and one of them may be written",
				b->export,
				ov == EXPORT_OVERLAP ? "overlaps" :
						       "may overlap",
				o->export, o->ref.node);
			if (ov == EXPORT_OVERLAP) {
				config_vm_error(p, vm, b->ref.node, "export",
						msg);
				return;
			}
			/* corral-blk checks on the disk and refuses. */
			config_report(p, CONFIG_WARNING, b->ref.node, "export",
				      msg);
		}
}

void config_check_blk(struct parser *p, struct system_config *c)
{
	for (uint32_t i = 0; i < c->nr_vms; i++)
		for (uint32_t j = 0; j < c->vms[i].nr_blk; j++) {
			const struct blk_config *b = &c->vms[i].blk[j];

			if (b->ref.backend >= 0 && b->export[0])
				check_against_earlier(p, c, &c->vms[i], b);
		}
}
