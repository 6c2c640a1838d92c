// SPDX-License-Identifier: MIT
/* BAR records and the rules for assigned BARs (host/pci_bars.h). */
#include <errno.h>
#include <format.h>
#include <host/pci_bars.h>

#define BAR_IO 0x1u
#define BAR_IO_MASK 0xfffffffcu
#define BAR_MEM_TYPE_MASK 0x6u
#define BAR_MEM_TYPE_64 0x4u
#define BAR_MEM_PREFETCH 0x8u
#define BAR_MEM_MASK 0xfffffff0u
#define PAGE_SIZE_4K 0x1000ull

void pci_bars_decode(const uint32_t raw[PCI_NR_BARS],
		     const uint32_t probe[PCI_NR_BARS],
		     struct pci_bar_rec rec[PCI_NR_BARS])
{
	for (unsigned i = 0; i < PCI_NR_BARS; i++)
		rec[i] = (struct pci_bar_rec){ 0 };
	for (unsigned i = 0; i < PCI_NR_BARS; i++) {
		struct pci_bar_rec *r = &rec[i];
		uint64_t mask;

		if (raw[i] & BAR_IO) {
			mask = probe[i] & BAR_IO_MASK & 0xffff;
			r->io = true;
			r->addr = raw[i] & BAR_IO_MASK;
			r->size = mask ? (~mask & 0xffff) + 1 : 0;
			continue;
		}
		r->prefetch = raw[i] & BAR_MEM_PREFETCH;
		r->addr = raw[i] & BAR_MEM_MASK;
		mask = probe[i] & BAR_MEM_MASK;
		if ((raw[i] & BAR_MEM_TYPE_MASK) == BAR_MEM_TYPE_64 &&
		    i + 1 < PCI_NR_BARS) {
			r->is64 = true;
			r->addr |= (uint64_t)raw[i + 1] << 32;
			mask |= (uint64_t)probe[i + 1] << 32;
			i++; /* the upper half stays an empty record */
		} else if (mask) {
			mask |= 0xffffffff00000000ull;
		}
		r->size = mask ? ~mask + 1 : 0;
	}
}

static bool overlaps(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	return a0 < b1 && b0 < a1;
}

static uint64_t page_down(uint64_t a)
{
	return a & ~(PAGE_SIZE_4K - 1);
}

static uint64_t page_up(uint64_t a)
{
	return (a + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
}

static int check_mem(unsigned i, const struct pci_bar_rec *r,
		     const struct phys_range *forbidden, size_t nf,
		     const struct phys_range *other, size_t no, char *why,
		     size_t n)
{
	uint64_t start = page_down(r->addr), end;

	if (!r->addr) {
		snprintf(
			why, n,
			"BAR%u has no address (the firmware left it unassigned)",
			i);
		return -EINVAL;
	}
	if (r->addr + r->size < r->addr || page_up(r->addr + r->size) == 0) {
		snprintf(why, n, "BAR%u 0x%llx (+0x%llx) wraps around", i,
			 (unsigned long long)r->addr,
			 (unsigned long long)r->size);
		return -EINVAL;
	}
	end = page_up(r->addr + r->size);
	for (size_t k = 0; k < nf; k++) {
		if (overlaps(start, end, forbidden[k].start,
			     forbidden[k].end)) {
			snprintf(why, n, "BAR%u 0x%llx-0x%llx overlaps %s", i,
				 (unsigned long long)r->addr,
				 (unsigned long long)(r->addr + r->size - 1),
				 forbidden[k].what);
			return -EINVAL;
		}
	}
	for (size_t k = 0; k < no; k++) {
		if (overlaps(start, end, page_down(other[k].start),
			     page_up(other[k].end))) {
			snprintf(
				why, n,
				"BAR%u 0x%llx-0x%llx shares a page with %s, so mapping it would hand that over too",
				i, (unsigned long long)r->addr,
				(unsigned long long)(r->addr + r->size - 1),
				other[k].what);
			return -EINVAL;
		}
	}
	return 0;
}

static int check_io(unsigned i, const struct pci_bar_rec *r,
		    const struct phys_range *other, size_t no, char *why,
		    size_t n)
{
	if (r->addr < PCI_IO_BAR_MIN || r->addr + r->size > PCI_IO_BAR_LIMIT) {
		snprintf(
			why, n,
			"I/O BAR%u 0x%llx (+0x%llx) is not inside 0x%x-0x%x: below is the ISA platform's (PIC, PIT, DMA, RTC, 0x92, 0xb2, serial ports, PCI configuration)",
			i, (unsigned long long)r->addr,
			(unsigned long long)r->size, PCI_IO_BAR_MIN,
			PCI_IO_BAR_LIMIT - 1);
		return -EINVAL;
	}
	for (size_t k = 0; k < no; k++) {
		if (overlaps(r->addr, r->addr + r->size, other[k].start,
			     other[k].end)) {
			snprintf(why, n, "I/O BAR%u 0x%llx overlaps %s", i,
				 (unsigned long long)r->addr, other[k].what);
			return -EINVAL;
		}
	}
	return 0;
}

int pci_bars_check(const struct pci_bar_rec rec[PCI_NR_BARS],
		   const struct phys_range *forbidden, size_t nr_forbidden,
		   const struct phys_range *other_mem, size_t nr_other_mem,
		   const struct phys_range *other_io, size_t nr_other_io,
		   char *why, size_t n)
{
	for (unsigned i = 0; i < PCI_NR_BARS; i++) {
		const struct pci_bar_rec *r = &rec[i];
		int err;

		if (!r->size)
			continue;
		err = r->io ? check_io(i, r, other_io, nr_other_io, why, n) :
			      check_mem(i, r, forbidden, nr_forbidden,
					other_mem, nr_other_mem, why, n);
		if (err)
			return err;
	}
	return 0;
}
