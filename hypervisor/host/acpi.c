// SPDX-License-Identifier: MIT
/* The host's ACPI tables: RSDP -> XSDT (or RSDT) -> MADT (ACPI 6.5, 5.2). */
#include <errno.h>
#include <stdbool.h>
#include <host/acpi.h>
#include <string.h>

#define MADT_LOCAL_APIC 0
#define MADT_LOCAL_X2APIC 9
#define MADT_LAPIC_ENABLED 1u
#define MADT_LAPIC_ONLINE_CAPABLE 2u

struct acpi_header {
	char sig[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem[6], oem_table[8];
	uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

static bool checksum_ok(const void *p, uint32_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (uint32_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

const void *acpi_find_table(uint64_t rsdp_phys, const char *sig)
{
	const uint8_t *rsdp = (const void *)rsdp_phys;
	bool xsdt;

	if (!rsdp_phys)
		return NULL;
	xsdt = rsdp[15] >= 2;
	uint64_t root = xsdt ? *(const uint64_t *)(rsdp + 24) :
			       *(const uint32_t *)(rsdp + 16);
	const struct acpi_header *h = (const void *)root;
	uint32_t entry = xsdt ? 8 : 4, n;

	if (memcmp(rsdp, "RSD PTR ", 8) || !root || !checksum_ok(h, h->length))
		return NULL;
	n = (h->length - sizeof(*h)) / entry;
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(h + 1) + i * entry;
		uint64_t addr =
			xsdt ? *(const uint64_t *)e : *(const uint32_t *)e;
		const struct acpi_header *t = (const void *)addr;

		if (addr && !memcmp(t->sig, sig, 4) &&
		    checksum_ok(t, t->length))
			return t;
	}
	return NULL;
}

int acpi_find_cpus(uint64_t rsdp_phys, struct acpi_cpus *out)
{
	const struct acpi_header *madt;
	const uint8_t *p, *end;

	out->nr = 0;
	if (!rsdp_phys || !(madt = acpi_find_table(rsdp_phys, "APIC")))
		return -ENOENT;
	out->lapic_base = *(const uint32_t *)(madt + 1);
	p = (const uint8_t *)(madt + 1) + 8;
	end = (const uint8_t *)madt + madt->length;
	for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
		uint32_t id, flags;

		if (p[0] == MADT_LOCAL_APIC && p[1] >= 8) {
			id = p[3];
			flags = *(const uint32_t *)(p + 4);
		} else if (p[0] == MADT_LOCAL_X2APIC && p[1] >= 16) {
			id = *(const uint32_t *)(p + 4);
			flags = *(const uint32_t *)(p + 8);
		} else {
			continue;
		}
		if ((flags & MADT_LAPIC_ENABLED) && out->nr < ACPI_MAX_CPUS)
			out->apic_id[out->nr++] = id;
	}
	return out->nr ? 0 : -ENOENT;
}
