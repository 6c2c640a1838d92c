// SPDX-License-Identifier: MIT
/*
 * The channel function (hypervisor/vdev/channel.c), read the way
 * corral-core reads it: find it by its IDs, size its BAR, enable MSI-X,
 * take a control event, read a slot, take a kick. And what the driver VM
 * may not do: write the registers corral owns.
 */
#include <string.h>
#include <vdev/channel.h>
#include "test.h"

#define BAR0 0xfd000000ull

static struct channel ch;
static unsigned msis;
static uint32_t last_data;

static void on_msi(void *ctx, uint64_t addr, uint32_t data)
{
	msis++;
	last_data = data;
}

static uint64_t rd(uint32_t off, uint8_t size)
{
	return channel_bar0_read(&ch, off, size);
}

static void setup(void)
{
	msis = 0;
	channel_init(&ch, BAR0, 3, on_msi, NULL);
}

static void enable(void)
{
	setup();
	channel_cfg_write(&ch, 0x04, 2, 0x6); /* memory, bus master */
	channel_cfg_write(&ch, 0x42, 2, 0x8000);
	for (uint32_t v = 0; v < CH_NR_VECTORS; v++) {
		channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * v, 4, 0xfee00000);
		channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * v + 8, 4,
				   0x50 + v);
		channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * v + 12, 4, 0);
	}
}

static void test_config_space(void)
{
	setup();
	CHECK_EQ(channel_cfg_read(&ch, 0, 4), 0xc0a21234);
	CHECK_EQ(channel_cfg_read(&ch, 0x08, 4) >> 8, 0xff0000);
	CHECK_EQ(channel_cfg_read(&ch, 0x10, 4), (uint32_t)BAR0 | 4);
	channel_cfg_write(&ch, 0x10, 4, ~0u);
	CHECK_EQ(channel_cfg_read(&ch, 0x10, 4), 0xffffe004); /* 8 KiB */
	channel_cfg_write(&ch, 0x10, 4, 0x12345000);	      /* not taken */
	CHECK_EQ(channel_cfg_read(&ch, 0x10, 4), (uint32_t)BAR0 | 4);
	CHECK_EQ(channel_cfg_read(&ch, 0x34, 1), 0x40);
	CHECK_EQ(channel_cfg_read(&ch, 0x40, 1), 0x11);
	CHECK_EQ(channel_cfg_read(&ch, 0x42, 2) & 0x7ff, CH_NR_VECTORS - 1);
	CHECK_EQ(channel_cfg_read(&ch, 0x44, 4), CH_MSIX_TABLE);
	CHECK_EQ(channel_cfg_read(&ch, 0x48, 4), CH_MSIX_PBA);
	CHECK_EQ(rd(CH_REG_MAGIC, 4), 0xffffffff); /* memory space off */
	/* Byte writes to the command register, as sysfs makes them. */
	channel_cfg_write(&ch, 0x04, 1, 0x06);
	channel_cfg_write(&ch, 0x05, 1, 0x00);
	CHECK_EQ(channel_cfg_read(&ch, 0x04, 2), 0x6);
	CHECK_EQ(rd(CH_REG_MAGIC, 4), CORRAL_CHANNEL_MAGIC);
	channel_cfg_write(&ch, 0x05, 1, 0x04); /* INTx disable, high byte */
	CHECK_EQ(channel_cfg_read(&ch, 0x04, 2), 0x406);
}

static void test_registers(void)
{
	struct channel_slot s = { .state = CH_STATE_LIVE,
				  .type = CH_TYPE_NET,
				  .nr_queues = 2,
				  .window = 0x8000000000ull,
				  .window_size = 128ull << 20,
				  .features = 0x1300199abull,
				  .mac = { 0x52, 0x54, 0, 0, 0, 0x10 } };

	enable();
	CHECK_EQ(rd(CH_REG_MAGIC, 4), CORRAL_CHANNEL_MAGIC);
	CHECK_EQ(rd(CH_REG_VERSION, 4), 3);
	CHECK_EQ(rd(CH_REG_NR_SLOTS, 4), 3);
	CHECK_EQ(rd(CH_SLOT(0) + CH_SLOT_STATE, 4), CH_STATE_EMPTY);
	s.q[1] = (struct channel_queue){ 0x10000, 0x11000, 0x12000, 256 };
	strcpy(s.name, "client0");
	s.ram[0].size = 96ull << 20;
	s.ram[1].gpa = 4ull << 30;
	s.ram[1].size = 32ull << 20;
	channel_slot_update(&ch, 1, &s);
	CHECK_EQ(msis, 1);
	CHECK_EQ(last_data, 0x50); /* the control vector */
	CHECK_EQ(rd(CH_REG_EVENTS, 4), 1u << 1);
	CHECK_EQ(rd(CH_REG_EVENTS, 4), 0); /* the read cleared it */
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_STATE, 4), CH_STATE_LIVE);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_GENERATION, 4), 1);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_WINDOW, 8), 0x8000000000ull);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_WINDOW_SIZE + 4, 4), 0);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_FEATURES, 8), 0x1300199abull);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_MAC + 5, 1), 0x10);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_QUEUE(1) + CH_QUEUE_USED, 8), 0x12000);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_QUEUE(1) + CH_QUEUE_SIZE, 2), 256);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_NAME, 4), 0x65696c63); /* "clie" */
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_RAM(0) + CH_RAM_GPA, 8), 0);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_RAM(0) + CH_RAM_SIZE, 8), 96ull << 20);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_RAM(1) + CH_RAM_GPA, 8), 4ull << 30);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_RAM(1) + CH_RAM_SIZE + 4, 4), 0);
	/* A slot the channel does not have, and the driver VM's writes. */
	CHECK_EQ(rd(CH_SLOT(5) + CH_SLOT_STATE, 4), 0);
	channel_bar0_write(&ch, CH_SLOT(1) + CH_SLOT_STATE, 4, 0);
	channel_bar0_write(&ch, CH_SLOT(1) + CH_SLOT_WINDOW, 8, 0);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_STATE, 4), CH_STATE_LIVE);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_WINDOW, 8), 0x8000000000ull);
	/* A name without its NUL reads back ended all the same. */
	memset(s.name, 'x', sizeof(s.name));
	channel_slot_update(&ch, 1, &s);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_NAME + 28, 4), 0x00787878);
	CHECK_EQ(rd(CH_SLOT(1) + CH_SLOT_GENERATION, 4), 2);
	channel_slot_update(&ch, 7, &s); /* beyond nr_slots: nothing */
	CHECK_EQ(rd(CH_REG_EVENTS, 4), 1u << 1);
}

