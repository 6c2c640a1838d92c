// SPDX-License-Identifier: MIT
/* The invalidation queue's ring arithmetic (iommu/qi_ring.h). */
#include "qi_ring.h"

#define QI_WAIT_TYPE 0x5ull
#define QI_WAIT_STATUS_WRITE (1ull << 5)
#define QI_WAIT_STATUS_SHIFT 32
#define QI_REG_SHIFT 4

uint32_t qi_ring_room(const struct qi_ring *r, uint32_t head)
{
	return (head - r->tail - 1) & (r->nr - 1);
}

void qi_ring_put(struct qi_ring *r, uint64_t lo, uint64_t hi)
{
	r->desc[r->tail * 2] = lo;
	r->desc[r->tail * 2 + 1] = hi;
	r->tail = (r->tail + 1) & (r->nr - 1);
}

uint64_t qi_ring_reg(uint32_t slot)
{
	return (uint64_t)slot << QI_REG_SHIFT;
}

uint32_t qi_ring_slot(uint64_t reg, uint32_t nr)
{
	return (uint32_t)(reg >> QI_REG_SHIFT) & (nr - 1);
}

void qi_wait_desc(uint32_t status, uint64_t status_pa, uint64_t *lo,
		  uint64_t *hi)
{
	*lo = QI_WAIT_TYPE | QI_WAIT_STATUS_WRITE |
	      (uint64_t)status << QI_WAIT_STATUS_SHIFT;
	*hi = status_pa & ~3ull;
}
