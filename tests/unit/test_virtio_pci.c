// SPDX-License-Identifier: MIT
/*
 * The virtio-pci transport (hypervisor/vdev/virtio_pci.c), driven the way
 * Linux 6.1's virtio_pci_modern and virtio core drive it: find the
 * capabilities, size the BARs, negotiate features, set up queues and
 * MSI-X vectors, go live, reset; and the way a hostile driver would not.
 */
#include <string.h>
#include <vdev/virtio_pci.h>
#include "test.h"

#define BAR0 0xd0000000ull
#define BAR2 0xe000u
#define F_MAC (1ull << 5)
#define F_V1 VIRTIO_F_BIT(VIRTIO_F_VERSION_1)
#define NQ 2

static struct {
	unsigned driver_ok, resets, notified[NQ];
	unsigned msis;
	uint64_t msi_addr;
	uint32_t msi_data;
	bool reset_later; /* the backend acknowledges a reset later */
	struct virtio_pci *vp;
} seen;

static void on_driver_ok(void *ctx)
{
	seen.driver_ok++;
}

static void on_reset(void *ctx)
{
	seen.resets++;
	if (!seen.reset_later)
		virtio_pci_reset_done(seen.vp);
}

static void on_notify(void *ctx, uint16_t q)
{
	if (q < NQ)
		seen.notified[q]++;
}

static void on_msi(void *ctx, uint64_t addr, uint32_t data)
{
	seen.msis++;
	seen.msi_addr = addr;
	seen.msi_data = data;
}

static uint32_t on_cfg_read(void *ctx, uint32_t off, uint8_t size)
{
	static const uint8_t cfg[8] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0, 0 };
	uint32_t v = 0;

	for (unsigned i = 0; i < size && off + i < sizeof(cfg); i++)
		v |= (uint32_t)cfg[off + i] << (8 * i);
	return v;
}

static const struct virtio_pci_ops ops = { on_driver_ok, on_reset,    on_notify,
					   on_msi,	 on_cfg_read, NULL };

static struct virtio_pci vp;

static void setup(void)
{
	struct virtio_pci_id id = { .device_id = 1,
				    .class_code = 0x020000,
				    .features = F_V1 | F_MAC,
				    .nr_queues = NQ,
				    .queue_max = 256,
				    .devcfg_len = 8,
				    .bar0 = BAR0,
				    .bar2 = BAR2 };

	memset(&seen, 0, sizeof(seen));
	seen.vp = &vp;
	CHECK_EQ(virtio_pci_init(&vp, &id, &ops, NULL), 0);
}

static uint32_t cfg(uint16_t off, uint8_t size)
{
	return virtio_pci_cfg_read(&vp, off, size);
}

static uint64_t rd(uint32_t off, uint8_t size)
{
	return virtio_pci_bar0_read(&vp, off, size);
}

static void wr(uint32_t off, uint8_t size, uint64_t v)
{
	virtio_pci_bar0_write(&vp, off, size, v);
}

/* What Linux's virtio_pci_find_capability walks. */
static uint8_t find_cap(uint8_t cfg_type)
{
	for (uint8_t p = (uint8_t)cfg(0x34, 1); p; p = (uint8_t)cfg(p + 1, 1))
		if (cfg(p, 1) == 0x09 && cfg(p + 3, 1) == cfg_type)
			return p;
	return 0;
}

static void test_identity(void)
{
	setup();
	CHECK_EQ(cfg(0, 4), 0x10411af4);
	CHECK_EQ(cfg(0x08, 1), 1);	       /* revision 1 */
	CHECK_EQ(cfg(0x08, 4) >> 8, 0x020000); /* Ethernet */
	CHECK_EQ(cfg(0x06, 2) & 0x10, 0x10);   /* capability list */
	CHECK_EQ(cfg(0x3d, 1), 0);	       /* no INTx pin */
	CHECK_EQ(cfg(0x2c, 2), 0x1af4);
	CHECK_EQ(cfg(0x100, 4), 0); /* no extended capabilities */
}

