// SPDX-License-Identifier: MIT
/*
 * virtio-net subnodes of the system config (docs/config.md, "virtio-net"):
 *
 *     virtio-net { backend = <&net>; mac = [52 54 00 00 00 10]; };
 *
 * Each names the driver VM that serves the device and the MAC address the
 * client sees. A node is read alone first; what needs every VM (the
 * backend, MACs that must be unique, a driver VM's limit) is checked once
 * all VMs are parsed.
 */
#include <libfdt.h>
#include <string.h>

#include <format.h>
#include <guest/config_parser.h>

#define MSG_MAX 200
#define MAC_MULTICAST 0x01 /* I/G bit of the first octet (IEEE 802-2014) */

static void fmt_mac(char *dst, size_t cap, const uint8_t *m)
{
	snprintf(dst, cap, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

/* A MAC that parsed (a bad one stays all zeros, already reported). */
static bool mac_set(const struct net_config *n)
{
	static const uint8_t zero[CONFIG_MAC_LEN];

	return memcmp(n->mac, zero, CONFIG_MAC_LEN) != 0;
}

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

static void parse_backend(struct parser *p, struct vm_config *vm,
			  struct net_config *n, const void *val, int len)
{
	if (len != (int)sizeof(fdt32_t) || is_text(val, len)) {
		config_vm_error(
			p, vm, n->node, "backend",
			"must be a reference to the driver VM's node, such as <&net>");
		return;
	}
	n->backend_phandle = fdt32_ld(val);
}

static void parse_mac(struct parser *p, struct vm_config *vm,
		      struct net_config *n, const uint8_t *val, int len)
{
	if (len != CONFIG_MAC_LEN) {
		config_vm_error(p, vm, n->node, "mac",
				"must be 6 bytes, such as [52 54 00 00 00 10]");
		return;
	}
	if (val[0] & MAC_MULTICAST) {
		config_vm_error(
			p, vm, n->node, "mac",
			"is a multicast address (bit 0 of the first byte is set)");
		return;
	}
	memcpy(n->mac, val, CONFIG_MAC_LEN);
	if (!mac_set(n))
		config_vm_error(p, vm, n->node, "mac", "is all zeros");
}

void config_parse_net(struct parser *p, int node, const char *path,
		      struct vm_config *vm)
{
	struct net_config *n;
	bool has_backend = false, has_mac = false;
	char msg[MSG_MAX];
	int off;

	if (vm->nr_net == CONFIG_MAX_NET) {
		snprintf(msg, sizeof(msg),
			 "too many virtio-net devices: at most %d per VM",
			 CONFIG_MAX_NET);
		config_vm_error(p, vm, path, NULL, msg);
		return;
	}
	n = &vm->net[vm->nr_net++];
	memset(n, 0, sizeof(*n));
	n->backend = -1;
	snprintf(n->node, sizeof(n->node), "%s", path);
	fdt_for_each_property_offset(off, p->fdt, node) {
		const char *name;
		int len;
		const void *val =
			fdt_getprop_by_offset(p->fdt, off, &name, &len);

		if (!val || !name) {
			config_vm_error(
				p, vm, n->node, NULL,
				"corrupted DTB: cannot read a property");
			return;
		}
		if (!strcmp(name, "backend")) {
			has_backend = true;
			parse_backend(p, vm, n, val, len);
		} else if (!strcmp(name, "mac")) {
			has_mac = true;
			parse_mac(p, vm, n, val, len);
		} else {
			config_report(p, CONFIG_WARNING, n->node, name,
				      "unknown property (ignored)");
		}
	}
	if (!has_backend)
		config_vm_error(
			p, vm, n->node, "backend",
			"missing required property: the driver VM that serves this device, such as <&net>");
	if (!has_mac)
		config_vm_error(
			p, vm, n->node, "mac",
			"missing required property, such as [52 54 00 00 00 10]");
}

static int vm_by_phandle(const struct system_config *c, uint32_t ph)
{
	for (uint32_t i = 0; ph && i < c->nr_vms; i++)
		if (c->vms[i].phandle == ph)
			return (int)i;
	return -1;
}

/* Why `b` cannot serve virtio-net devices, or NULL if it can. */
static const char *not_a_backend(const struct vm_config *vm,
				 const struct vm_config *b)
{
	if (b == vm)
		return "is this VM itself";
	if (b->vm_class != VM_CLASS_DRIVER)
		return "is a client VM: the backend must be a driver VM (class = \"driver\")";
	if (!b->nr_pci)
		return "has no pci-devices: it has no NIC to serve";
	if (!b->valid)
		return "does not start (see its errors)";
	return NULL;
}

static void resolve_backend(struct parser *p, struct system_config *c,
			    struct vm_config *vm, struct net_config *n)
{
	char msg[MSG_MAX];
	int b = vm_by_phandle(c, n->backend_phandle);
	const char *why;

	if (!n->backend_phandle)
		return; /* already reported */
	if (b < 0) {
		config_vm_error(
			p, vm, n->node, "backend",
			"refers to no VM node: use <&label> with a label on a driver VM's node");
		return;
	}
	why = not_a_backend(vm, &c->vms[b]);
	if (why) {
		snprintf(msg, sizeof(msg), "%s (%s) %s", c->vms[b].node,
			 c->vms[b].name, why);
		config_vm_error(p, vm, n->node, "backend", msg);
		return;
	}
	n->backend = b;
	memcpy(n->backend_name, c->vms[b].name, CONFIG_NAME_MAX);
}

/* The first device before n (in config order) with n's MAC, or NULL. */
static const struct net_config *mac_owner(const struct system_config *c,
					  const struct net_config *n)
{
	for (uint32_t i = 0; i < c->nr_vms; i++)
		for (uint32_t j = 0; j < c->vms[i].nr_net; j++) {
			const struct net_config *o = &c->vms[i].net[j];

			if (o == n)
				return NULL;
			if (!memcmp(o->mac, n->mac, CONFIG_MAC_LEN))
				return o;
		}
	return NULL;
}

static void check_mac_unique(struct parser *p, struct system_config *c,
			     struct vm_config *vm, const struct net_config *n)
{
	const struct net_config *o = mac_owner(c, n);
	char msg[MSG_MAX], mac[20];

	if (!o || !mac_set(n))
		return;
	fmt_mac(mac, sizeof(mac), n->mac);
	snprintf(msg, sizeof(msg), "duplicate: %s is also the MAC of %s", mac,
		 o->node);
	config_vm_error(p, vm, n->node, "mac", msg);
}

static void check_backend_load(struct parser *p, struct system_config *c,
			       struct vm_config *vm, struct net_config *n,
			       uint32_t *served)
{
	char msg[MSG_MAX];

	if (n->backend < 0)
		return;
	if (++served[n->backend] <= CONFIG_NET_PER_BACKEND) {
		n->slot = served[n->backend] - 1;
		c->vms[n->backend].nr_served = served[n->backend];
		return;
	}
	snprintf(msg, sizeof(msg),
		 "%s (%s) already serves %d virtio-net devices, its most",
		 c->vms[n->backend].node, c->vms[n->backend].name,
		 CONFIG_NET_PER_BACKEND);
	config_vm_error(p, vm, n->node, "backend", msg);
}

void config_check_net(struct parser *p, struct system_config *c)
{
	uint32_t served[CONFIG_MAX_VMS] = { 0 };

	for (uint32_t i = 0; i < c->nr_vms; i++) {
		struct vm_config *vm = &c->vms[i];

		for (uint32_t j = 0; j < vm->nr_net; j++) {
			struct net_config *n = &vm->net[j];

			resolve_backend(p, c, vm, n);
			check_mac_unique(p, c, vm, n);
			check_backend_load(p, c, vm, n, served);
		}
	}
}
