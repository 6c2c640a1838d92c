// SPDX-License-Identifier: GPL-2.0
/* A live slot's client RAM in a mapper program (slot_ram.h). */
#include <string.h>
#include <sys/mman.h>

#include "slot_ram.h"

int slot_ram_map(int core_fd, const struct corral_slot_info *in,
		 struct slot_ram *m)
{
	for (int i = 0; i < CH_SLOT_MAX_RAM; i++) {
		void *p;

		if (!in->ram[i].size)
			continue;
		p = mmap(NULL, in->ram[i].size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, core_fd,
			 (off_t)(in->window + in->ram[i].gpa));
		if (p == MAP_FAILED)
			return -1;
		m->addr[i] = p;
		m->len[i] = in->ram[i].size;
	}
	return 0;
}

void slot_ram_unmap(struct slot_ram *m)
{
	for (int i = 0; i < CH_SLOT_MAX_RAM; i++)
		if (m->addr[i])
			munmap(m->addr[i], m->len[i]);
	memset(m, 0, sizeof(*m));
}
