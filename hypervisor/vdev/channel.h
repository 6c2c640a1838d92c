/* SPDX-License-Identifier: MIT */
/*
 * The channel function a driver VM sees (include/corral/channel.h has the
 * register layout, docs/channel.md the protocol): a read-only description
 * of each client device it serves, and MSI-X vectors for the clients'
 * kicks and corral's control events. corral's core fills the slots; the
 * guest only reads them and programs the MSI-X table.
 *
 * Pure logic (unit.channel).
 */
#ifndef CORRAL_VDEV_CHANNEL_H
#define CORRAL_VDEV_CHANNEL_H
#include <corral/channel.h>
#include <stdbool.h>
#include <stdint.h>
#include <vdev/msix.h>

struct channel_queue {
	uint64_t desc, avail, used;
	uint16_t size;
};

/* What the core says about one client device. */
struct channel_slot {
	uint32_t state; /* enum corral_slot_state */
	uint32_t type;	/* enum corral_slot_type */
	uint32_t nr_queues;
	uint64_t window, window_size;
	uint64_t features;
	uint8_t mac[6];
	struct channel_queue q[CORRAL_CHANNEL_MAX_QUEUES];
	char name[CH_SLOT_NAME_LEN];
	struct {
		uint64_t gpa, size;
	} ram[CH_SLOT_MAX_RAM];
};

/* What a slot serves, fixed while the driver VM runs (CH_SLOT_EXT). */
struct channel_slot_ext {
	char export[CH_EXT_EXPORT_LEN];
	uint32_t flags; /* CH_EXT_* */
};

struct channel {
	uint64_t bar0;
	uint16_t command;
	bool bar0_sizing, bar0_hi_sizing;
	uint32_t nr_slots;
	uint32_t events;
	uint32_t generation[CORRAL_CHANNEL_MAX_SLOTS];
	struct channel_slot slot[CORRAL_CHANNEL_MAX_SLOTS];
	struct channel_slot_ext ext[CORRAL_CHANNEL_MAX_SLOTS];
	struct msix msix;
};

/* bar0: guest-physical, CORRAL_CHANNEL_BAR0_SIZE aligned. Every slot
 * empty, MSI-X off. */
void channel_init(struct channel *ch, uint64_t bar0, uint32_t nr_slots,
		  void (*send_msi)(void *ctx, uint64_t addr, uint32_t data),
		  void *ctx);

uint32_t channel_cfg_read(struct channel *ch, uint16_t off, uint8_t size);
void channel_cfg_write(struct channel *ch, uint16_t off, uint8_t size,
		       uint32_t val);
uint64_t channel_bar0_read(struct channel *ch, uint32_t off, uint8_t size);
void channel_bar0_write(struct channel *ch, uint32_t off, uint8_t size,
			uint64_t val);

/* The slot changed: new contents, a new generation, its event bit and
 * the control vector. */
void channel_slot_update(struct channel *ch, uint32_t s,
			 const struct channel_slot *slot);
/* A client kicked queue q of slot s: that queue's vector. */
void channel_kick(struct channel *ch, uint32_t s, uint32_t q);

#endif
