// SPDX-License-Identifier: GPL-2.0
/*
 * corral-blkd: serves the clients' virtio-blk devices of a disk driver VM
 * (docs/mappers.md, "The block path"). For each block slot of the channel
 * (/dev/corral, from corral-core) it finds the slot's export on the disks
 * that the stock nvme or ahci driver brought up, and tells corral its size.
 * While the slot is live it maps the client's memory from the window,
 * takes the requests from the client's queue (vring.c, blk_req.c), and
 * does each with the stock block layer: a read or write of the export's
 * block device, opened with O_DIRECT, from and to a buffer of its own,
 * and fdatasync() for a flush (REQ_PREFLUSH: the disk's cache reaches
 * stable storage). The one copy per request is between the client's
 * buffers and that buffer: no client page reaches the disk or the IOMMU.
 *
 *   corral-blkd [--serve N [--slots LIST]]
 *
 * --serve N: exit after N client sessions (a live generation of a slot,
 * served and then let go), for tests; else run for ever. --slots LIST
 * (comma-separated slot numbers): count only those slots' sessions.
 * Lines on stdout (docs/mappers.md):
 *   BLKD slot <s>: export <spec> is /dev/<dev> from sector <a>, <n> sectors[, read-only]
 *   BLKD slot <s> (<client>): served, features 0x<f>
 *   BLKD slot <s> (<client>): request refused: <why>   (once a reason)
 *   BLKD slot <s> (<client>): the client broke its queue: <why>
 *   BLKD slot <s> (<client>): released after <r> requests, <f> flushes[, <n> refused]
 *   BLKD-ERROR <what>: <why>
 *   BLKD done after <n> session(s)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <corral/channel.h>
#include <corral/core_ioctl.h>
#include <export_spec.h>

#include "../lib/mapper.h"
#include "../lib/slot_ram.h"
#include "blk_req.h"
#include "inflight.h"
#include "vring.h"

#define VIRTIO_F_EVENT_IDX 29
#define ID_PREFIX "corral-"
#define PATH_LEN 640	  /* sysfs paths of a disk and a partition */
#define REASONS_LOGGED 16 /* more than blk_req.c has */

/* A slot's export, resolved on this VM's disks. */
struct export_dev {
	bool ok;
	int fd;
	char dev[256];		     /* "nvme0n1p2" */
	char disk[32];		     /* "nvme0n1" */
	uint64_t offset;	     /* bytes into dev */
	uint64_t abs_start, sectors; /* on the disk, for overlaps */
	struct blk_export e;
};

struct served {
	bool started; /* set up for `generation` began: a session */
	uint32_t generation;
	int kick, call;
	struct slot_ram ram;
	struct vring_mem mem;
	struct vring vr;
	/* Which requests are taken and not completed (inflight.h). Kept
	 * here for now; the restart work moves it into a page of corral's
	 * that outlives this VM (docs/decisions/0006). */
	struct inflight_rec inflight;
	char name[32];
	uint64_t requests, flushes, refused;
	const char *reasons[REASONS_LOGGED]; /* the refusals logged */
	unsigned nr_reasons;
	bool gone; /* its memory went mid-request: wait for the event */
};

static struct export_dev exports[CORRAL_CHANNEL_MAX_SLOTS];
const char *mapper_tag = "BLKD";
static struct served slots[CORRAL_CHANNEL_MAX_SLOTS];
static struct vring_chain chain;
static struct blk_req req;
static uint8_t *bounce; /* BLK_MAX_DATA, page-aligned: O_DIRECT's buffer */
static sigjmp_buf on_sigbus;
static volatile sig_atomic_t in_request;

/* --- exports ---------------------------------------------------------- */

/* A number from a sysfs file; false if none. */
static bool sysfs_u64(const char *path, uint64_t *v)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fscanf(f, "%" SCNu64, v) == 1;
	fclose(f);
	return ok;
}

/* Partition `name` of the disk: its number is `part`, or its GPT name
 * (uevent's PARTNAME) is `label`. */
