// SPDX-License-Identifier: MIT
/* The MSI-X table of an emulated PCI function (vdev/msix.h). */
#include <vdev/msix.h>
#include <string.h>

void msix_init(struct msix *m, uint16_t nr,
	       void (*send)(void *ctx, uint64_t addr, uint32_t data), void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->nr = nr > MSIX_MAX_VECTORS ? MSIX_MAX_VECTORS : nr;
	m->send = send;
	m->ctx = ctx;
	for (unsigned v = 0; v < MSIX_MAX_VECTORS; v++)
		m->e[v].ctrl =
			MSIX_ENTRY_MASKED; /* §6.8.2.9: masked at reset */
}

static bool masked(const struct msix *m, unsigned v)
{
	return (m->ctrl & MSIX_CTRL_FUNC_MASK) ||
	       (m->e[v].ctrl & MSIX_ENTRY_MASKED) || m->blocked;
}

static void send(struct msix *m, unsigned v)
{
	m->send(m->ctx, ((uint64_t)m->e[v].addr_hi << 32) | m->e[v].addr_lo,
		m->e[v].data);
}

/* A message that waited goes out once nothing holds it any more. */
static void flush(struct msix *m)
{
	if (!(m->ctrl & MSIX_CTRL_ENABLE))
		return;
	for (unsigned v = 0; v < m->nr; v++) {
		if (!(m->pending & (1ull << v)) || masked(m, v))
			continue;
		m->pending &= ~(1ull << v);
		send(m, v);
	}
}

void msix_signal(struct msix *m, uint16_t vec)
{
	if (vec >= m->nr)
		return;
	if (!(m->ctrl & MSIX_CTRL_ENABLE)) {
		if (m->hold_while_off)
			m->pending |= 1ull << vec;
		return;
	}
	if (masked(m, vec))
		m->pending |= 1ull << vec;
	else
		send(m, vec);
}

uint32_t msix_table_read(const struct msix *m, uint32_t off, uint8_t size)
{
	const struct msix_entry *e;

	if (size != 4 || (off & 3) || off >= msix_table_len(m))
		return 0;
	e = &m->e[off / MSIX_ENTRY_SIZE];
	switch (off % MSIX_ENTRY_SIZE) {
	case 0:
		return e->addr_lo;
	case 4:
		return e->addr_hi;
	case 8:
		return e->data;
	default:
		return e->ctrl;
	}
}

void msix_table_write(struct msix *m, uint32_t off, uint8_t size, uint32_t val)
{
	struct msix_entry *e;

	if (size != 4 || (off & 3) || off >= msix_table_len(m))
		return;
	e = &m->e[off / MSIX_ENTRY_SIZE];
	switch (off % MSIX_ENTRY_SIZE) {
	case 0:
		e->addr_lo = val & ~3u; /* DWORD aligned (§6.8.2.4) */
		return;
	case 4:
		e->addr_hi = val;
		return;
	case 8:
		e->data = val;
		return;
	default:
		e->ctrl = val & MSIX_ENTRY_MASKED;
		flush(m);
	}
}

uint32_t msix_pba_read(const struct msix *m, uint32_t off, uint8_t size)
{
	if (off >= 8 || size > 8 - off || (size != 1 && size != 2 && size != 4))
		return 0;
	return (uint32_t)((m->pending >> (8 * off)) &
			  (0xffffffffull >> (32 - 8 * size)));
}

uint16_t msix_ctrl_read(const struct msix *m)
{
	return (uint16_t)(m->ctrl | (m->nr - 1));
}

void msix_ctrl_write(struct msix *m, uint16_t val)
{
	m->ctrl = val & (MSIX_CTRL_ENABLE | MSIX_CTRL_FUNC_MASK);
	flush(m);
}

void msix_set_blocked(struct msix *m, bool blocked)
{
	m->blocked = blocked;
	flush(m);
}
