/* SPDX-License-Identifier: MIT */
/*
 * The system configuration: one flattened device tree (compiled by dtc from
 * a DTS) that names every VM. docs/config.md is the reference for the schema.
 *
 * Pure logic: builds into the freestanding hypervisor and host unit tests.
 * A hostile or corrupted DTB must never make the parser read out of bounds.
 */
#ifndef CORRAL_CONFIG_H
#define CORRAL_CONFIG_H
#include <export_spec.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_VMS 16
#define CONFIG_NAME_MAX 32 /* including the NUL: names have 1..31 chars */
#define CONFIG_PATH_MAX 128
#define CONFIG_BOOTARGS_MAX 1024
#define CONFIG_NODE_MAX 64
#define CONFIG_MAX_PCI 8
#define CONFIG_MAX_CPU 63
#define CONFIG_BDF_MAX 16 /* "0000:00:02.0" */
#define CONFIG_MAX_NET 4  /* virtio-net devices in one VM */
#define CONFIG_MAX_BLK 4  /* virtio-blk devices in one VM */
/* Client devices (virtio-net and virtio-blk) one driver VM serves, over
 * all its clients: the slots of its channel. */
#define CONFIG_SLOTS_PER_BACKEND 8
#define CONFIG_MAC_LEN 6

/* The root node must carry this in its compatible list. */
#define CONFIG_COMPATIBLE "corral,system-1"

/*
 * memory-mib limits. Below 32 MiB no x86-64 Linux can run; the real need of
 * a given kernel (pref_address + init_size + initrd) is checked when the VM
 * is loaded, by linux_layout_plan(), which names the number it needs.
 */
#define CONFIG_MEMORY_MIB_MIN 32
#define CONFIG_MEMORY_MIB_MAX 65536
#define CONFIG_VCPUS_MIN 1
#define CONFIG_VCPUS_MAX 64
#define CONFIG_VCPUS_DEFAULT 1
/*
 * Per-VM interrupt quotas (docs/config.md): host vectors (192 exist, shared
 * by every VM) and interrupt-remapping entries (256 exist). One MSI or
 * MSI-X vector the guest enables takes one of each; a forwarded INTx line
 * takes a host vector.
 */
#define CONFIG_IRQ_QUOTA_MIN 1
#define CONFIG_IRQ_VECTORS_MAX 192
#define CONFIG_IRQ_REMAP_ENTRIES_MAX 256
#define CONFIG_IRQ_QUOTA_DEFAULT 32

enum vm_class { VM_CLASS_CLIENT, VM_CLASS_DRIVER };
enum restart_policy { RESTART_NEVER, RESTART_ON_CRASH, RESTART_ALWAYS };
enum config_severity { CONFIG_WARNING, CONFIG_ERROR };

/* What every client device node has: the driver VM that serves it. */
struct backend_ref {
	char node[CONFIG_NODE_MAX]; /* "/vms/vm@1/virtio-net" */
	uint32_t backend_phandle;
	/* Index in system_config.vms of the driver VM that serves it; -1
	 * until config_parse() resolved it. */
	int backend;
	char backend_name[CONFIG_NAME_MAX];
	uint32_t slot; /* its slot in the backend's channel (config order) */
};

/* A virtio-net subnode (docs/config.md, "virtio-net"). */
struct net_config {
	struct backend_ref ref;
	uint8_t mac[CONFIG_MAC_LEN];
	bool has_mac; /* while parsing */
};

/* A virtio-blk subnode (docs/config.md, "virtio-blk"). */
struct blk_config {
	struct backend_ref ref;
	char export[EXPORT_SPEC_MAX]; /* as written; see export_spec.h */
	struct export_spec spec;      /* parsed */
	bool read_only;
	bool has_export; /* while parsing */
};

enum served_kind { SERVED_NET = 1, SERVED_BLK = 2 };

/* A driver VM's view of one client device it serves: slot s of its
 * channel is served[s]. */
struct served_slot {
	enum served_kind kind;
	int client;		      /* index in system_config.vms */
	uint32_t dev;		      /* in the client's net[] or blk[] */
	char export[EXPORT_SPEC_MAX]; /* a virtio-blk device's */
	bool read_only;
};

struct vm_config {
	char node[CONFIG_NODE_MAX]; /* "/vms/vm@0" */
	char name[CONFIG_NAME_MAX];
	enum vm_class vm_class;
	uint32_t memory_mib;
	uint32_t vcpus;
	char kernel[CONFIG_PATH_MAX];
	char initrd[CONFIG_PATH_MAX]; /* "" if none */
	char bootargs[CONFIG_BOOTARGS_MAX];
	enum restart_policy restart;
	uint32_t nr_pci;
	char pci[CONFIG_MAX_PCI]
		[CONFIG_BDF_MAX]; /* pci-devices, syntax-checked */
	bool dma_isolation_none; /* dma-isolation = "none": no IOMMU required */
	uint32_t irq_vectors;	 /* host vectors this VM may hold */
	uint32_t irq_remap_entries; /* interrupt-remapping entries */
	bool test_dma_targets; /* test-dma-targets: see docs/device-assignment.md */
	/* cpus = <a b ...>: vCPU i runs on pCPU cpus[i % nr_cpus]; none
	 * given (nr_cpus 0): corral spreads the vCPUs. */
	uint32_t nr_cpus;
	uint16_t cpus[CONFIG_VCPUS_MAX];
	uint32_t phandle; /* what <&label> on this node refers to; 0: none */
	uint32_t nr_net;
	struct net_config net[CONFIG_MAX_NET];
	uint32_t nr_blk;
	struct blk_config blk[CONFIG_MAX_BLK];
	/* A driver VM: how many client devices of other VMs it serves (the
	 * slots of its channel, docs/channel.md), and which. */
	uint32_t nr_served;
	struct served_slot served[CONFIG_SLOTS_PER_BACKEND];
	bool valid; /* false: an error was reported; this VM must not start */
};

struct system_config {
	uint32_t nr_vms; /* VM nodes parsed, valid or not (<= CONFIG_MAX_VMS) */
	struct vm_config vms[CONFIG_MAX_VMS];
};

/*
 * Receives every problem the parser finds. `node` is a full path ("/",
 * "/vms", "/vms/vm@1"); `property` is the property's name, or NULL when
 * the problem concerns the node itself (a missing node, an unknown
 * subnode, too many VMs). All strings live only for the call.
 */
typedef void (*config_report_fn)(void *ctx, enum config_severity sev,
				 const char *node, const char *property,
				 const char *message);

/*
 * Parses the DTB at dtb[0..size) into *out. Returns the number of valid VMs
 * (0 is possible), or -EINVAL if the DTB as a whole is unusable:
 * bad header, blob larger than `size`, wrong or missing root compatible, no
 * /vms node, or a structure libfdt cannot walk. Every problem, fatal or
 * not, is reported through `report` (which may be NULL).
 */
int config_parse(const void *dtb, size_t size, struct system_config *out,
		 config_report_fn report, void *ctx);

/* "client"/"driver", "never"/"on-crash"/"always": the DTS spellings. */
const char *config_class_name(enum vm_class c);
const char *config_restart_name(enum restart_policy r);

#endif /* CORRAL_CONFIG_H */