static bool part_matches(const char *disk, const char *name,
			 const struct export_spec *sp)
{
	char path[PATH_LEN], line[128];
	uint64_t n;
	bool match = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/%s/partition", disk, name);
	if (!sysfs_u64(path, &n))
		return false;
	if (sp->part)
		return n == sp->part;
	snprintf(path, sizeof(path), "/sys/block/%s/%s/uevent", disk, name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "PARTNAME=", 9)) {
			line[strcspn(line, "\n")] = '\0';
			match = !strcmp(line + 9, sp->label);
		}
	fclose(f);
	return match;
}

/* The partition of sp on its disk into x->dev; false if none. */
static bool find_part(const struct export_spec *sp, struct export_dev *x)
{
	char path[PATH_LEN];
	struct dirent *d;
	DIR *dir;
	bool found = false;

	snprintf(path, sizeof(path), "/sys/block/%s", sp->disk);
	dir = opendir(path);
	if (!dir)
		return false;
	while (!found && (d = readdir(dir)))
		if (d->d_name[0] != '.' &&
		    part_matches(sp->disk, d->d_name, sp)) {
			snprintf(x->dev, sizeof(x->dev), "%s", d->d_name);
			found = true;
		}
	closedir(dir);
	return found;
}

/* Where sp's device lies on its disk, and its size: x->abs_start and
 * x->sectors, before any range. */