static void test_caps(void)
{
	uint8_t common = find_cap(1), notify = find_cap(2), isr = find_cap(3),
		dev = find_cap(4), pcicfg = find_cap(5);
	uint8_t p, msix = 0;

	setup();
	common = find_cap(1);
	notify = find_cap(2);
	isr = find_cap(3);
	dev = find_cap(4);
	pcicfg = find_cap(5);
	CHECK(common && notify && isr && dev && pcicfg);
	CHECK_EQ(cfg(common + 4, 1), 0); /* BAR0 */
	CHECK_EQ(cfg(common + 8, 4), 0x0000);
	CHECK(cfg(common + 12, 4) >= 0x38); /* Linux maps 0x38 bytes */
	CHECK_EQ(cfg(notify + 4, 1), 2);    /* BAR2: I/O */
	CHECK_EQ(cfg(notify + 2, 1), 20);
	CHECK_EQ(cfg(notify + 16, 4), 2); /* notify_off_multiplier */
	CHECK_EQ(cfg(isr + 8, 4), 0x1000);
	CHECK_EQ(cfg(dev + 8, 4), 0x2000);
	CHECK_EQ(cfg(dev + 12, 4), 8);
	for (p = (uint8_t)cfg(0x34, 1); p; p = (uint8_t)cfg(p + 1, 1))
		if (cfg(p, 1) == 0x11)
			msix = p;
	CHECK(msix);
	CHECK_EQ(cfg(msix + 2, 2) & 0x7ff, NQ); /* NQ + 1 vectors */
	CHECK_EQ(cfg(msix + 4, 4), 0x3000);	/* table, BIR 0 */
	CHECK_EQ(cfg(msix + 8, 4), 0x3800);	/* PBA, BIR 0 */
}

/* PCI 3.0 §6.2.5.1 sizing: write all ones, read the mask, write back. */
static void test_bars(void)
{
	setup();
	CHECK_EQ(cfg(0x10, 4), (uint32_t)BAR0 | 4);
	CHECK_EQ(cfg(0x14, 4), 0);
	CHECK_EQ(cfg(0x18, 4), BAR2 | 1);
	virtio_pci_cfg_write(&vp, 0x10, 4, ~0u);
	CHECK_EQ(cfg(0x10, 4), 0xffffc004);
	virtio_pci_cfg_write(&vp, 0x10, 4, (uint32_t)BAR0 | 4);
	CHECK_EQ(cfg(0x10, 4), (uint32_t)BAR0 | 4);
	virtio_pci_cfg_write(&vp, 0x14, 4, ~0u);
	CHECK_EQ(cfg(0x14, 4), 0xffffffff);
	virtio_pci_cfg_write(&vp, 0x14, 4, 0);
	virtio_pci_cfg_write(&vp, 0x18, 4, ~0u);
	CHECK_EQ(cfg(0x18, 4), 0xffffffc1);
	virtio_pci_cfg_write(&vp, 0x18, 4, BAR2 | 1);
	/* A move is not taken: the BAR stays where corral put it. */
	virtio_pci_cfg_write(&vp, 0x10, 4, 0x80000000);
	CHECK_EQ(cfg(0x10, 4), (uint32_t)BAR0 | 4);
	/* No decoding before the command register says so. */
	CHECK_EQ(rd(0x12, 2), 0xffff);
	virtio_pci_cfg_write(&vp, 0x04, 2, 0x7);
	CHECK_EQ(rd(0x12, 2), NQ);
	CHECK_EQ(cfg(0x04, 2), 0x7);
	virtio_pci_cfg_write(&vp, 0x04, 2, 0xffff); /* only its bits */
	CHECK_EQ(cfg(0x04, 2), 0x407);
	virtio_pci_cfg_write(&vp, 0x04, 1, 0x03); /* one byte: the low one */
	CHECK_EQ(cfg(0x04, 2), 0x403);
	virtio_pci_cfg_write(&vp, 0x04, 4, 0xffff0407); /* with status */
	CHECK_EQ(cfg(0x04, 2), 0x407);
}

static void enable(void)
{
	setup();
	virtio_pci_cfg_write(&vp, 0x04, 2, 0x7);
}

static void negotiate(uint64_t features)
{
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(0x08, 4, 0);
	wr(0x0c, 4, (uint32_t)features);
	wr(0x08, 4, 1);
	wr(0x0c, 4, (uint32_t)(features >> 32));
	wr(0x14, 1, rd(0x14, 1) | VIRTIO_STATUS_FEATURES_OK);
}