/* Since version 3: what a slot serves, readable whatever its state, and
 * nothing past the slots there are. */
static void test_ext(void)
{
	enable();
	CHECK_EQ(rd(CH_REG_VERSION, 4), 3);
	memcpy(ch.ext[1].export, "nvme0n1:2", 10);
	ch.ext[1].flags = CH_EXT_READ_ONLY;
	CHECK_EQ(rd(CH_SLOT_EXT(1) + CH_EXT_EXPORT, 4), 0x656d766e); /* nvme */
	CHECK_EQ(rd(CH_SLOT_EXT(1) + CH_EXT_EXPORT + 8, 2), '2');
	CHECK_EQ(rd(CH_SLOT_EXT(1) + CH_EXT_FLAGS, 4), CH_EXT_READ_ONLY);
	CHECK_EQ(rd(CH_SLOT_EXT(0) + CH_EXT_FLAGS, 4), 0);
	/* A full string still reads NUL-ended. */
	memset(ch.ext[2].export, 'x', sizeof(ch.ext[2].export));
	CHECK_EQ(rd(CH_SLOT_EXT(2) + CH_EXT_EXPORT_LEN - 4, 4), 0x00787878);
	ch.ext[3].flags = 1; /* slot 3 of 3: not there */
	CHECK_EQ(rd(CH_SLOT_EXT(3) + CH_EXT_FLAGS, 4), 0);
	CHECK_EQ(rd(CH_SLOT_EXT(1) + 0x7e, 4), 0); /* across the end */
}

static void test_kicks(void)
{
	enable();
	channel_kick(&ch, 2, 1);
	CHECK_EQ(msis, 1);
	CHECK_EQ(last_data, 0x50 + CH_VECTOR_KICK(2, 1));
	channel_kick(&ch, 3, 0);			 /* no such slot */
	channel_kick(&ch, 0, CORRAL_CHANNEL_MAX_QUEUES); /* no such queue */
	CHECK_EQ(msis, 1);
	/* Masked: pending, then sent when unmasked. */
	channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * CH_VECTOR_KICK(0, 0) + 12,
			   4, 1);
	channel_kick(&ch, 0, 0);
	CHECK_EQ(msis, 1);
	CHECK_EQ(rd(CH_MSIX_PBA, 4), 1u << CH_VECTOR_KICK(0, 0));
	channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * CH_VECTOR_KICK(0, 0) + 12,
			   4, 0);
	CHECK_EQ(msis, 2);
	/* Bus mastering off holds every message. */
	channel_cfg_write(&ch, 0x04, 2, 0x2);
	channel_kick(&ch, 1, 1);
	CHECK_EQ(msis, 2);
	channel_cfg_write(&ch, 0x04, 2, 0x6);
	CHECK_EQ(msis, 3);
}

/* A kick before the mapper enabled MSI-X is not lost: it waits until
 * MSI-X is on and its vector unmasked, as Linux's request_irq does. */
static void test_early_kick(void)
{
	setup();
	channel_kick(&ch, 0, 1);
	CHECK_EQ(msis, 0);
	channel_cfg_write(&ch, 0x04, 2, 0x6);
	channel_cfg_write(&ch, 0x42, 2, 0x8000);
	CHECK_EQ(msis, 0); /* its entry is still masked */
	channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * CH_VECTOR_KICK(0, 1), 4,
			   0xfee00000);
	channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * CH_VECTOR_KICK(0, 1) + 8,
			   4, 0x61);
	channel_bar0_write(&ch, CH_MSIX_TABLE + 16 * CH_VECTOR_KICK(0, 1) + 12,
			   4, 0);
	CHECK_EQ(msis, 1);
	CHECK_EQ(last_data, 0x61);
}

/* Random accesses from a hostile driver VM leave the slots alone. */
static void test_noise(void)
{
	struct channel_slot s = { .state = CH_STATE_STOPPED,
				  .type = CH_TYPE_NET };
	uint32_t x = 7;

	enable();
	channel_slot_update(&ch, 0, &s);
	for (int i = 0; i < 100000; i++) {
		x = x * 1103515245 + 12345;
		uint32_t off = (x >> 8) % CORRAL_CHANNEL_BAR0_SIZE;
		uint8_t size = (uint8_t)(1u << ((x >> 4) & 3));

		if (x & 1)
			channel_bar0_write(&ch, off, size, x * 2654435761u);
		else
			(void)rd(off, size);
		if ((x & 0x300) == 0x100)
			channel_cfg_write(&ch, (x >> 16) & 0xff, size, x);
	}
	CHECK_EQ(ch.slot[0].state, CH_STATE_STOPPED);
	CHECK_EQ(ch.nr_slots, 3);
}

int main(void)
{
	test_config_space();
	test_registers();
	test_ext();
	test_kicks();
	test_early_kick();
	test_noise();
	return test_summary();
}