static int locate(const struct export_spec *sp, struct export_dev *x,
		  const char **why)
{
	char path[PATH_LEN];

	snprintf(x->disk, sizeof(x->disk), "%s", sp->disk);
	snprintf(path, sizeof(path), "/sys/block/%s/size", sp->disk);
	if (!sysfs_u64(path, &x->sectors)) {
		*why = "no such disk in this driver VM";
		return -1;
	}
	snprintf(x->dev, sizeof(x->dev), "%s", sp->disk);
	x->abs_start = 0;
	if (!sp->part && !sp->label[0])
		return 0;
	if (!find_part(sp, x)) {
		*why = "no such partition on the disk";
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/block/%s/%s/start", sp->disk,
		 x->dev);
	if (!sysfs_u64(path, &x->abs_start)) {
		*why = "cannot read the partition's start";
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/block/%s/%s/size", sp->disk, x->dev);
	if (!sysfs_u64(path, &x->sectors)) {
		*why = "cannot read the partition's size";
		return -1;
	}
	return 0;
}

static int narrow(const struct export_spec *sp, struct export_dev *x,
		  const char **why)
{
	if (!sp->ranged)
		return 0;
	if (sp->start > x->sectors || sp->count > x->sectors - sp->start) {
		*why = "the range runs past the end of the disk or partition";
		return -1;
	}
	x->offset = sp->start * BLK_SECTOR_SIZE;
	x->abs_start += sp->start;
	x->sectors = sp->count;
	return 0;
}

/* An earlier slot whose export shares a sector with x where either may
 * be written; -1 if none. */
static int overlapping(uint32_t s, const struct export_dev *x)
{
	for (uint32_t t = 0; t < s; t++) {
		const struct export_dev *o = &exports[t];

		if (!o->ok || strcmp(o->disk, x->disk) ||
		    (o->e.read_only && x->e.read_only))
			continue;
		if (o->abs_start < x->abs_start + x->sectors &&
		    x->abs_start < o->abs_start + o->sectors)
			return (int)t;
	}
	return -1;
}

static void resolve_export(const struct corral_slot_info *in)
{
	struct export_dev *x = &exports[in->slot];
	struct corral_blk_capacity cap = { .slot = in->slot };
	struct export_spec sp;
	const char *why = NULL;
	char path[PATH_LEN];
	int other;

	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->e.read_only = in->flags & CH_EXT_READ_ONLY;
	if (export_spec_parse(in->export, &sp, &why) || locate(&sp, x, &why) ||
	    narrow(&sp, x, &why)) {
		say("BLKD-ERROR slot %u: export \"%s\": %s; not served\n",
		    in->slot, in->export, why);
		return;
	}
	other = overlapping(in->slot, x);
	if (other >= 0) {
		say("BLKD-ERROR slot %u: export \"%s\" overlaps slot %d's, and one of them may be written; not served\n",
		    in->slot, in->export, other);
		return;
	}
	snprintf(path, sizeof(path), "/dev/%s", x->dev);
	x->fd = open(path, (x->e.read_only ? O_RDONLY : O_RDWR) | O_DIRECT |
				   O_CLOEXEC);
	if (x->fd < 0) {
		fail(path);
		return;
	}
	x->e.sectors = x->sectors;
	cap.sectors = x->sectors;
	if (ioctl(core_fd, CORRAL_IOC_BLK_CAPACITY, &cap)) {
		fail("CORRAL_IOC_BLK_CAPACITY");
		return;
	}
	x->ok = true;
	say("BLKD slot %u: export %s is /dev/%s from sector %" PRIu64
	    ", %" PRIu64 " sectors%s\n",
	    in->slot, in->export, x->dev, x->offset / BLK_SECTOR_SIZE,
	    x->sectors, x->e.read_only ? ", read-only" : "");
}

/* --- requests --------------------------------------------------------- */

static void copy_out(const struct blk_req *r)
{
	uint64_t at = 0;

	for (unsigned i = 0; i < r->nr_data; i++) {
		memcpy(bounce + at, r->data[i].base, r->data[i].len);
		at += r->data[i].len;
	}
}

static void copy_in(const struct blk_req *r, const uint8_t *from)
{
	uint64_t at = 0;

	for (unsigned i = 0; i < r->nr_data; i++) {
		memcpy(r->data[i].base, from + at, r->data[i].len);
		at += r->data[i].len;
	}
}

/* Does r on export x; the status for the client. */
static uint8_t perform(uint32_t s, const struct export_dev *x,
		       const struct blk_req *r)
{
	off_t off = (off_t)(x->offset + r->sector * BLK_SECTOR_SIZE);
	char id[VIRTIO_BLK_ID_BYTES + 1];
	ssize_t n;

	switch (r->op) {
	case BLK_OP_READ:
		n = pread(x->fd, bounce, r->len, off);
		if (n != (ssize_t)r->len)
			return VIRTIO_BLK_S_IOERR;
		copy_in(r, bounce);
		return VIRTIO_BLK_S_OK;
	case BLK_OP_WRITE:
		copy_out(r);
		n = pwrite(x->fd, bounce, r->len, off);
		return n == (ssize_t)r->len ? VIRTIO_BLK_S_OK :
					      VIRTIO_BLK_S_IOERR;
	case BLK_OP_FLUSH:
		return fdatasync(x->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case BLK_OP_GET_ID:
		memset(id, 0, sizeof(id));
		snprintf(id, sizeof(id), ID_PREFIX "%u-%s", s, x->dev);
		copy_in(r, (const uint8_t *)id);
		return VIRTIO_BLK_S_OK;
	case BLK_OP_ANSWER:
		break;
	}
	return r->status;
}

static void broken(uint32_t s, const char *why)
{
	struct served *sv = &slots[s];
	struct corral_queue_id id = { s, 0, sv->generation };

	say("BLKD slot %u (%s): the client broke its queue: %s\n", s, sv->name,
	    why);
	ioctl(core_fd, CORRAL_IOC_BROKEN, &id);
}

/* A request answered with an error: each reason named in the log once a
 * session (a hostile client must not flood the console); the release
 * line counts them all. */
static void refused(uint32_t s, const char *why)
{
	struct served *sv = &slots[s];

	sv->refused++;
	for (unsigned i = 0; i < sv->nr_reasons; i++)
		if (sv->reasons[i] == why)
			return;
	if (sv->nr_reasons == REASONS_LOGGED)
		return;
	sv->reasons[sv->nr_reasons++] = why;
	say("BLKD slot %u (%s): request refused: %s\n", s, sv->name, why);
}

/* Every request the client made available, done in order. */
static void serve_queue(uint32_t s)
{
	struct served *sv = &slots[s];
	const struct export_dev *x = &exports[s];
	const char *why;

	for (;;) {
		switch (vring_pop(&sv->vr, &chain)) {
		case VRING_BROKEN:
			broken(s, sv->vr.why);
			return;
		case VRING_EMPTY:
			if (!vring_want_kicks(&sv->vr))
				return;
			continue;
		case VRING_GOT:
			break;
		}
		if (inflight_take(&sv->inflight, chain.head)) {
			broken(s, "a head that is already in flight");
			return;
		}
		if (blk_req_parse(&chain, &x->e, &req, &why)) {
			broken(s, why);
			return;
		}
		*req.status_byte = perform(s, x, &req);
		if (req.op == BLK_OP_ANSWER && req.why)
			refused(s, req.why);
		sv->requests++;
		sv->flushes += req.op == BLK_OP_FLUSH;
		inflight_publish_begin(&sv->inflight, chain.head);
		vring_push(&sv->vr, chain.head, blk_req_written(&req));
		inflight_publish_end(&sv->inflight, chain.head,
				     sv->vr.used_idx);
		if (vring_should_notify(&sv->vr))
			eventfd_write(sv->call, 1);
	}
}

/* The window went while a request touched it (the client reset): the
 * slot is let go at its next event. */
static void sigbus(int sig)
{
	(void)sig;
	if (in_request)
		siglongjmp(on_sigbus, 1);
	_exit(3);
}

static void kicked(uint32_t s)
{
	eventfd_t n;

	eventfd_read(slots[s].kick, &n);
	if (sigsetjmp(on_sigbus, 1)) {
		in_request = 0;
		say("BLKD slot %u (%s): its memory went mid-request\n", s,
		    slots[s].name);
		slots[s].gone = true; /* no more polls until the event */
		return;
	}
	in_request = 1;
	serve_queue(s);
	in_request = 0;
}

/* --- one slot ----------------------------------------------------------- */

/* The client's RAM, mapped, as the ring code sees it. */
static int map_ram(struct served *sv, const struct corral_slot_info *in)
{
	if (slot_ram_map(core_fd, in, &sv->ram))
		return fail("mapping the client's memory");
	for (int i = 0; i < CH_SLOT_MAX_RAM; i++) {
		if (!sv->ram.addr[i])
			continue;
		sv->mem.r[sv->mem.nr].gpa = in->ram[i].gpa;
		sv->mem.r[sv->mem.nr].size = in->ram[i].size;
		sv->mem.r[sv->mem.nr].host = sv->ram.addr[i];
		sv->mem.nr++;
	}
	return 0;
}

/* Lets go of slot s; 1 if that ended a session. */
static int release(uint32_t s)
{
	struct served *sv = &slots[s];
	int ended = sv->started;

	if (sv->kick >= 0)
		close(sv->kick);
	if (sv->call >= 0)
		close(sv->call);
	slot_ram_unmap(&sv->ram);
	if (sv->started) {
		char refusals[40] = "";

		if (sv->refused)
			snprintf(refusals, sizeof(refusals),
				 ", %" PRIu64 " refused", sv->refused);
		say("BLKD slot %u (%s): released after %" PRIu64
		    " requests, %" PRIu64 " flushes%s\n",
		    s, sv->name, sv->requests, sv->flushes, refusals);
	}
	memset(sv, 0, sizeof(*sv));
	sv->kick = sv->call = -1;
	return ended;
}

static int serve(const struct corral_slot_info *in)
{
	struct served *sv = &slots[in->slot];
	struct corral_slot_ack ack = { in->slot, in->generation };
	struct corral_queue_bind b = { .slot = in->slot,
				       .queue = 0,
				       .generation = in->generation,
				       .err_fd = -1 };
	int err;

	snprintf(sv->name, sizeof(sv->name), "%s", in->name);
	sv->generation = in->generation;
	sv->started = true;
	if (!exports[in->slot].ok) {
		errno = ENODEV;
		return fail("the slot's export");
	}
	if ((err = map_ram(sv, in)))
		return err;
	if (vring_init(&sv->vr, &sv->mem, in->q[0].desc, in->q[0].avail,
		       in->q[0].used, (uint16_t)in->q[0].size,
		       in->features & (1ull << VIRTIO_F_EVENT_IDX), 0)) {
		broken(in->slot, sv->vr.why);
		errno = EINVAL;
		return fail("the client's queue");
	}
	if (inflight_init(&sv->inflight, (uint16_t)in->q[0].size,
			  sv->vr.used_idx)) {
		broken(in->slot, "a queue larger than a block queue may be");
		errno = EINVAL;
		return fail("the client's queue");
	}
	sv->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sv->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sv->kick < 0 || sv->call < 0)
		return fail("eventfd");
	b.kick_fd = sv->kick;
	b.call_fd = sv->call;
	if (ioctl(core_fd, CORRAL_IOC_BIND_QUEUE, &b))
		return fail("binding the queue");
	if (ioctl(core_fd, CORRAL_IOC_ACK, &ack))
		return fail("acknowledging the slot");
	say("BLKD slot %u (%s): served, features 0x%" PRIx64 "\n", in->slot,
	    in->name, (uint64_t)in->features);
	return 0;
}

static bool serving(uint32_t s, uint32_t gen)
{
	return slots[s].started && slots[s].generation == gen;
}

static const struct slot_server server = {
	.type = CH_TYPE_BLK,
	.serving = serving,
	.serve = serve,
	.release = release,
};

static void resolve_all(void)
{
	for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++) {
		struct corral_slot_info in = { .slot = s };

		if (!ioctl(core_fd, CORRAL_IOC_SLOT_INFO, &in) &&
		    in.type == CH_TYPE_BLK)
			resolve_export(&in);
	}
}

