// SPDX-License-Identifier: MIT
/*
 * The `backend` of client device subnodes (virtio-net, virtio-blk): the
 * driver VM that serves the device, as <&label>. Read with the node;
 * resolved once all VMs are parsed, when each device also gets its slot
 * in the backend's channel, in config order, up to
 * CONFIG_SLOTS_PER_BACKEND.
 */
#include <libfdt.h>
#include <string.h>

#include <format.h>
#include <guest/config_parser.h>

#define MSG_MAX 200

/* A string such as "net" where <&net> was meant (it can be 4 bytes). */
static bool is_text(const char *val, int len)
{
	if (len < 2 || val[len - 1])
		return false;
	for (int i = 0; i < len - 1; i++)
		if (val[i] < 0x20 || val[i] >= 0x7f)
			return false;
	return true;
}

void config_parse_backend(struct parser *p, struct vm_config *vm,
			  struct backend_ref *ref, const void *val, int len)
{
	if (len != (int)sizeof(fdt32_t) || is_text(val, len)) {
		config_vm_error(
			p, vm, ref->node, "backend",
			"must be a reference to the driver VM's node, such as <&net>");
		return;
	}
	ref->backend_phandle = fdt32_ld(val);
}

bool config_parse_client_node(struct parser *p, int node, struct vm_config *vm,
			      struct backend_ref *ref, const char *label,
			      config_client_prop_fn prop, void *dev)
{
	bool has_backend = false;
	char msg[MSG_MAX];
	int off;

	fdt_for_each_property_offset(off, p->fdt, node) {
		const char *name;
		int len;
		const void *val =
			fdt_getprop_by_offset(p->fdt, off, &name, &len);

		if (!val || !name) {
			config_vm_error(
				p, vm, ref->node, NULL,
				"corrupted DTB: cannot read a property");
			return false;
		}
		if (!strcmp(name, "backend")) {
			has_backend = true;
			config_parse_backend(p, vm, ref, val, len);
		} else if (!prop(p, vm, dev, name, val, len)) {
			config_report(p, CONFIG_WARNING, ref->node, name,
				      "unknown property (ignored)");
		}
	}
	if (!has_backend) {
		snprintf(
			msg, sizeof(msg),
			"missing required property: the driver VM that serves this device, such as <&%s>",
			label);
		config_vm_error(p, vm, ref->node, "backend", msg);
	}
	return true;
}

void config_backend_init(struct backend_ref *ref, const char *path)
{
	memset(ref, 0, sizeof(*ref));
	ref->backend = -1;
	snprintf(ref->node, sizeof(ref->node), "%s", path);
}

static int vm_by_phandle(const struct system_config *c, uint32_t ph)
{
	for (uint32_t i = 0; ph && i < c->nr_vms; i++)
		if (c->vms[i].phandle == ph)
			return (int)i;
	return -1;
}

/* Why `b` cannot serve client devices, or NULL if it can. */
static const char *not_a_backend(const struct vm_config *vm,
				 const struct vm_config *b)
{
	if (b == vm)
		return "is this VM itself";
	if (b->vm_class != VM_CLASS_DRIVER)
		return "is a client VM: the backend must be a driver VM (class = \"driver\")";
	if (!b->nr_pci)
		return "has no pci-devices: it has no device to serve";
	if (!b->valid)
		return "does not start (see its errors)";
	return NULL;
}

static void resolve(struct parser *p, struct system_config *c,
		    struct vm_config *vm, struct backend_ref *ref)
{
	char msg[MSG_MAX];
	int b = vm_by_phandle(c, ref->backend_phandle);
	const char *why;

	if (!ref->backend_phandle)
		return; /* already reported */
	if (b < 0) {
		config_vm_error(
			p, vm, ref->node, "backend",
			"refers to no VM node: use <&label> with a label on a driver VM's node");
		return;
	}
	why = not_a_backend(vm, &c->vms[b]);
	if (why) {
		snprintf(msg, sizeof(msg), "%s (%s) %s", c->vms[b].node,
			 c->vms[b].name, why);
		config_vm_error(p, vm, ref->node, "backend", msg);
		return;
	}
	ref->backend = b;
	memcpy(ref->backend_name, c->vms[b].name, CONFIG_NAME_MAX);
}

/* The next slot of the backend for this device; NULL when it has none
 * left (reported). */
static struct served_slot *take_slot(struct parser *p, struct system_config *c,
				     struct vm_config *vm,
				     struct backend_ref *ref, uint32_t *served)
{
	char msg[MSG_MAX];
	struct vm_config *b;

	if (ref->backend < 0)
		return NULL;
	b = &c->vms[ref->backend];
	if (++served[ref->backend] <= CONFIG_SLOTS_PER_BACKEND) {
		ref->slot = served[ref->backend] - 1;
		b->nr_served = served[ref->backend];
		b->served[ref->slot].client = (int)(vm - c->vms);
		return &b->served[ref->slot];
	}
	snprintf(msg, sizeof(msg),
		 "%s (%s) already serves %d client devices, its most",
		 c->vms[ref->backend].node, c->vms[ref->backend].name,
		 CONFIG_SLOTS_PER_BACKEND);
	config_vm_error(p, vm, ref->node, "backend", msg);
	ref->backend = -1;
	return NULL;
}

void config_resolve_backends(struct parser *p, struct system_config *c)
{
	uint32_t served[CONFIG_MAX_VMS] = { 0 };

	for (uint32_t i = 0; i < c->nr_vms; i++) {
		struct vm_config *vm = &c->vms[i];

		for (uint32_t j = 0; j < vm->nr_net; j++) {
			struct served_slot *s;

			resolve(p, c, vm, &vm->net[j].ref);
			s = take_slot(p, c, vm, &vm->net[j].ref, served);
			if (s) {
				s->kind = SERVED_NET;
				s->dev = j;
			}
		}
		for (uint32_t j = 0; j < vm->nr_blk; j++) {
			const struct blk_config *bc = &vm->blk[j];
			struct served_slot *s;

			resolve(p, c, vm, &vm->blk[j].ref);
			s = take_slot(p, c, vm, &vm->blk[j].ref, served);
			if (s) {
				s->kind = SERVED_BLK;
				s->dev = j;
				memcpy(s->export, bc->export,
				       sizeof(s->export));
				s->read_only = bc->read_only;
			}
		}
	}
}
