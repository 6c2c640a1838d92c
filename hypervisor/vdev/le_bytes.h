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

#endif
