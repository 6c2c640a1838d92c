// SPDX-License-Identifier: MIT
/* BAR records and the rules for assigned BARs (hypervisor/host/pci_bars.c). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <host/pci_bars.h>
#include "test.h"

/* QEMU's e1000e: BAR0 128 KiB mem, BAR1 128 KiB mem, BAR2 32 bytes I/O,
 * BAR3 16 KiB mem (MSI-X), each 32-bit. */
static void test_decode_32(void)
{
	const uint32_t raw[6] = { 0xfeb80000, 0xfeba0000, 0xc041,
				  0xfebc0000, 0,	  0 };
	const uint32_t probe[6] = { 0xfffe0000, 0xfffe0000, 0xffffffe1,
				    0xffffc000, 0,	    0 };
	struct pci_bar_rec r[6];

	pci_bars_decode(raw, probe, r);
	CHECK_EQ(r[0].addr, 0xfeb80000);
	CHECK_EQ(r[0].size, 0x20000);
	CHECK(!r[0].io && !r[0].is64);
	CHECK_EQ(r[2].addr, 0xc040);
	CHECK_EQ(r[2].size, 0x20);
	CHECK(r[2].io);
	CHECK_EQ(r[3].size, 0x4000);
	CHECK_EQ(r[4].size, 0); /* not implemented */
	CHECK_EQ(r[5].size, 0);
}

/* A 64-bit prefetchable BAR above 4 GiB takes two registers. */
static void test_decode_64(void)
{
	const uint32_t raw[6] = { 0x0000000c, 0x00000008, 0xfe000000, 0, 0, 0 };
	const uint32_t probe[6] = {
		0xffe0000c, 0xffffffff, 0xffffc000, 0, 0, 0
	};
	struct pci_bar_rec r[6];

	pci_bars_decode(raw, probe, r);
	CHECK(r[0].is64 && r[0].prefetch);
	CHECK_EQ(r[0].addr, 0x800000000ull);
	CHECK_EQ(r[0].size, 0x200000);
	CHECK_EQ(r[1].size, 0); /* the upper half */
	CHECK_EQ(r[2].addr, 0xfe000000);
	CHECK_EQ(r[2].size, 0x4000);
}

static const struct phys_range platform[] = {
	{ 0, 0x80000000, "RAM" },
	{ 0xfec00000, 0xfec01000, "the I/O APIC" },
	{ 0xfee00000, 0xfef00000, "the local APIC and MSI window" },
};

static int check(const struct pci_bar_rec *r, const struct phys_range *mem,
		 size_t nm, const struct phys_range *io, size_t ni, char *why)
{
	why[0] = '\0';
	return pci_bars_check(r, platform, 3, mem, nm, io, ni, why, 256);
}

static void test_rules(void)
{
	struct pci_bar_rec r[6];
	char why[256];
	const struct phys_range neighbour = { 0xfebf1800, 0xfebf1900,
					      "BAR0 of 00:04.0" };
	const struct phys_range io_neighbour = { 0xc000, 0xc020,
						 "BAR4 of 00:1f.2" };

	memset(r, 0, sizeof(r));
	r[0] = (struct pci_bar_rec){ .addr = 0xfeb80000, .size = 0x20000 };
	r[2] = (struct pci_bar_rec){ .addr = 0xc040, .size = 0x20, .io = true };
	CHECK_EQ(check(r, &neighbour, 1, &io_neighbour, 1, why), 0);

	/* A sub-page BAR whose page another device's BAR shares (H3). */
	r[1] = (struct pci_bar_rec){ .addr = 0xfebf1000, .size = 0x100 };
	CHECK_EQ(check(r, &neighbour, 1, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "BAR1") && strstr(why, "shares a page") &&
	      strstr(why, "BAR0 of 00:04.0"));
	/* ... alone in its page, it is fine. */
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), 0);
	r[1].size = 0;

	/* Zeroed by a soft reset, or never assigned (H4). */
	r[3] = (struct pci_bar_rec){ .addr = 0, .size = 0x4000 };
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "BAR3 has no address"));
	/* Over RAM, the I/O APIC, the MSI window. */
	r[3].addr = 0x7fffe000;
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "overlaps RAM"));
	r[3].addr = 0xfec00000;
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "the I/O APIC"));
	r[3].addr = 0xfeeff000;
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "MSI window"));
	/* Wrapping past the top of the address space. */
	r[3].addr = 0xfffffffffffff000ull;
	r[3].size = 0x2000;
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "wraps"));
	r[3].size = 0;

	/* I/O BARs: inside 16 bits, above the ISA ports, not shared. */
	r[2].addr = 0x60; /* the keyboard controller */
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	CHECK(strstr(why, "I/O BAR2"));
	r[2].addr = 0x0; /* what a zeroed I/O BAR opens: the PIC, the DMA */
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL);
	r[2].addr = 0xfff0;
	CHECK_EQ(check(r, NULL, 0, NULL, 0, why), -EINVAL); /* past 64 Ki */
	r[2].addr = 0xc010;
	CHECK_EQ(check(r, NULL, 0, &io_neighbour, 1, why), -EINVAL);
	CHECK(strstr(why, "BAR4 of 00:1f.2"));
	r[2].addr = 0xc040;
	CHECK_EQ(check(r, NULL, 0, &io_neighbour, 1, why), 0);
}

int main(void)
{
	test_decode_32();
	test_decode_64();
	test_rules();
	return test_summary();
}
