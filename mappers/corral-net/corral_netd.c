// SPDX-License-Identifier: GPL-2.0
/*
 * corral-netd: serves the clients' virtio-net devices of a net driver VM
 * with the stock kernel's datapath (docs/mappers.md). For each live slot
 * of the channel (/dev/corral, from corral-core) it gives stock vhost-net
 * the client's memory (mapped from the window), the queues, and eventfds
 * that corral-core binds to the client's kicks and interrupts; the
 * packets go to a tap device, vif<slot>, which the stock bridge br0 joins
 * to the real NICs. vhost copies each packet once per direction between
 * the client's buffers and the tap's socket buffers, which the NIC then
 * sends: no client page ever reaches a device.
 *
 *   corral-netd [--serve N [--slots LIST]] IFACE...
 *
 * IFACE: the NICs to bridge. --serve N: exit after N client sessions
 * (a live generation of a slot, served and then let go), for tests; else
 * run for ever. --slots LIST (comma-separated slot numbers): count only
 * those slots' sessions (a hostile client's sessions are not to be
 * counted on).
 * Lines on stdout (docs/mappers.md):
 *   NETD bridge br0 <ifaces>
 *   NETD slot <s> (<client>, <mac>): served as vif<s>, features 0x<f>
 *   NETD slot <s> (<client>): released
 *   NETD-ERROR <what>: <why>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <linux/vhost.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <corral/channel.h>
#include <corral/core_ioctl.h>

#include "../lib/mapper.h"
#include "../lib/slot_ram.h"

#define BRIDGE "br0"
#define NET_QUEUES 2	/* receiveq1 (vhost-net's 0), transmitq1 (1) */
#define VNET_HDR_LEN 12 /* struct virtio_net_hdr_mrg_rxbuf (virtio 1.x) */
#define ZCOPY_PARAM "/sys/module/vhost_net/parameters/experimental_zcopytx"

/* virtio-net's feature bits that set the tap's offloads (§5.1.3). */
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8

struct served {
	bool started; /* set up for `generation` began: a session */
	uint32_t generation;
	int vhost, tap;
	int kick[NET_QUEUES], call[NET_QUEUES], err[NET_QUEUES];
	struct slot_ram ram;
	char name[32];
};

static int sock_fd;
const char *mapper_tag = "NETD";
static struct served slots[CORRAL_CHANNEL_MAX_SLOTS];

/* --- the bridge ------------------------------------------------------- */

static int if_up(const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(sock_fd, SIOCGIFFLAGS, &ifr))
		return -1;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(sock_fd, SIOCSIFFLAGS, &ifr);
}

static int bridge_add(const char *name)
{
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", BRIDGE);
	ifr.ifr_ifindex = (int)if_nametoindex(name);
	if (!ifr.ifr_ifindex)
		return -1;
	return ioctl(sock_fd, SIOCBRADDIF, &ifr);
}

static int bridge_setup(int n, char **ifaces)
{
	char line[256] = "";

	if (ioctl(sock_fd, SIOCBRADDBR, BRIDGE) && errno != EEXIST)
		return fail("creating bridge " BRIDGE);
	for (int i = 0; i < n; i++) {
		if (if_up(ifaces[i]) || bridge_add(ifaces[i]))
			return fail(ifaces[i]);
		strncat(line, " ", sizeof(line) - strlen(line) - 1);
		strncat(line, ifaces[i], sizeof(line) - strlen(line) - 1);
	}
	if (if_up(BRIDGE))
		return fail("bringing up " BRIDGE);
	say("NETD bridge " BRIDGE "%s\n", line);
	return 0;
}

/* --- one slot ----------------------------------------------------------- */

/* The client's guest-physical address gpa, len bytes, in our mapping. */
static uint64_t user_addr(const struct served *sv,
			  const struct corral_slot_info *in, uint64_t gpa,
			  uint64_t len)
{
	for (int i = 0; i < CH_SLOT_MAX_RAM; i++) {
		uint64_t base = in->ram[i].gpa, size = in->ram[i].size;

		if (sv->ram.addr[i] && gpa >= base && len <= size &&
		    gpa - base <= size - len)
			return (uint64_t)(uintptr_t)sv->ram.addr[i] +
			       (gpa - base);
	}
	return 0;
}

static int map_ram(struct served *sv, const struct corral_slot_info *in)
{
	return slot_ram_map(core_fd, in, &sv->ram) ?
		       fail("mapping the client's memory") :
		       0;
}

