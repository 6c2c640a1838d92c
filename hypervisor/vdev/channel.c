// SPDX-License-Identifier: MIT
/* The channel function of a driver VM (vdev/channel.h). */
#include <string.h>
#include <vdev/channel.h>
#include <vdev/le_bytes.h>

/* PCI configuration space (PCI 3.0 §6.1-6.2, §6.8.2). */
#define CFG_COMMAND 0x04
#define CFG_BAR0 0x10
#define CFG_BAR0_HI 0x14
#define CMD_MEM (1u << 1)
#define CMD_MASTER (1u << 2)
#define CMD_WRITABLE (CMD_MEM | CMD_MASTER | (1u << 10))
#define STATUS_CAP_LIST (1u << 4)
#define BAR_MEM_64 0x4u
#define CAP_MSIX 0x40
#define MSIX_CTRL (CAP_MSIX + 2)
#define PCI_CAP_ID_MSIX 0x11
#define CFG_LEGACY 0x100

void channel_init(struct channel *ch, uint64_t bar0, uint32_t nr_slots,
		  void (*msi)(void *ctx, uint64_t addr, uint32_t data),
		  void *ctx)
{
	memset(ch, 0, sizeof(*ch));
	ch->bar0 = bar0;
	ch->nr_slots = nr_slots > CORRAL_CHANNEL_MAX_SLOTS ?
			       CORRAL_CHANNEL_MAX_SLOTS :
			       nr_slots;
	msix_init(&ch->msix, CH_NR_VECTORS, msi, ctx);
	/* A kick or an event before the mapper is up waits for it. */
	ch->msix.hold_while_off = true;
	msix_set_blocked(&ch->msix, true); /* bus mastering is off */
}

static void cfg_image(const struct channel *ch, uint8_t *b)
{
	memset(b, 0, CFG_LEGACY);
	le_put(b, 0x00, CORRAL_CHANNEL_VENDOR, 2);
	le_put(b, 0x02, CORRAL_CHANNEL_DEVICE, 2);
	le_put(b, CFG_COMMAND, ch->command, 2);
	le_put(b, 0x06, STATUS_CAP_LIST, 2);
	le_put(b, 0x08, CORRAL_CHANNEL_VERSION, 1);
	le_put(b, 0x09, CORRAL_CHANNEL_CLASS, 3);
	le_put(b, CFG_BAR0,
	       ch->bar0_sizing ? ~(CORRAL_CHANNEL_BAR0_SIZE - 1) | BAR_MEM_64 :
				 (uint32_t)ch->bar0 | BAR_MEM_64,
	       4);
	le_put(b, CFG_BAR0_HI, ch->bar0_hi_sizing ? ~0u : ch->bar0 >> 32, 4);
	le_put(b, 0x2c, CORRAL_CHANNEL_VENDOR, 2);
	le_put(b, 0x2e, CORRAL_CHANNEL_DEVICE, 2);
	le_put(b, 0x34, CAP_MSIX, 1);
	le_put(b, CAP_MSIX, PCI_CAP_ID_MSIX, 1);
	le_put(b, MSIX_CTRL, msix_ctrl_read(&ch->msix), 2);
	le_put(b, CAP_MSIX + 4, CH_MSIX_TABLE, 4); /* BIR 0 */
	le_put(b, CAP_MSIX + 8, CH_MSIX_PBA, 4);
}

uint32_t channel_cfg_read(struct channel *ch, uint16_t off, uint8_t size)
{
	uint8_t img[CFG_LEGACY];

	if (size != 1 && size != 2 && size != 4)
		return ~0u;
	if (off >= CFG_LEGACY || size > CFG_LEGACY - off)
		return 0;
	cfg_image(ch, img);
	return (uint32_t)le_get(img, off, size);
}

void channel_cfg_write(struct channel *ch, uint16_t off, uint8_t size,
		       uint32_t val)
{
	if ((size != 1 && size != 2 && size != 4) || (off & (size - 1)))
		return;
	if (off <= CFG_COMMAND + 1 && off + size > CFG_COMMAND) {
		ch->command = (uint16_t)(le_merge(ch->command, CFG_COMMAND, 2,
						  off, size, val) &
					 CMD_WRITABLE);
		msix_set_blocked(&ch->msix, !(ch->command & CMD_MASTER));
	} else if (off == CFG_BAR0 && size == 4) {
		ch->bar0_sizing = val == ~0u; /* the BAR stays put */
	} else if (off == CFG_BAR0_HI && size == 4) {
		ch->bar0_hi_sizing = val == ~0u;
	} else if (off == MSIX_CTRL && size == 2) {
		msix_ctrl_write(&ch->msix, (uint16_t)val);
	}
}

