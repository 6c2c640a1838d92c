/* SPDX-License-Identifier: MIT */
/*
 * A virtio-blk request (virtio 1.2 §5.2.6) from one descriptor chain: what
 * the mapper must do, checked against the client's export. A request the
 * client framed in any way is understood (no assumption on how header,
 * data and status fall into buffers); a request that is well framed but
 * wrong (beyond the export, a write to a read-only export, a size that is
 * not whole sectors) gets VIRTIO_BLK_S_IOERR; an unknown type gets
 * VIRTIO_BLK_S_UNSUPP. Only a chain with no room for the status byte
 * cannot be answered: it breaks the queue.
 *
 * Pure logic (unit.blk_req).
 */
#ifndef CORRAL_MAPPER_BLK_REQ_H
#define CORRAL_MAPPER_BLK_REQ_H
#include <stdbool.h>
#include <stdint.h>

#include "vring.h"

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_ID_BYTES 20
#define BLK_SECTOR_SIZE 512u
#define BLK_HEADER_SIZE 16u
/* The most data one request may carry: what the device offers
 * (SEG_MAX * SIZE_MAX), and the size of a mapper's bounce buffer. */
#define BLK_MAX_DATA (4u << 20)

/* What the client may reach: sectors [0, sectors) of its export. */
struct blk_export {
	uint64_t sectors;
	bool read_only;
};

enum blk_op {
	BLK_OP_READ,   /* disk -> data */
	BLK_OP_WRITE,  /* data -> disk */
	BLK_OP_FLUSH,  /* the disk's write cache to stable storage */
	BLK_OP_GET_ID, /* the device ID string -> data */
	BLK_OP_ANSWER, /* no I/O: complete with `status` at once */
};

struct blk_req {
	enum blk_op op;
	uint8_t status;	 /* for BLK_OP_ANSWER */
	const char *why; /* for BLK_OP_ANSWER with an error, for the log */
	uint64_t sector; /* of the export */
	uint64_t len;	 /* data bytes */
	unsigned nr_data;
	struct vring_iov data[VRING_MAX_SIZE];
	uint8_t *status_byte;
};

/* 0 and *r; or -1 when the chain has no writable byte for the status
 * (the queue must break; *why says so). */
int blk_req_parse(const struct vring_chain *c, const struct blk_export *e,
		  struct blk_req *r, const char **why);

/* The bytes the device wrote into the chain, for the used ring: the data
 * of a read (or ID), and the status byte. */
uint32_t blk_req_written(const struct blk_req *r);

#endif