static int vhost_memory(struct served *sv, const struct corral_slot_info *in)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r[CH_SLOT_MAX_RAM];
	} t = { 0 };

	for (int i = 0; i < CH_SLOT_MAX_RAM; i++) {
		if (!sv->ram.addr[i])
			continue;
		t.r[t.m.nregions++] = (struct vhost_memory_region){
			.guest_phys_addr = in->ram[i].gpa,
			.memory_size = in->ram[i].size,
			.userspace_addr = (uint64_t)(uintptr_t)sv->ram.addr[i],
		};
	}
	return ioctl(sv->vhost, VHOST_SET_MEM_TABLE, &t) ?
		       fail("VHOST_SET_MEM_TABLE") :
		       0;
}

/* vhost takes the ring features it knows; the offloads are the tap's. */
static int vhost_features(struct served *sv, uint64_t features)
{
	uint64_t have;

	if (ioctl(sv->vhost, VHOST_SET_OWNER))
		return fail("VHOST_SET_OWNER");
	if (ioctl(sv->vhost, VHOST_GET_FEATURES, &have))
		return fail("VHOST_GET_FEATURES");
	features &= have & ~(1ull << VHOST_NET_F_VIRTIO_NET_HDR);
	return ioctl(sv->vhost, VHOST_SET_FEATURES, &features) ?
		       fail("VHOST_SET_FEATURES") :
		       0;
}

static int tap_open(struct served *sv, uint32_t s, uint64_t features)
{
	struct ifreq ifr = { 0 };
	int hdr = VNET_HDR_LEN;
	unsigned offload = 0;

	sv->tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (sv->tap < 0)
		return fail("/dev/net/tun");
	snprintf(ifr.ifr_name, IFNAMSIZ, "vif%u", s);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(sv->tap, TUNSETIFF, &ifr))
		return fail("TUNSETIFF");
	if (ioctl(sv->tap, TUNSETVNETHDRSZ, &hdr))
		return fail("TUNSETVNETHDRSZ");
	/* What the client takes: the tap may hand it such packets. */
	if (features & (1ull << VIRTIO_NET_F_GUEST_CSUM)) {
		offload |= TUN_F_CSUM;
		if (features & (1ull << VIRTIO_NET_F_GUEST_TSO4))
			offload |= TUN_F_TSO4;
		if (features & (1ull << VIRTIO_NET_F_GUEST_TSO6))
			offload |= TUN_F_TSO6;
	}
	if (ioctl(sv->tap, TUNSETOFFLOAD, offload))
		return fail("TUNSETOFFLOAD");
	if (if_up(ifr.ifr_name) || bridge_add(ifr.ifr_name))
		return fail("joining the tap to " BRIDGE);
	return 0;
}

static int new_eventfd(int *fd)
{
	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return *fd < 0 ? fail("eventfd") : 0;
}

static int vhost_queue(struct served *sv, const struct corral_slot_info *in,
		       unsigned q)
{
	const uint64_t sz = in->q[q].size;
	struct vhost_vring_state num = { q, (unsigned)sz }, base = { q, 0 };
	struct vhost_vring_addr addr = { .index = q };
	struct vhost_vring_file f = { .index = q };
	struct corral_queue_bind b = { .slot = in->slot,
				       .queue = q,
				       .generation = in->generation };

	addr.desc_user_addr = user_addr(sv, in, in->q[q].desc, 16 * sz);
	addr.avail_user_addr = user_addr(sv, in, in->q[q].avail, 6 + 2 * sz);
	addr.used_user_addr = user_addr(sv, in, in->q[q].used, 6 + 8 * sz);
	if (!sz || !addr.desc_user_addr || !addr.avail_user_addr ||
	    !addr.used_user_addr) {
		struct corral_queue_id id = { in->slot, q, in->generation };

		/* The client's own doing: its device needs a reset. */
		ioctl(core_fd, CORRAL_IOC_BROKEN, &id);
		errno = EINVAL;
		return fail("a queue outside the client's memory");
	}
	if (ioctl(sv->vhost, VHOST_SET_VRING_NUM, &num) ||
	    ioctl(sv->vhost, VHOST_SET_VRING_BASE, &base) ||
	    ioctl(sv->vhost, VHOST_SET_VRING_ADDR, &addr))
		return fail("setting up a vhost queue");
	if (new_eventfd(&sv->kick[q]) || new_eventfd(&sv->call[q]) ||
	    new_eventfd(&sv->err[q]))
		return -EMFILE;
	f.fd = sv->kick[q];
	if (ioctl(sv->vhost, VHOST_SET_VRING_KICK, &f))
		return fail("VHOST_SET_VRING_KICK");
	f.fd = sv->call[q];
	if (ioctl(sv->vhost, VHOST_SET_VRING_CALL, &f))
		return fail("VHOST_SET_VRING_CALL");
	f.fd = sv->err[q];
	if (ioctl(sv->vhost, VHOST_SET_VRING_ERR, &f))
		return fail("VHOST_SET_VRING_ERR");
	b.kick_fd = sv->kick[q];
	b.call_fd = sv->call[q];
	b.err_fd = sv->err[q];
	if (ioctl(core_fd, CORRAL_IOC_BIND_QUEUE, &b))
		return fail("binding the queue");
	f.fd = sv->tap;
	if (ioctl(sv->vhost, VHOST_NET_SET_BACKEND, &f))
		return fail("VHOST_NET_SET_BACKEND");
	return 0;
}

