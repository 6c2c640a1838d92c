/* SPDX-License-Identifier: MIT */
/*
 * The MSI-X table of an emulated PCI function (PCI 3.0 §6.8.2): entries,
 * masking, pending bits, and sending a message when a vector is raised.
 * Shared by corral's emulated functions (vdev/virtio_pci.c,
 * vdev/channel.c). Assigned functions have their own (vdev/vpci.c).
 *
 * Pure logic (unit.virtio_pci and unit.channel exercise it).
 */
#ifndef CORRAL_VDEV_MSIX_H
#define CORRAL_VDEV_MSIX_H
#include <stdbool.h>
#include <stdint.h>

#define MSIX_MAX_VECTORS 64
#define MSIX_ENTRY_SIZE 16
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_CTRL_FUNC_MASK (1u << 14)
#define MSIX_ENTRY_MASKED 1u

struct msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl; /* ctrl bit 0: masked */
};

struct msix {
	uint16_t nr;   /* table size */
	uint16_t ctrl; /* MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK */
	bool blocked;  /* the function may not send (bus mastering off) */
	/* A doorbell function loses nothing: with MSI-X off, a raised
	 * vector waits in its pending bit too (the channel's kicks). */
	bool hold_while_off;
	uint64_t pending;
	struct msix_entry e[MSIX_MAX_VECTORS];
	void (*send)(void *ctx, uint64_t addr, uint32_t data);
	void *ctx;
};

/* Every entry masked, MSI-X off, nothing pending (the reset state). */
void msix_init(struct msix *m, uint16_t nr,
	       void (*send)(void *ctx, uint64_t addr, uint32_t data),
	       void *ctx);
/* The table and the PBA: `size` bytes at `off` from their start. The
 * table takes only aligned 32-bit accesses; others read 0. */
uint32_t msix_table_read(const struct msix *m, uint32_t off, uint8_t size);
void msix_table_write(struct msix *m, uint32_t off, uint8_t size, uint32_t val);
uint32_t msix_pba_read(const struct msix *m, uint32_t off, uint8_t size);
/* The capability's Message Control word: table size - 1 and the bits. */
uint16_t msix_ctrl_read(const struct msix *m);
void msix_ctrl_write(struct msix *m, uint16_t val);
/* Bus mastering on or off: a blocked function's messages wait. */
void msix_set_blocked(struct msix *m, bool blocked);
/* Raises vector `vec`: sent now, or left pending while masked. Nothing
 * with MSI-X off or a vector the table lacks. */
void msix_signal(struct msix *m, uint16_t vec);
/* The table's byte length, and that of its PBA. */
static inline uint32_t msix_table_len(const struct msix *m)
{
	return (uint32_t)m->nr * MSIX_ENTRY_SIZE;
}

#endif
