// SPDX-License-Identifier: MIT
/*
 * virtio-blk requests from descriptor chains (mappers/corral-blk/
 * blk_req.c): reads, writes, flushes and IDs framed as Linux frames them
 * and framed oddly; every way a request can be wrong, with the status it
 * gets; and the export's bounds, checked without overflow.
 */
#include <string.h>

#include "../../mappers/corral-blk/blk_req.h"
#include "test.h"

static uint8_t mem[1 << 16];
static struct vring_chain c;
static struct blk_req r;
static const struct blk_export disk = { .sectors = 1000 };
static const struct blk_export ro = { .sectors = 1000, .read_only = true };

/* Buffers of the chain, from offset `off` of mem, in order. */
static void chain_start(void)
{
	memset(&c, 0, sizeof(c));
}

static void add(uint32_t off, uint32_t len, bool writable)
{
	c.iov[c.nr_out + c.nr_in] = (struct vring_iov){ mem + off, len };
	if (writable) {
		c.nr_in++;
		c.in_len += len;
	} else {
		c.nr_out++;
		c.out_len += len;
	}
}

static void header(uint32_t off, uint32_t type, uint64_t sector)
{
	memset(mem + off, 0, 16);
	memcpy(mem + off, &type, 4);
	memcpy(mem + off + 8, &sector, 8);
}

static int parse(const struct blk_export *e)
{
	const char *why = NULL;
	int ret = blk_req_parse(&c, e, &r, &why);

	if (ret)
		CHECK(why != NULL);
	return ret;
}

static void test_linux_framing(void)
{
	header(0, VIRTIO_BLK_T_OUT, 8);
	chain_start();
	add(0, 16, false);
	add(4096, 4096, false);
	add(512, 1, true);
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.op, BLK_OP_WRITE);
	CHECK_EQ(r.sector, 8);
	CHECK_EQ(r.len, 4096);
	CHECK_EQ(r.nr_data, 1);
	CHECK(r.data[0].base == mem + 4096);
	CHECK(r.status_byte == mem + 512);
	CHECK_EQ(blk_req_written(&r), 1);

	header(0, VIRTIO_BLK_T_IN, 992);
	chain_start();
	add(0, 16, false);
	add(4096, 4096, true);
	add(512, 1, true);
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.op, BLK_OP_READ);
	CHECK_EQ(r.len, 4096);
	CHECK_EQ(blk_req_written(&r), 4097);

	header(0, VIRTIO_BLK_T_FLUSH, 0);
	chain_start();
	add(0, 16, false);
	add(512, 1, true);
	CHECK_EQ(parse(&ro), 0); /* a flush is no write */
	CHECK_EQ(r.op, BLK_OP_FLUSH);

	header(0, VIRTIO_BLK_T_GET_ID, 0);
	chain_start();
	add(0, 16, false);
	add(1024, 64, true); /* more room than the 20 bytes */
	add(512, 1, true);
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.op, BLK_OP_GET_ID);
	CHECK_EQ(r.len, VIRTIO_BLK_ID_BYTES);
	CHECK_EQ(blk_req_written(&r), 21);
}

/* The header split over buffers, data sharing buffers with the header
 * and with the status: §2.6.4 forbids a device to assume any framing. */
static void test_odd_framing(void)
{
	header(100, VIRTIO_BLK_T_OUT, 1);
	chain_start();
	add(100, 5, false);
	add(105, 11 + 1024, false); /* header's end and data */
	add(8000, 1, true);
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.op, BLK_OP_WRITE);
	CHECK_EQ(r.len, 1024);
	CHECK_EQ(r.nr_data, 1);
	CHECK(r.data[0].base == mem + 116);

	header(100, VIRTIO_BLK_T_IN, 0);
	chain_start();
	add(100, 16, false);
	add(2000, 300, true);
	add(3000, 213, true); /* 212 data bytes and the status */
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.len, 512);
	CHECK_EQ(r.nr_data, 2);
	CHECK_EQ(r.data[1].len, 212);
	CHECK(r.status_byte == mem + 3212);
}

static void expect_answer(const struct blk_export *e, uint8_t status)
{
	CHECK_EQ(parse(e), 0);
	CHECK_EQ(r.op, BLK_OP_ANSWER);
	CHECK_EQ(r.status, status);
	CHECK_EQ(blk_req_written(&r), 1);
	if (status != VIRTIO_BLK_S_UNSUPP)
		CHECK(r.why != NULL);
}

static void write_req(uint64_t sector, uint32_t len)
{
	header(0, VIRTIO_BLK_T_OUT, sector);
	chain_start();
	add(0, 16, false);
	if (len)
		add(4096, len, false);
	add(512, 1, true);
}

static void test_wrong_requests(void)
{
	write_req(996, 4096); /* 8 sectors from 996 of 1000 */
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);
	write_req(992, 4096); /* exactly the last 8 */
	CHECK_EQ(parse(&disk), 0);
	CHECK_EQ(r.op, BLK_OP_WRITE);
	write_req(~0ull - 3, 4096); /* sector + 8 wraps */
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);
	write_req(1000, 0); /* nothing, at the end: fine */
	CHECK_EQ(parse(&disk), 0);
	write_req(1001, 0);
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);
	write_req(0, 1000); /* not whole sectors */
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);
	write_req(0, 4096);
	expect_answer(&ro, VIRTIO_BLK_S_IOERR);

	/* Larger than BLK_MAX_DATA, on a large enough export. */
	{
		const struct blk_export big = { .sectors = 1ull << 40 };

		header(0, VIRTIO_BLK_T_IN, 0);
		chain_start();
		add(0, 16, false);
		for (int i = 0; i < 9; i++)
			add(0, 1u << 19, true); /* aliasing: its own business */
		add(512, 1, true);
		expect_answer(&big, VIRTIO_BLK_S_IOERR);
	}

	/* A read that also gives data. */
	header(0, VIRTIO_BLK_T_IN, 0);
	chain_start();
	add(0, 16, false);
	add(4096, 512, false);
	add(512, 1, true);
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);

	/* A write that also wants data. */
	write_req(0, 512);
	add(600, 512, true);
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);

	/* A header cut short. */
	chain_start();
	add(0, 10, false);
	add(512, 1, true);
	expect_answer(&disk, VIRTIO_BLK_S_IOERR);

	/* Unknown types, DISCARD among them (not offered). */
	header(0, 11, 0);
	chain_start();
	add(0, 16, false);
	add(512, 1, true);
	expect_answer(&disk, VIRTIO_BLK_S_UNSUPP);
	header(0, 0xdeadbeef, 0);
	expect_answer(&disk, VIRTIO_BLK_S_UNSUPP);

	/* No status byte: nothing to answer with. */
	header(0, VIRTIO_BLK_T_OUT, 0);
	chain_start();
	add(0, 16, false);
	add(4096, 512, false);
	CHECK_EQ(parse(&disk), -1);
}

int main(void)
{
	test_linux_framing();
	test_odd_framing();
	test_wrong_requests();
	return test_summary();
}
