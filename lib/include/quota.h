/* SPDX-License-Identifier: MIT */
/* A counted quota: at most `max` units held at once (per-VM interrupt
 * vectors and remapping entries). Callers serialise. */
#ifndef CORRAL_LIB_QUOTA_H
#define CORRAL_LIB_QUOTA_H
#include <stdint.h>

struct quota {
	uint32_t max;
	uint32_t used;
};

/* Takes one unit: 0, or -EDQUOT when all `max` are held. */
int quota_take(struct quota *q);
/* Gives one back; giving more than was taken is ignored. */
void quota_give(struct quota *q);

#endif
