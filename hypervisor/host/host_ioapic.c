// SPDX-License-Identifier: MIT
/*
 * The host IOAPIC (82093AA data sheet, 3.2): found in the MADT, else at the
 * architectural 0xfec00000 (OVMF under Bochs has no ACPI tables).
 */
#include <errno.h>
#include <host/acpi.h>
#include <host/host_ioapic.h>
#include <host/log.h>
#include <host/spinlock.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000ull
#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VERSION 0x01
#define REG_REDIR(pin) (0x10 + 2 * (pin))
#define RTE_ACTIVE_LOW (1u << 13)
#define RTE_LEVEL (1u << 15)
#define RTE_MASKED (1u << 16)
#define MADT_IOAPIC 1

static volatile uint32_t *base = (volatile uint32_t *)IOAPIC_DEFAULT_BASE;
static unsigned nr_pins;
static struct spinlock lock;

static uint32_t rd(unsigned reg)
{
	base[IOREGSEL / 4] = reg;
	return base[IOWIN / 4];
}

static void wr(unsigned reg, uint32_t v)
{
	base[IOREGSEL / 4] = reg;
	base[IOWIN / 4] = v;
}

static uint64_t madt_ioapic(uint64_t rsdp)
{
	const uint8_t *madt = acpi_find_table(rsdp, "APIC");
	const uint8_t *p, *end;

	if (!madt)
		return 0;
	end = madt + acpi_table_length(madt);
	for (p = madt + ACPI_HEADER_SIZE + 8; p + 2 <= end && p[1] >= 2;
	     p += p[1])
		if (p[0] == MADT_IOAPIC && p[1] >= 12 &&
		    *(const uint32_t *)(p + 8) == 0)
			return *(const uint32_t *)(p +
						   4); /* the one at GSI 0 */
	return 0;
}

void host_ioapic_init(uint64_t rsdp)
{
	uint64_t b = madt_ioapic(rsdp);

	if (b)
		base = (volatile uint32_t *)b;
	nr_pins = ((rd(REG_VERSION) >> 16) & 0xff) + 1;
	if (nr_pins > 240)
		nr_pins = 0; /* nothing there (all ones) */
}

int host_ioapic_route_level(unsigned pin, uint8_t vector, uint32_t dest)
{
	if (pin >= nr_pins)
		return -EINVAL;
	spin_lock(&lock);
	wr(REG_REDIR(pin) + 1, dest << 24);
	wr(REG_REDIR(pin), vector | RTE_LEVEL | RTE_ACTIVE_LOW);
	spin_unlock(&lock);
	return 0;
}

void host_ioapic_mask(unsigned pin, bool masked)
{
	uint32_t lo;

	if (pin >= nr_pins)
		return;
	spin_lock(&lock);
	lo = rd(REG_REDIR(pin));
	wr(REG_REDIR(pin), masked ? lo | RTE_MASKED : lo & ~RTE_MASKED);
	spin_unlock(&lock);
}

uint64_t host_ioapic_base(void)
{
	return (uint64_t)base;
}
