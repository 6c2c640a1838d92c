/* SPDX-License-Identifier: MIT */
#ifndef CORRAL_PAGING_H
#define CORRAL_PAGING_H
#include <stdint.h>

/* Builds corral's own identity map of all physical memory and loads it. */
void paging_init(void);
/* CR3 value of that map (below 4 GiB, so 32-bit AP start-up code can load it). */
uint64_t paging_root(void);

#endif
