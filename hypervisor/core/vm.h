/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_VM_H
#define CORRAL_VM_H
#include <stdint.h>
#include <stdbool.h>
#include <gpa_map.h>
#include <guest/config.h>
#include <vdev/vuart.h>
#include <vdev/vioapic.h>
#include <vdev/vpm.h>
#include <core/vcpu_backend.h>
#include <core/vm_mmio.h>
#include <core/vm_pio.h>
#include <core/vm_pci.h>
#include <errno.h>
#include <quota.h>
#include <ratelimit.h>
#include <host/spinlock.h>
#include <vdev/mp_wakeup.h>

#define VM_MAX_VCPUS 8 /* the 8-bit I/O APIC and MSI destinations reach 8 */
#define VM_MAX_DEVICES 8
#define VM_MSR_LOG_SLOTS 64
#define VM_LOG_BUDGET 64  /* unemulated-access lines per VM run */
#define VM_MAX_POISONED 8 /* pages of its RAM a machine check poisoned */

struct assigned_dev;
struct client_dev;
struct vm_channel;

enum vm_state { VM_CREATED, VM_RUNNING, VM_STOPPED };

enum vm_stop_reason {
	VM_STOP_NONE,
	VM_STOP_POWEROFF,
	VM_STOP_REBOOT,
	VM_STOP_CRASH,	       /* triple fault, unsupported guest behaviour */
	VM_STOP_ERROR,	       /* corral could not go on with it */
	VM_STOP_MACHINE_CHECK, /* a hardware error in its context or memory */
};

struct vcpu;

struct vm {
	uint32_t id;
	const struct vm_config *cfg;
	const char *name;
	volatile enum vm_state state;
	enum vm_stop_reason stop_reason;
	volatile bool finished; /* stopped for good, cleaned up and reported */
	uint32_t restarts;
	uint64_t
		free_at_restart; /* page_alloc_free_bytes() then (leak check) */
	uint64_t restart_tsc[5];
	char stop_detail[160];

	uint8_t *ram; /* host pointer of GPA 0 (identity mapped) */
	uint64_t ram_size;
	/* Pages of `ram` with an uncorrected memory error (page aligned,
	 * sorted): never touched again, never freed (core/machine_check.c). */
	uint64_t poisoned[VM_MAX_POISONED];
	uint32_t nr_poisoned;
	struct gpa_map map;
	uint64_t stage2_root; /* EPT/NPT root built from `map` by the backend */
	/* Bumped when a mapping left the tree: vCPUs flush before entry
	 * (core/stage2_sync.c). */
	volatile uint32_t stage2_gen;
	struct spinlock map_lock; /* one writer of `map` after the build */
	void *arch;

	/*
	 * The platform devices below (UART, I/O APIC, PM block, PCI config
	 * space, MMIO regions, MP mailbox) are shared by the VM's vCPUs,
	 * which may run on several pCPUs, and console input arrives from
	 * CPU 0: `lock` serialises every access to them.
	 */
	struct spinlock lock;
	struct vuart uart;
	volatile bool uart_rx_pending;
	uint32_t uart_overruns;
	struct vioapic ioapic;
	struct vpm pm;
	struct mp_mailbox mailbox;
	uint64_t start_tsc;

	uint32_t nr_vcpus;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	struct vcpu_boot_state boot;	/* vCPU 0's first state */
	struct vcpu_boot_state ap_boot; /* the others', but for rip */
	/* Stopping: the first vm_stop() wins (stop_lock); each vCPU's pCPU
	 * then acknowledges, and the last one to do so reports and
	 * restarts the VM (pcpu.c). `epoch` counts the runs. */
	struct spinlock stop_lock;
	uint32_t epoch;
	uint32_t stop_acks;
	uint32_t ipi_logged;

	uint8_t io_logged[65536 / 8];
	uint32_t msr_logged[VM_MSR_LOG_SLOTS];
	uint32_t nr_msr_logged;
	uint32_t log_lines; /* "logged once" lines printed for this VM */

	struct mmio_region mmio[VM_MAX_MMIO];
	uint32_t nr_mmio;
	struct pio_region pio[VM_MAX_PIO];
	uint32_t nr_pio;

	/* Assigned PCI devices (assign.c) and their DMA domain (iommu/). */
	struct assigned_dev *devices[VM_MAX_DEVICES];
	uint32_t nr_devices;
	/* Its PCI bus 0 (core/vm_pci.c). */
	uint32_t conf1_addr;
	struct vm_pci_fn pci_fns[VM_MAX_PCI_FNS];
	uint32_t nr_pci_fns;
	/* Its virtio devices (core/client_dev.c), and as a driver VM its
	 * channel (core/vm_channel.c); both kept over restarts. */
	struct client_dev *devs[CONFIG_MAX_NET + CONFIG_MAX_BLK];
	struct vm_channel *channel;
	/* Interrupt quotas (irq-vectors, irq-remap-entries) and what the
	 * assigned devices hold of them; exhaustion is logged once a run. */
	struct quota irq_vectors, irq_remap;
	bool irq_quota_logged;
	void *iommu_domain;
	uint64_t iommu_faults;
	struct ratelimit iommu_fault_rl;
	char extra_cmdline[96];
};

/* Creates the VM from its config: memory, map, Linux image. NULL on error
 * (already reported, naming the VM). */
struct vm *vm_create(uint32_t id, const struct vm_config *cfg);
void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Host pointer for [gpa, gpa+len) if it lies inside the VM's RAM (never
 * an assigned BAR), else NULL. */
static inline void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return (void *)gpa_map_to_host(&vm->map, gpa, len);
}

const char *vm_stop_reason_name(enum vm_stop_reason r);
/* Records that the page of host address pa in the VM's RAM is poisoned.
 * The VM is then not restarted, and the page is kept out of the pool. */
void vm_poison(struct vm *vm, uint64_t pa);
/* May this VM log one more "unemulated access" line? After VM_LOG_BUDGET
 * of them it says once that it stops, so a guest cannot flood the console. */
bool vm_log_budget(struct vm *vm);
/* Begins a run: vCPU 0 is to start at the kernel's entry, the others wait
 * for the guest to wake them (docs/smp-guests.md). Any pCPU. */
void vm_start(struct vm *vm);
/* After every vCPU acknowledged the stop: reports, applies the restart
 * policy; true if the VM was rebuilt and runs again. */
bool vm_stopped(struct vm *vm);
/* A vCPU halted with interrupts off; when all have, the VM powered off. */
void vm_vcpu_parked(struct vcpu *v);
/* Logs why the VM of cfg cannot start, naming it and its config node. */
void vm_error(const struct vm_config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The VM made from config node `index` (system_config.vms), or NULL if
 * it could not be created. */
struct vm *vm_by_index(uint32_t index);
/* The first VM created: the DMA test aims at its RAM (core/dma_test.c). */
extern struct vm *vm_first_created;

#endif
