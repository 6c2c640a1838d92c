/* SPDX-License-Identifier: MIT */
/*
 * A client VM's virtio-net devices (docs/virtio.md): the virtio-pci
 * transport (vdev/virtio_pci.c) with a network device's configuration,
 * on the VM's PCI bus, its BARs and its interrupts.
 *
 * Each device sits at 00:(16 + i).0, BAR0 at VIRTIO_MMIO_BASE + i * 16
 * KiB, BAR2 at VIRTIO_PIO_BASE + i * 64 ports.
 */
#ifndef CORRAL_VIRTIO_NET_H
#define CORRAL_VIRTIO_NET_H
#include <stdbool.h>
#include <stdint.h>

#define VIRTIO_MMIO_BASE 0xd0000000ull
#define VIRTIO_PIO_BASE 0xe000u
#define VIRTIO_FIRST_SLOT 16

struct vm;
struct virtio_net;
struct guest_acpi_params;

/* Puts the VM's configured virtio-net devices on its bus (each build of
 * the VM: a fresh device, as after a power cycle). 0, or a negative errno
 * after the error was reported naming the device's node. */
int virtio_net_attach(struct vm *vm);
/* The VM stopped: its devices leave their backends' channels (before its
 * memory is scrubbed or reused). */
void virtio_net_release(struct vm *vm);
/* Queue q's interrupt, for the backend that used it (any pCPU): false if
 * the device is not live or has no such queue. */
bool virtio_net_interrupt(struct virtio_net *n, uint16_t q);
/* The backend's mapper serves the device (HC_CHANNEL_ACK): link up. */
void virtio_net_served(struct virtio_net *n);
/* The backend (vm `by`) found queue q's ring malformed in live generation
 * `gen` of the device's slot: the device needs a reset
 * (DEVICE_NEEDS_RESET), kicks stop, and the log names the client. False,
 * and nothing done, when the slot has moved on from `gen`. */
bool virtio_net_broken(struct virtio_net *n, uint16_t q, const char *by,
		       uint32_t gen);
/* Their BARs in the root bridge's windows. */
void virtio_net_acpi_params(struct vm *vm, struct guest_acpi_params *ap);

#endif
