// SPDX-License-Identifier: MIT
/*
 * virtio-net subnodes of the system config (docs/config.md, "virtio-net"):
 *
 *     virtio-net { backend = <&net>; mac = [52 54 00 00 00 10]; };
 *
 * Each names the driver VM that serves the device (config_backend.c) and
 * the MAC address the client sees. A node is read alone first; MACs,
 * which must be unique, are checked once all VMs are parsed.
 */
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

static void parse_mac(struct parser *p, struct vm_config *vm,
		      struct net_config *n, const uint8_t *val, int len)
{
	if (len != CONFIG_MAC_LEN) {
		config_vm_error(p, vm, n->ref.node, "mac",
				"must be 6 bytes, such as [52 54 00 00 00 10]");
		return;
	}
	if (val[0] & MAC_MULTICAST) {
		config_vm_error(
			p, vm, n->ref.node, "mac",
			"is a multicast address (bit 0 of the first byte is set)");
		return;
	}
	memcpy(n->mac, val, CONFIG_MAC_LEN);
	if (!mac_set(n))
		config_vm_error(p, vm, n->ref.node, "mac", "is all zeros");
}

/* A property of a virtio-net node other than `backend`; false if it is
 * none of its. */
static bool net_prop(struct parser *p, struct vm_config *vm, void *dev,
		     const char *name, const void *val, int len)
{
	struct net_config *n = dev;

	if (strcmp(name, "mac"))
		return false;
	n->has_mac = true;
	parse_mac(p, vm, n, val, len);
	return true;
}

void config_parse_net(struct parser *p, int node, const char *path,
		      struct vm_config *vm)
{
	struct net_config *n;
	char msg[MSG_MAX];

	if (vm->nr_net == CONFIG_MAX_NET) {
		snprintf(msg, sizeof(msg),
			 "too many virtio-net devices: at most %d per VM",
			 CONFIG_MAX_NET);
		config_vm_error(p, vm, path, NULL, msg);
		return;
	}
	n = &vm->net[vm->nr_net++];
	memset(n, 0, sizeof(*n));
	config_backend_init(&n->ref, path);
	if (config_parse_client_node(p, node, vm, &n->ref, "net", net_prop,
				     n) &&
	    !n->has_mac)
		config_vm_error(
			p, vm, n->ref.node, "mac",
			"missing required property, such as [52 54 00 00 00 10]");
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
		 o->ref.node);
	config_vm_error(p, vm, n->ref.node, "mac", msg);
}

void config_check_net(struct parser *p, struct system_config *c)
{
	for (uint32_t i = 0; i < c->nr_vms; i++)
		for (uint32_t j = 0; j < c->vms[i].nr_net; j++)
			check_mac_unique(p, c, &c->vms[i], &c->vms[i].net[j]);
}