/* Waits for a slot event or a kick; what changed goes to *changed, the
 * kicked slots' bits to *kicks. */
static int wait_events(uint32_t *changed, uint32_t *kicks)
{
	struct pollfd p[1 + CORRAL_CHANNEL_MAX_SLOTS];
	uint32_t who[1 + CORRAL_CHANNEL_MAX_SLOTS];
	int n = 1;

	*changed = *kicks = 0;
	p[0] = (struct pollfd){ .fd = core_fd, .events = POLLIN };
	for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++)
		if (slots[s].kick >= 0 && !slots[s].gone) {
			p[n] = (struct pollfd){ .fd = slots[s].kick,
						.events = POLLIN };
			who[n++] = s;
		}
	if (poll(p, (nfds_t)n, -1) < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 1; i < n; i++)
		if (p[i].revents & POLLIN)
			*kicks |= 1u << who[i];
	if ((p[0].revents & POLLIN) &&
	    read(core_fd, changed, sizeof(*changed)) != sizeof(*changed))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = sigbus };
	struct mapper_run run;
	long ended = 0;

	mapper_run_options(argc, argv, &run);
	sigaction(SIGBUS, &sa, NULL);
	bounce = mmap(NULL, BLK_MAX_DATA, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	core_fd = open(CORRAL_CORE_DEVICE, O_RDWR | O_CLOEXEC);
	if (core_fd < 0 || bounce == MAP_FAILED)
		return fail(CORRAL_CORE_DEVICE), 1;
	for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++)
		release(s);
	resolve_all();
	while (run.serve_max < 0 || ended < run.serve_max) {
		uint32_t changed, kicks;

		if (wait_events(&changed, &kicks))
			return fail("waiting for events"), 1;
		for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++) {
			if (changed & (1u << s)) {
				int n = mapper_slot_changed(&server, s);

				if (run.counted & (1u << s))
					ended += n;
			} else if ((kicks & (1u << s)) && slots[s].kick >= 0)
				kicked(s);
		}
	}
	say("BLKD done after %ld session(s)\n", ended);
	return 0;
}
