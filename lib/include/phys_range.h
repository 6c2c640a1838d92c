/* SPDX-License-Identifier: MIT */
/* A physical address range [start, end) and what it is, for messages. */
#ifndef CORRAL_LIB_PHYS_RANGE_H
#define CORRAL_LIB_PHYS_RANGE_H
#include <stdint.h>

struct phys_range {
	uint64_t start, end;
	const char *what;
};

#endif
