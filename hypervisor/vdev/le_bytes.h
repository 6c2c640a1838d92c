/* SPDX-License-Identifier: MIT */
/* Little-endian fields of register images, byte by byte (device models). */
#ifndef CORRAL_VDEV_LE_BYTES_H
#define CORRAL_VDEV_LE_BYTES_H
#include <stdint.h>

static inline void le_put(uint8_t *b, unsigned off, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static inline uint64_t le_get(const uint8_t *b, unsigned off, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)b[off + i] << (8 * i);
	return v;
}

/* A register of `width` bytes at `reg` after a write of `size` bytes of
 * `val` at `off`: the bytes the write covers change, the rest stay. */
static inline uint64_t le_merge(uint64_t old, unsigned reg, unsigned width,
				unsigned off, unsigned size, uint64_t val)
{
	for (unsigned i = 0; i < size; i++) {
		unsigned at = off + i;

		if (at < reg || at >= reg + width)
			continue;
		old &= ~(0xffull << (8 * (at - reg)));
		old |= ((val >> (8 * i)) & 0xff) << (8 * (at - reg));
	}
	return old;
}

#endif