static void test_features(void)
{
	enable();
	wr(0x00, 4, 0);
	CHECK_EQ(rd(0x04, 4), (uint32_t)F_MAC);
	wr(0x00, 4, 1);
	CHECK_EQ(rd(0x04, 4), 1); /* VERSION_1 is bit 32 */
	wr(0x00, 4, 7);
	CHECK_EQ(rd(0x04, 4), 0);
	negotiate(F_V1 | F_MAC);
	CHECK(rd(0x14, 1) & VIRTIO_STATUS_FEATURES_OK);
	CHECK_EQ(virtio_pci_features(&vp), F_V1 | F_MAC);
	/* Once FEATURES_OK stands, the features stay. */
	wr(0x08, 4, 0);
	wr(0x0c, 4, 0);
	CHECK_EQ(virtio_pci_features(&vp), F_V1 | F_MAC);

	/* A feature not offered: FEATURES_OK does not stick (§3.1.1). */
	enable();
	negotiate(F_V1 | F_MAC | (1ull << 23));
	CHECK(!(rd(0x14, 1) & VIRTIO_STATUS_FEATURES_OK));
	/* A legacy driver (no VERSION_1): refused as well. */
	enable();
	negotiate(F_MAC);
	CHECK(!(rd(0x14, 1) & VIRTIO_STATUS_FEATURES_OK));
	/* DRIVER_OK without FEATURES_OK is not taken. */
	wr(0x14, 1, rd(0x14, 1) | VIRTIO_STATUS_DRIVER_OK);
	CHECK(!(rd(0x14, 1) & VIRTIO_STATUS_DRIVER_OK));
	CHECK_EQ(seen.driver_ok, 0);
}

static void setup_queue(uint16_t q, uint16_t size, uint16_t vector)
{
	wr(0x16, 2, q);
	wr(0x18, 2, size);
	wr(0x1a, 2, vector);
	wr(0x20, 4, 0x10000 * (q + 1));
	wr(0x24, 4, 0);
	wr(0x28, 4, 0x10000 * (q + 1) + 0x1000);
	wr(0x2c, 4, 0);
	wr(0x30, 4, 0x10000 * (q + 1) + 0x2000);
	wr(0x34, 4, 1); /* above 4 GiB: the high half */
	wr(0x1c, 2, 1);
}

static void go_live(void)
{
	enable();
	negotiate(F_V1 | F_MAC);
	virtio_pci_cfg_write(&vp, 0x9a, 2, 0x8000); /* MSI-X on */
	for (unsigned v = 0; v <= NQ; v++) {
		wr(0x3000 + 16 * v, 4, 0xfee00000);
		wr(0x3004 + 16 * v, 4, 0);
		wr(0x3008 + 16 * v, 4, 0x40 + v);
		wr(0x300c + 16 * v, 4, 0); /* unmasked */
	}
	wr(0x10, 2, 0);
	setup_queue(0, 128, 1);
	setup_queue(1, 256, 2);
	wr(0x14, 1, rd(0x14, 1) | VIRTIO_STATUS_DRIVER_OK);
}

static void test_queues(void)
{
	go_live();
	CHECK_EQ(seen.driver_ok, 1);
	CHECK(virtio_pci_live(&vp));
	CHECK_EQ(vp.q[0].size, 128);
	CHECK_EQ(vp.q[0].desc, 0x10000);
	CHECK_EQ(vp.q[1].device, 0x100022000ull);
	CHECK(vp.q[0].enabled && vp.q[1].enabled);
	wr(0x16, 2, 1);
	CHECK_EQ(rd(0x1e, 2), 1); /* queue_notify_off */
	CHECK_EQ(rd(0x18, 2), 256);
	/* A queue that does not exist has size 0 and takes nothing. */
	wr(0x16, 2, 5);
	CHECK_EQ(rd(0x18, 2), 0);
	wr(0x18, 2, 64);
	CHECK_EQ(rd(0x18, 2), 0);
	/* Live queues keep their addresses and size. */
	wr(0x16, 2, 0);
	wr(0x20, 4, 0xdead000);
	wr(0x18, 2, 64);
	CHECK_EQ(vp.q[0].desc, 0x10000);
	CHECK_EQ(vp.q[0].size, 128);
}

static void test_queue_size_rules(void)
{
	enable();
	wr(0x16, 2, 0);
	CHECK_EQ(rd(0x18, 2), 256); /* the maximum until the driver chooses */
	wr(0x18, 2, 100);	    /* not a power of 2 */
	CHECK_EQ(rd(0x18, 2), 256);
	wr(0x18, 2, 512); /* above the maximum */
	CHECK_EQ(rd(0x18, 2), 256);
	wr(0x18, 2, 0);
	CHECK_EQ(rd(0x18, 2), 256);
	wr(0x18, 2, 64);
	CHECK_EQ(rd(0x18, 2), 64);
}