/* Lets go of slot s; 1 if that ended a session. */
static int release(uint32_t s)
{
	struct served *sv = &slots[s];
	int ended = sv->started;

	if (sv->vhost >= 0) {
		for (unsigned q = 0; q < NET_QUEUES; q++) {
			struct vhost_vring_file f = { q, -1 };

			ioctl(sv->vhost, VHOST_NET_SET_BACKEND, &f);
		}
		close(sv->vhost);
	}
	if (sv->tap >= 0)
		close(sv->tap);
	for (unsigned q = 0; q < NET_QUEUES; q++) {
		if (sv->kick[q] >= 0)
			close(sv->kick[q]);
		if (sv->call[q] >= 0)
			close(sv->call[q]);
		if (sv->err[q] >= 0)
			close(sv->err[q]);
	}
	slot_ram_unmap(&sv->ram);
	if (sv->started)
		say("NETD slot %u (%s): released\n", s, sv->name);
	memset(sv, 0, sizeof(*sv));
	sv->vhost = sv->tap = -1;
	for (unsigned q = 0; q < NET_QUEUES; q++)
		sv->kick[q] = sv->call[q] = sv->err[q] = -1;
	return ended;
}

static int serve(const struct corral_slot_info *in)
{
	struct served *sv = &slots[in->slot];
	struct corral_slot_ack ack = { in->slot, in->generation };
	int err;

	if (in->type != CH_TYPE_NET || in->nr_queues < NET_QUEUES) {
		errno = EINVAL;
		return fail("not a network slot");
	}
	snprintf(sv->name, sizeof(sv->name), "%s", in->name);
	sv->generation = in->generation;
	sv->started = true;
	sv->vhost = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (sv->vhost < 0)
		return fail("/dev/vhost-net");
	if ((err = map_ram(sv, in)) ||
	    (err = vhost_features(sv, in->features)) ||
	    (err = vhost_memory(sv, in)) ||
	    (err = tap_open(sv, in->slot, in->features)))
		return err;
	for (unsigned q = 0; q < NET_QUEUES; q++)
		if ((err = vhost_queue(sv, in, q)))
			return err;
	if (ioctl(core_fd, CORRAL_IOC_ACK, &ack))
		return fail("acknowledging the slot");
	say("NETD slot %u (%s, %02x:%02x:%02x:%02x:%02x:%02x): served as vif%u, features 0x%" PRIx64
	    "\n",
	    in->slot, in->name, in->mac[0], in->mac[1], in->mac[2], in->mac[3],
	    in->mac[4], in->mac[5], in->slot, (uint64_t)in->features);
	return 0;
}

static bool serving(uint32_t s, uint32_t gen)
{
	return slots[s].started && slots[s].generation == gen;
}

static const struct slot_server server = {
	.type = CH_TYPE_NET,
	.serving = serving,
	.serve = serve,
	.release = release,
};

static bool zerocopy_off(void)
{
	FILE *f = fopen(ZCOPY_PARAM, "r");
	int v = 1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = 1;
		fclose(f);
	}
	return v == 0;
}

int main(int argc, char **argv)
{
	struct mapper_run run;
	long ended = 0;
	int first = mapper_run_options(argc, argv, &run);

	/* Zero-copy transmit would hand client pages to the NIC. */
	if (!zerocopy_off()) {
		say("NETD-ERROR vhost_net: experimental_zcopytx is not 0\n");
		return 1;
	}
	sock_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	core_fd = open(CORRAL_CORE_DEVICE, O_RDWR | O_CLOEXEC);
	if (sock_fd < 0 || core_fd < 0)
		return fail(CORRAL_CORE_DEVICE), 1;
	if (bridge_setup(argc - first, argv + first))
		return 1;
	for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++)
		release(s);
	while (run.serve_max < 0 || ended < run.serve_max) {
		uint32_t changed;

		if (read(core_fd, &changed, sizeof(changed)) !=
		    sizeof(changed)) {
			if (errno == EINTR)
				continue;
			return fail("reading " CORRAL_CORE_DEVICE), 1;
		}
		for (uint32_t s = 0; s < CORRAL_CHANNEL_MAX_SLOTS; s++)
			if (changed & (1u << s)) {
				int n = mapper_slot_changed(&server, s);

				if (run.counted & (1u << s))
					ended += n;
			}
	}
	say("NETD done after %ld session(s)\n", ended);
	return 0;
}
