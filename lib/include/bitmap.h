/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_BITMAP_H
#define CORRAL_BITMAP_H
#include <stdint.h>

/* Clears bits [first, first + count) of a byte-array bitmap, stopping at
 * `size` bits (the I/O permission maps of both backends use it). */
static inline void bitmap_clear_range(uint8_t *bm, uint32_t first,
				      uint32_t count, uint32_t size)
{
	for (uint32_t b = first; b < first + count && b < size; b++)
		bm[b / 8] &= ~(1u << (b % 8));
}

#endif