/* Vector assignment: 0xffff back means "no vector" to Linux. */
static void test_vectors(void)
{
	enable();
	wr(0x10, 2, NQ);
	CHECK_EQ(rd(0x10, 2), NQ);
	wr(0x10, 2, NQ + 1);
	CHECK_EQ(rd(0x10, 2), 0xffff);
	wr(0x16, 2, 0);
	wr(0x1a, 2, 1);
	CHECK_EQ(rd(0x1a, 2), 1);
	wr(0x1a, 2, 0x8000);
	CHECK_EQ(rd(0x1a, 2), 0xffff);
}

static void test_notify(void)
{
	go_live();
	virtio_pci_bar2_write(&vp, 2, 2, 1);
	CHECK_EQ(seen.notified[1], 1);
	virtio_pci_bar2_write(&vp, 0, 2, 0);
	CHECK_EQ(seen.notified[0], 1);
	/* Wrong size, odd port, no such queue: nothing. */
	virtio_pci_bar2_write(&vp, 0, 1, 0);
	virtio_pci_bar2_write(&vp, 1, 2, 0);
	virtio_pci_bar2_write(&vp, 2 * NQ, 2, 0);
	virtio_pci_bar2_write(&vp, 0x3e, 2, 0);
	CHECK_EQ(seen.notified[0] + seen.notified[1], 2);
	/* Before DRIVER_OK a kick goes nowhere. */
	enable();
	setup_queue(0, 64, 0);
	virtio_pci_bar2_write(&vp, 0, 2, 0);
	CHECK_EQ(seen.notified[0], 0);
}

static void test_msix(void)
{
	go_live();
	virtio_pci_queue_interrupt(&vp, 1);
	CHECK_EQ(seen.msis, 1);
	CHECK_EQ(seen.msi_addr, 0xfee00000);
	CHECK_EQ(seen.msi_data, 0x42);
	CHECK_EQ(rd(0x1000, 1), 1); /* ISR: queue; the read clears it */
	CHECK_EQ(rd(0x1000, 1), 0);
	/* A masked vector keeps its message pending until unmasked. */
	wr(0x300c + 16 * 1, 4, 1);
	virtio_pci_queue_interrupt(&vp, 0);
	CHECK_EQ(seen.msis, 1);
	CHECK_EQ(rd(0x3800, 4), 1u << 1);
	wr(0x300c + 16 * 1, 4, 0);
	CHECK_EQ(seen.msis, 2);
	CHECK_EQ(seen.msi_data, 0x41);
	CHECK_EQ(rd(0x3800, 4), 0);
	/* The function mask holds them all. */
	virtio_pci_cfg_write(&vp, 0x9a, 2, 0xc000);
	virtio_pci_queue_interrupt(&vp, 1);
	CHECK_EQ(seen.msis, 2);
	virtio_pci_cfg_write(&vp, 0x9a, 2, 0x8000);
	CHECK_EQ(seen.msis, 3);
	/* So does bus mastering off. */
	virtio_pci_cfg_write(&vp, 0x04, 2, 0x3);
	virtio_pci_queue_interrupt(&vp, 1);
	CHECK_EQ(seen.msis, 3);
	virtio_pci_cfg_write(&vp, 0x04, 2, 0x7);
	CHECK_EQ(seen.msis, 4);
	/* A configuration change: the config vector, generation, ISR. */
	CHECK_EQ(rd(0x1000, 1), 1);
	CHECK_EQ(rd(0x15, 1), 0);
	virtio_pci_config_changed(&vp);
	CHECK_EQ(seen.msis, 5);
	CHECK_EQ(seen.msi_data, 0x40);
	CHECK_EQ(rd(0x15, 1), 1);
	CHECK_EQ(rd(0x1000, 1), 2);
	/* MSI-X off: nothing is sent (there is no INTx). */
	virtio_pci_cfg_write(&vp, 0x9a, 2, 0);
	virtio_pci_queue_interrupt(&vp, 1);
	CHECK_EQ(seen.msis, 5);
	/* The table: the address's low bits and the control's are fixed. */
	wr(0x3000, 4, 0xfee00003);
	CHECK_EQ(rd(0x3000, 4), 0xfee00000);
	wr(0x300c, 4, 0xffffffff);
	CHECK_EQ(rd(0x300c, 4), 1);
}

/* §4.1.4.3.2: status 0 asks for a reset; the device reads 0 only when it
 * no longer touches the driver's memory. */
