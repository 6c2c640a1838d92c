// SPDX-License-Identifier: MIT
/* A virtio-blk request from a descriptor chain (blk_req.h). */
#include <stddef.h>
#include <string.h>

#include "blk_req.h"

/* Bytes [off, off + len) of the iovs iov[0..n) appended to r->data;
 * false if they hold fewer. */
static bool take(struct blk_req *r, const struct vring_iov *iov, unsigned n,
		 uint64_t off, uint64_t len)
{
	for (unsigned i = 0; i < n && len; i++) {
		uint64_t piece;

		if (off >= iov[i].len) {
			off -= iov[i].len;
			continue;
		}
		piece = iov[i].len - off;
		if (piece > len)
			piece = len;
		r->data[r->nr_data].base = iov[i].base + off;
		r->data[r->nr_data].len = (uint32_t)piece;
		r->nr_data++;
		len -= piece;
		off = 0;
	}
	return !len;
}

/* The header: the first 16 readable bytes, however they are split. */
static bool read_header(const struct vring_chain *c, uint8_t hdr[16])
{
	uint64_t got = 0;

	for (unsigned i = 0; i < c->nr_out && got < BLK_HEADER_SIZE; i++) {
		uint64_t n = c->iov[i].len;

		if (n > BLK_HEADER_SIZE - got)
			n = BLK_HEADER_SIZE - got;
		memcpy(hdr + got, c->iov[i].base, n);
		got += n;
	}
	return got == BLK_HEADER_SIZE;
}

static int answer(struct blk_req *r, uint8_t status, const char *why)
{
	r->op = BLK_OP_ANSWER;
	r->status = status;
	r->why = why;
	r->nr_data = 0;
	r->len = 0;
	return 0;
}

/* Sectors [sector, sector + len / 512) inside the export, len whole
 * sectors and within BLK_MAX_DATA. */
static const char *check_range(const struct blk_req *r,
			       const struct blk_export *e)
{
	if (r->len % BLK_SECTOR_SIZE)
		return "a transfer that is not whole sectors";
	if (r->len > BLK_MAX_DATA)
		return "a transfer larger than the device allows";
	if (r->sector > e->sectors ||
	    r->len / BLK_SECTOR_SIZE > e->sectors - r->sector)
		return "sectors beyond the end of its export";
	return NULL;
}

int blk_req_parse(const struct vring_chain *c, const struct blk_export *e,
		  struct blk_req *r, const char **why)
{
	const struct vring_iov *in = &c->iov[c->nr_out];
	const struct vring_iov *last;
	uint8_t hdr[BLK_HEADER_SIZE];
	uint32_t type;
	const char *bad;

	memset(r, 0, offsetof(struct blk_req, data));
	if (!c->nr_in) {
		*why = "a request with no room for its status";
		return -1;
	}
	/* The status is the last writable byte (§5.2.6). */
	last = &in[c->nr_in - 1];
	r->status_byte = last->base + last->len - 1;
	if (!read_header(c, hdr))
		return answer(r, VIRTIO_BLK_S_IOERR,
			      "a request header cut short");
	memcpy(&type, hdr, 4);
	memcpy(&r->sector, hdr + 8, 8);
	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_GET_ID:
		r->op = type == VIRTIO_BLK_T_IN ? BLK_OP_READ : BLK_OP_GET_ID;
		r->len = c->in_len - 1;
		if (c->out_len != BLK_HEADER_SIZE)
			return answer(r, VIRTIO_BLK_S_IOERR,
				      "a read with data to write");
		if (r->op == BLK_OP_GET_ID) {
			if (r->len > VIRTIO_BLK_ID_BYTES)
				r->len = VIRTIO_BLK_ID_BYTES;
		} else if ((bad = check_range(r, e))) {
			return answer(r, VIRTIO_BLK_S_IOERR, bad);
		}
		take(r, in, c->nr_in, 0, r->len);
		return 0;
	case VIRTIO_BLK_T_OUT:
		r->op = BLK_OP_WRITE;
		r->len = c->out_len - BLK_HEADER_SIZE;
		if (c->in_len != 1)
			return answer(r, VIRTIO_BLK_S_IOERR,
				      "a write with data to read");
		if (e->read_only)
			return answer(r, VIRTIO_BLK_S_IOERR,
				      "a write to a read-only export");
		if ((bad = check_range(r, e)))
			return answer(r, VIRTIO_BLK_S_IOERR, bad);
		take(r, c->iov, c->nr_out, BLK_HEADER_SIZE, r->len);
		return 0;
	case VIRTIO_BLK_T_FLUSH:
		r->op = BLK_OP_FLUSH;
		return 0;
	}
	return answer(r, VIRTIO_BLK_S_UNSUPP, NULL);
}

uint32_t blk_req_written(const struct blk_req *r)
{
	if (r->op == BLK_OP_READ || r->op == BLK_OP_GET_ID)
		return (uint32_t)r->len + 1;
	return 1;
}
