/* SPDX-License-Identifier: MIT */
/*
 * What the parts of the config parser share (guest/config.c walks the
 * blob and the VM nodes; guest/config_backend.c, config_net.c and
 * config_blk.c read the client device subnodes).
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

/* A client device's backend_ref, empty, for the node at `path`. */
void config_backend_init(struct backend_ref *ref, const char *path);
/* Its `backend` property (a phandle), checked. */
void config_parse_backend(struct parser *p, struct vm_config *vm,
			  struct backend_ref *ref, const void *val, int len);
/* A client device node's properties: `backend` into ref, every other
 * through prop (true: it knows the property; false: a warning). False
 * when the blob is corrupt (reported). */
typedef bool (*config_client_prop_fn)(struct parser *p, struct vm_config *vm,
				      void *dev, const char *name,
				      const void *val, int len);
bool config_parse_client_node(struct parser *p, int node, struct vm_config *vm,
			      struct backend_ref *ref, const char *label,
			      config_client_prop_fn prop, void *dev);
/* Once every VM is parsed: each client device's backend resolved and
 * checked, and its slot given, no driver VM over
 * CONFIG_SLOTS_PER_BACKEND. */
void config_resolve_backends(struct parser *p, struct system_config *out);

/* One virtio-net subnode of vm (at `node` in the blob, `path`). */
void config_parse_net(struct parser *p, int node, const char *path,
		      struct vm_config *vm);
/* Once backends are resolved: MACs unique. */
void config_check_net(struct parser *p, struct system_config *out);

/* One virtio-blk subnode of vm. */
void config_parse_blk(struct parser *p, int node, const char *path,
		      struct vm_config *vm);
/* Once backends are resolved: no two exports of one driver VM overlap
 * where a client can write. */
void config_check_blk(struct parser *p, struct system_config *out);

#endif
