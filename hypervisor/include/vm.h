/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_VM_H
#define CORRAL_VM_H
#include <stdint.h>
#include <stdbool.h>
#include <gpa_map.h>
#include <config.h>
#include <vuart.h>
#include <vioapic.h>
#include <vpm.h>
#include <vcpu_backend.h>
#include <mmio.h>
#include <spinlock.h>

#define VM_MAX_VCPUS 1 /* multi-vCPU VMs come with the scheduler */
#define VM_MAX_DEVICES 8
#define VM_MSR_LOG_SLOTS 64
#define VM_LOG_BUDGET 64 /* unemulated-access lines per VM run */

struct assigned_dev;

enum vm_state { VM_CREATED, VM_RUNNING, VM_STOPPED };

enum vm_stop_reason {
	VM_STOP_NONE,
	VM_STOP_POWEROFF,
	VM_STOP_REBOOT,
	VM_STOP_CRASH,	/* triple fault, unsupported guest behaviour */
	VM_STOP_ERROR,	/* corral could not go on with it */
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
	uint64_t restart_tsc[5];
	char stop_detail[160];

	uint8_t *ram; /* host pointer of GPA 0 (identity mapped) */
	uint64_t ram_size;
	struct gpa_map map;
	uint64_t stage2_root; /* EPT/NPT root built from `map` by the backend */
	void *arch;

	struct vuart uart;
	struct spinlock uart_lock; /* console input arrives from CPU 0 */
	volatile bool uart_rx_pending;
	uint32_t uart_overruns;
	struct vioapic ioapic;
	struct vpm pm;
	uint64_t start_tsc;

	uint32_t nr_vcpus;
	struct vcpu *vcpus[VM_MAX_VCPUS];
	uint32_t pcpu; /* where its vCPUs run (until the scheduler lands) */
	struct vcpu_boot_state boot;

	uint8_t io_logged[65536 / 8];
	uint32_t msr_logged[VM_MSR_LOG_SLOTS];
	uint32_t nr_msr_logged;
	uint32_t log_lines; /* "logged once" lines printed for this VM */

	struct mmio_region mmio[VM_MAX_MMIO];
	uint32_t nr_mmio;

	/* Assigned PCI devices (assign.c) and their DMA domain (iommu/). */
	struct assigned_dev *devices[VM_MAX_DEVICES];
	uint32_t nr_devices;
	uint32_t conf1_addr;
	void *iommu_domain;
	uint64_t iommu_faults;
	char extra_cmdline[96];
};

/* Creates the VM from its config: memory, map, Linux image. NULL on error
 * (already reported, naming the VM). */
struct vm *vm_create(uint32_t id, const struct vm_config *cfg);
void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Host pointer for [gpa, gpa+len) if it lies inside the VM's RAM, else NULL. */
void *vm_gpa_to_host(struct vm *vm, uint64_t gpa, uint64_t len);
const char *vm_stop_reason_name(enum vm_stop_reason r);
/* May this VM log one more "unemulated access" line? After VM_LOG_BUDGET
 * of them it says once that it stops, so a guest cannot flood the console. */
bool vm_log_budget(struct vm *vm);
/* On the VM's pCPU: (re)initialises its vCPU for the VM's first instruction. */
bool vm_start(struct vm *vm);
/* On the VM's pCPU, after its vCPU stopped: reports, applies the restart
 * policy; true if the VM was rebuilt and runs again. */
bool vm_stopped(struct vm *vm);

#endif