static void slot_image(const struct channel *ch, uint32_t s, uint8_t *b)
{
	const struct channel_slot *sl = &ch->slot[s];

	memset(b, 0, CH_SLOT(1) - CH_SLOT(0));
	le_put(b, CH_SLOT_STATE, sl->state, 4);
	le_put(b, CH_SLOT_TYPE, sl->type, 4);
	le_put(b, CH_SLOT_GENERATION, ch->generation[s], 4);
	le_put(b, CH_SLOT_NR_QUEUES, sl->nr_queues, 4);
	le_put(b, CH_SLOT_WINDOW, sl->window, 8);
	le_put(b, CH_SLOT_WINDOW_SIZE, sl->window_size, 8);
	le_put(b, CH_SLOT_FEATURES, sl->features, 8);
	memcpy(b + CH_SLOT_MAC, sl->mac, sizeof(sl->mac));
	for (uint32_t q = 0; q < CORRAL_CHANNEL_MAX_QUEUES; q++) {
		le_put(b, CH_SLOT_QUEUE(q) + CH_QUEUE_DESC, sl->q[q].desc, 8);
		le_put(b, CH_SLOT_QUEUE(q) + CH_QUEUE_AVAIL, sl->q[q].avail, 8);
		le_put(b, CH_SLOT_QUEUE(q) + CH_QUEUE_USED, sl->q[q].used, 8);
		le_put(b, CH_SLOT_QUEUE(q) + CH_QUEUE_SIZE, sl->q[q].size, 2);
	}
	memcpy(b + CH_SLOT_NAME, sl->name, CH_SLOT_NAME_LEN);
	b[CH_SLOT_NAME + CH_SLOT_NAME_LEN - 1] = '\0';
	for (uint32_t i = 0; i < CH_SLOT_MAX_RAM; i++) {
		le_put(b, CH_SLOT_RAM(i) + CH_RAM_GPA, sl->ram[i].gpa, 8);
		le_put(b, CH_SLOT_RAM(i) + CH_RAM_SIZE, sl->ram[i].size, 8);
	}
}

static void ext_image(const struct channel *ch, uint32_t s, uint8_t *b)
{
	memset(b, 0, CH_SLOT_EXT(1) - CH_SLOT_EXT(0));
	memcpy(b + CH_EXT_EXPORT, ch->ext[s].export, CH_EXT_EXPORT_LEN);
	b[CH_EXT_EXPORT + CH_EXT_EXPORT_LEN - 1] = '\0';
	le_put(b, CH_EXT_FLAGS, ch->ext[s].flags, 4);
}

static uint32_t ext_read(struct channel *ch, uint32_t off, uint8_t size)
{
	uint8_t img[CH_SLOT_EXT(1) - CH_SLOT_EXT(0)];
	uint32_t s = (off - CH_SLOT_EXT(0)) / sizeof(img);

	if (s >= ch->nr_slots)
		return 0;
	off -= CH_SLOT_EXT(s);
	ext_image(ch, s, img);
	return off + size <= sizeof(img) ? (uint32_t)le_get(img, off, size) : 0;
}

static uint32_t reg_read(struct channel *ch, uint32_t off, uint8_t size)
{
	uint8_t img[CH_SLOT(1) - CH_SLOT(0)];
	uint32_t s = (off - CH_SLOT(0)) / (CH_SLOT(1) - CH_SLOT(0));
	uint32_t ev;

	switch (off) {
	case CH_REG_MAGIC:
		return size == 4 ? CORRAL_CHANNEL_MAGIC : 0;
	case CH_REG_VERSION:
		return size == 4 ? CORRAL_CHANNEL_VERSION : 0;
	case CH_REG_NR_SLOTS:
		return size == 4 ? ch->nr_slots : 0;
	case CH_REG_EVENTS:
		if (size != 4)
			return 0;
		ev = ch->events;
		ch->events = 0;
		return ev;
	}
	if (off >= CH_SLOT_EXT(0) &&
	    off < CH_SLOT_EXT(CORRAL_CHANNEL_MAX_SLOTS))
		return ext_read(ch, off, size);
	if (off < CH_SLOT(0) || s >= ch->nr_slots)
		return 0;
	off -= CH_SLOT(s);
	slot_image(ch, s, img);
	return off + size <= sizeof(img) ? (uint32_t)le_get(img, off, size) : 0;
}

uint64_t channel_bar0_read(struct channel *ch, uint32_t off, uint8_t size)
{
	if (!(ch->command & CMD_MEM))
		return size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	if (size == 8)
		return channel_bar0_read(ch, off, 4) |
		       (channel_bar0_read(ch, off + 4, 4) << 32);
	if (size != 1 && size != 2 && size != 4)
		return 0;
	if (off >= CH_MSIX_TABLE && off < CH_MSIX_PBA)
		return msix_table_read(&ch->msix, off - CH_MSIX_TABLE, size);
	if (off >= CH_MSIX_PBA)
		return msix_pba_read(&ch->msix, off - CH_MSIX_PBA, size);
	return reg_read(ch, off, size);
}

void channel_bar0_write(struct channel *ch, uint32_t off, uint8_t size,
			uint64_t val)
{
	if (!(ch->command & CMD_MEM))
		return;
	if (size == 8) {
		channel_bar0_write(ch, off, 4, (uint32_t)val);
		channel_bar0_write(ch, off + 4, 4, val >> 32);
	} else if (off >= CH_MSIX_TABLE && off < CH_MSIX_PBA) {
		msix_table_write(&ch->msix, off - CH_MSIX_TABLE, size,
				 (uint32_t)val);
	}
}

void channel_slot_update(struct channel *ch, uint32_t s,
			 const struct channel_slot *slot)
{
	if (s >= ch->nr_slots)
		return;
	ch->slot[s] = *slot;
	ch->generation[s]++;
	ch->events |= 1u << s;
	msix_signal(&ch->msix, CH_VECTOR_CONTROL);
}

void channel_kick(struct channel *ch, uint32_t s, uint32_t q)
{
	if (s < ch->nr_slots && q < CORRAL_CHANNEL_MAX_QUEUES)
		msix_signal(&ch->msix, (uint16_t)CH_VECTOR_KICK(s, q));
}
