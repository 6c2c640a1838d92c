/* SPDX-License-Identifier: MIT */
/*
 * A driver VM's channel (docs/channel.md): the function on its PCI bus,
 * which client devices it serves, and their windows onto the clients'
 * memory. The clients' devices (core/virtio_net.c) call in from their own
 * exits; the driver VM reads the function through its own.
 *
 * Windows: slot s of a driver VM appears at window_base + s * stride,
 * where window_base is half of the guest-physical address space (CPUID
 * 0x80000008 EAX[7:0] bits) and the slots share, in powers of two, what
 * is free from there up: the upper half, or less when the driver VM has
 * a region of its own there (an assigned 64-bit BAR).
 */
#ifndef CORRAL_VM_CHANNEL_H
#define CORRAL_VM_CHANNEL_H
#include <stdbool.h>
#include <stdint.h>

struct vm;
struct guest_acpi_params;
struct channel_slot;
struct client_dev;

#define CHANNEL_SLOT_PCI 15 /* 00:0f.0 */

/* Each build of a driver VM that serves client devices: the channel on
 * its bus, every slot stopped, no window. 0, or a negative errno after
 * the error was reported. */
int vm_channel_attach(struct vm *drv);
void vm_channel_acpi_params(struct vm *drv, struct guest_acpi_params *ap);
/* Around a rebuild of the driver VM (vm_build): no client device goes
 * live or stops meanwhile; the rebuild drops every window. */
void vm_channel_rebuild_begin(struct vm *drv);
void vm_channel_rebuild_end(struct vm *drv);

/* The client device in `slot` went live: its RAM appears at the slot's
 * window and the slot says so (info: what the device negotiated; the
 * window fields are filled here). 0; VM_CHANNEL_PENDING when the slot is
 * still resetting from the device's last run (it goes live when the
 * driver VM acknowledges that); or a negative errno after the error was
 * reported (the driver VM does not run, or the memory does not fit the
 * window). */
#define VM_CHANNEL_PENDING 1
int vm_channel_live(struct vm *drv, uint32_t slot, struct vm *client,
		    struct client_dev *dev, struct channel_slot *info);
/* The client device stops (a reset, or its VM stops): scratch replaces
 * the client's memory in the window, and this returns when no vCPU of the
 * driver VM can reach that memory any more. The slot is resetting until
 * the driver VM acknowledges (vm_channel_ack). */
void vm_channel_stop(struct vm *drv, uint32_t slot);
/* HC_CHANNEL_ACK: the driver VM acknowledges generation `gen` of `slot`.
 * Live: the device is served (its link comes up). Resetting: the window
 * goes, the slot stops, and a device that waited goes live. 0,
 * -CORRAL_ESTALE (the slot changed since), -CORRAL_EINVAL. */
int64_t vm_channel_ack(struct vm *drv, uint64_t slot, uint64_t gen);
/* Did the driver VM acknowledge the live generation `slot` has now? */
bool vm_channel_served(struct vm *drv, uint32_t slot);
/* HC_CHANNEL_BLK_CAPACITY: the export of block slot `slot` holds
 * `sectors`. 0, or -CORRAL_EINVAL (no such slot, or not a block one). */
int64_t vm_channel_set_blk_capacity(struct vm *drv, uint64_t slot,
				    uint64_t sectors);
/* What the mapper said of block slot `slot`; 0 until it did. */
uint64_t vm_channel_blk_capacity(struct vm *drv, uint32_t slot);
/* Is `slot` live, at generation `gen`? */
bool vm_channel_at(struct vm *drv, uint32_t slot, uint32_t gen);
/* HC_CHANNEL_BROKEN: queue q of the client device in `slot`, of live
 * generation `gen`, broke the ring's rules; the errors of
 * vm_channel_interrupt. */
int64_t vm_channel_broken(struct vm *drv, uint64_t slot, uint64_t q,
			  uint64_t gen);
/* A client kicked queue q of the device in `slot`. */
void vm_channel_kick(struct vm *drv, uint32_t slot, uint16_t q);
/* HC_CHANNEL_INTERRUPT from the driver VM: the interrupt of queue q of
 * the client device in `slot`, of live generation `gen`. 0,
 * -CORRAL_EINVAL (no such slot or queue: the caller serves none there),
 * -CORRAL_ESTALE (the slot is no longer at `gen`), -CORRAL_ENODEV (the
 * device is not live). */
int64_t vm_channel_interrupt(struct vm *drv, uint64_t slot, uint64_t q,
			     uint64_t gen);

#endif
