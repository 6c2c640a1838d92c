/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the config parser share (guest/config.c walks the
 * blob and the VM nodes; guest/config_net.c reads virtio-net subnodes).
 * Internal to the parser.
 */
#ifndef CORRAL_GUEST_CONFIG_PARSER_H
#define CORRAL_GUEST_CONFIG_PARSER_H
#include <guest/config.h>

struct parser {
	const void *fdt;
	config_report_fn report;
	void *ctx;
};

/* Reports a problem at `node` (and `prop`, may be NULL). */
void config_report(struct parser *p, enum config_severity sev, const char *node,
		   const char *prop, const char *msg);
/* An error that keeps `vm` from starting, reported at `node`. */
void config_vm_error(struct parser *p, struct vm_config *vm, const char *node,
		     const char *prop, const char *msg);
/* "/vms/vm@1" + "virtio-net" into dst, untrusted name bytes cleaned. */
void config_node_path(char *dst, size_t cap, const char *parent,
		      const char *name, int namelen);

/* One virtio-net subnode of vm (at `node` in the blob, `path`). */
void config_parse_net(struct parser *p, int node, const char *path,
		      struct vm_config *vm);
/* Once every VM is parsed: backends resolved and checked, MACs unique,
 * no driver VM over CONFIG_NET_PER_BACKEND. */
void config_check_net(struct parser *p, struct system_config *out);

#endif
