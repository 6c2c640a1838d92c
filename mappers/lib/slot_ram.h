/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A live slot's client RAM, mapped into a mapper program from /dev/corral
 * (include/corral/core_ioctl.h): each RAM region at the offset of its
 * window address. Shared by corral-netd and corral-blkd.
 */
#ifndef CORRAL_MAPPER_SLOT_RAM_H
#define CORRAL_MAPPER_SLOT_RAM_H
#include <stdint.h>

#include <corral/channel.h>
#include <corral/core_ioctl.h>

struct slot_ram {
	void *addr[CH_SLOT_MAX_RAM]; /* NULL: region i is not there */
	uint64_t len[CH_SLOT_MAX_RAM];
};

/* Maps every RAM region of the slot `in` describes. 0, or -1 with errno
 * (ESTALE: the slot changed since `in` was read); what was mapped stays,
 * for slot_ram_unmap(). */
int slot_ram_map(int core_fd, const struct corral_slot_info *in,
		 struct slot_ram *m);
void slot_ram_unmap(struct slot_ram *m);

#endif