static void test_reset_rule(void)
{
	go_live();
	seen.reset_later = true;
	wr(0x14, 1, 0);
	CHECK_EQ(seen.resets, 1);
	CHECK(rd(0x14, 1) != 0); /* not yet */
	CHECK(!virtio_pci_live(&vp));
	/* Writes while it waits change nothing, kicks go nowhere. */
	wr(0x14, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(0x14, 1, 0);
	CHECK_EQ(seen.resets, 1);
	virtio_pci_bar2_write(&vp, 0, 2, 0);
	CHECK_EQ(seen.notified[0], 0);
	virtio_pci_reset_done(&vp);
	CHECK_EQ(rd(0x14, 1), 0);
	CHECK_EQ(rd(0x10, 2), 0xffff);
	wr(0x16, 2, 0);
	CHECK_EQ(rd(0x18, 2), 256);
	CHECK_EQ(rd(0x1c, 2), 0);
	CHECK_EQ(virtio_pci_features(&vp), 0);
	/* And it comes up again. */
	seen.reset_later = false;
	negotiate(F_V1 | F_MAC);
	setup_queue(0, 64, 1);
	wr(0x14, 1, rd(0x14, 1) | VIRTIO_STATUS_DRIVER_OK);
	CHECK_EQ(seen.driver_ok, 2);
	/* A reset of a device that never started needs no backend. */
	enable();
	wr(0x14, 1, 0);
	CHECK_EQ(seen.resets, 0);
	CHECK_EQ(rd(0x14, 1), 0);
}

static void test_needs_reset(void)
{
	go_live();
	virtio_pci_needs_reset(&vp);
	CHECK(rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK(!virtio_pci_live(&vp));
	CHECK_EQ(seen.msi_data, 0x40); /* a config interrupt */
	/* The driver cannot clear it, only reset. */
	wr(0x14, 1, 0x0f);
	CHECK(rd(0x14, 1) & VIRTIO_STATUS_NEEDS_RESET);
	virtio_pci_queue_interrupt(&vp, 0);
	CHECK_EQ(seen.msis, 1);
	wr(0x14, 1, 0);
	CHECK_EQ(rd(0x14, 1), 0);
}

static void test_device_config(void)
{
	enable();
	CHECK_EQ(rd(0x2000, 1), 0x52);
	CHECK_EQ(rd(0x2000, 4), 0x12005452);
	CHECK_EQ(rd(0x2004, 2), 0x5634);
	CHECK_EQ(rd(0x2008, 4), 0); /* beyond devcfg_len */
	/* Through the PCI configuration access capability. */
	virtio_pci_cfg_write(&vp, 0x84 + 4, 1, 0);
	virtio_pci_cfg_write(&vp, 0x84 + 8, 4, 0x2003);
	virtio_pci_cfg_write(&vp, 0x84 + 12, 4, 1);
	CHECK_EQ(cfg(0x84 + 16, 4), 0x12);
	virtio_pci_cfg_write(&vp, 0x84 + 12, 4, 3); /* not 1, 2 or 4 */
	CHECK_EQ(cfg(0x84 + 16, 4), 0);
}

/* Whatever a driver writes where, the model stays consistent. */
static void test_noise(void)
{
	uint32_t x = 12345;

	go_live();
	for (int i = 0; i < 200000; i++) {
		x = x * 1103515245 + 12345;
		uint32_t off = (x >> 8) % 0x4000, val = x * 2654435761u;
		uint8_t size = (uint8_t)(1u << ((x >> 4) & 3));

		if (x & 1)
			wr(off, size, val);
		else
			(void)rd(off, size);
		if ((x & 0x700) == 0x100)
			virtio_pci_cfg_write(&vp, (x >> 16) & 0xfff, size, val);
		if ((x & 0x700) == 0x200)
			virtio_pci_bar2_write(&vp, (x >> 16) & 0x3f, 2, val);
		if ((x & 0x700) == 0x300)
			virtio_pci_queue_interrupt(&vp, (x >> 16) & 3);
		if ((x & 0xf00) == 0x400)
			virtio_pci_reset_done(&vp);
	}
	CHECK(vp.queue_select == vp.queue_select); /* survived */
	for (unsigned q = 0; q < NQ; q++)
		CHECK(vp.q[q].size && !(vp.q[q].size & (vp.q[q].size - 1)) &&
		      vp.q[q].size <= 256);
	CHECK(vp.msix_config == 0xffff || vp.msix_config <= NQ);
}

int main(void)
{
	test_identity();
	test_caps();
	test_bars();
	test_features();
	test_queues();
	test_queue_size_rules();
	test_vectors();
	test_notify();
	test_msix();
	test_reset_rule();
	test_needs_reset();
	test_device_config();
	test_noise();
	return test_summary();
}
