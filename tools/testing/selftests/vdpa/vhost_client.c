// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_client: a minimal userspace virtio driver on /dev/vhost-vdpa-N.
 *
 *   vhost_client net DEV [-n FRAMES] [-1] [-p]   loop frames through a net device
 *   vhost_client blk DEV [-n SECTORS]            write sectors, read them back
 *   vhost_client bad DEV                         bad input gets the right errno
 *   vhost_client log DEV [-n FRAMES]             the dirty page log holds every
 *                                                page the device wrote
 *   vhost_client migrate DEV_A DEV_B [-n FRAMES] A suspended mid-traffic, B
 *                                                resumes at A's positions
 *   vhost_client memlock DEV                     maps beyond RLIMIT_MEMLOCK
 *   vhost_client config DEV                      wait for a config change
 *                                                signal, print the new MAC
 *   vhost_client hold DEV FLAG [batch] [-m MAC]   run, wait for FLAG, expect ENODEV
 *   vhost_client send DEV MAC [-n FRAMES] [-D]   transmit frames to MAC on a NIC
 *   vhost_client dma DEV unmap|identity [-P IF]  the device reaches nothing
 *                                                the owner did not map
 *   vhost_client stuck DEV FLAG                  calls stuck on userspace page
 *                                                faults; removal must not wait
 *   vhost_client reset-mid-pin DEV               a reset waits for an IOTLB
 *                                                update stuck while it pins
 *   vhost_client dma DEV keep|keep-empty|reinstall ATTR
 *                                                the same when the parent's
 *                                                unmap or map fails (debug
 *                                                kernel: fault attribute ATTR)
 *
 * With VDPA_FAIL_NTH=N and VDPA_FAIL_AT=open|update|driver_ok, "net" makes
 * the N-th fault-injection point of that one call fail (fail_nth.h); if
 * the call then fails, it says "failed cleanly" and stops, exit 0.
 *
 * -s: rings and buffers in a shared memfd mapping (net, blk), which a parent
 * that reaches memory by file (VDUSE) needs; -V: the parent reaches memory
 * by user address (VDUSE), so nothing is pinned.
 *
 * -1: IOTLB messages in the v1 layout (no MSG_V2); -p: ask for IOTLB_PERSIST
 * and reset the device between two runs without mapping again; -D: the
 * doorbell must be mapped (send only; otherwise kicks fall back to the
 * eventfd when mmap is refused); -m: hold sends to MAC (a real NIC) instead
 * of looping frames through a simulator; -P: dma on a real NIC, whose frames
 * arrive at the interface IF of this network namespace instead of looping.
 *
 * Only libc: rings are laid out by hand in an anonymous private mapping
 * that is handed to the device with IOTLB messages at an IOVA that differs
 * from its address, so the device can only reach it through our map.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/if_packet.h>
#include <linux/userfaultfd.h>
#include <linux/vhost.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "fail_nth.h"

/*
 * -s: memory for rings and buffers is a shared memfd mapping, so that a
 * parent that reaches it by file (VDUSE) can; otherwise anonymous private.
 * -V: the parent reaches memory by user address (VDUSE): nothing is pinned.
 * -R: migrate stops the first device as QEMU up to 7.2 does, by a reset
 * before reading the queue positions, instead of VHOST_VDPA_SUSPEND.
 */
static int shared_mem;
static int va_parent;
static int reset_stop;

/* Newer than the libc headers of Debian 12 (6.1): values from 6.12's uapi. */
#ifndef VHOST_BACKEND_F_IOTLB_PERSIST
#define VHOST_BACKEND_F_SUSPEND			0x4
#define VHOST_BACKEND_F_RESUME			0x5
#define VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK	0x6
#define VHOST_BACKEND_F_DESC_ASID		0x7
#define VHOST_BACKEND_F_IOTLB_PERSIST		0x8
#endif
#ifndef VHOST_VDPA_GET_VRING_DESC_GROUP
#define VHOST_VDPA_GET_VRING_DESC_GROUP	_IOWR(VHOST_VIRTIO, 0x7F, struct vhost_vring_state)
#endif
#ifndef VHOST_VDPA_GET_VRING_SIZE
#define VHOST_VDPA_GET_VRING_SIZE	_IOWR(VHOST_VIRTIO, 0x82, struct vhost_vring_state)
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define QSIZE		64
#define BUF_SIZE	2048
#define MEM_SIZE	(2 << 20)
#define IOVA_BASE	0x40000000ULL	/* anything but the buffer's address */
#define PAGE		4096UL
/* Pinned in batches of 512 pages: two batches before the fault. */
#define MID_PIN_HEAD	(1024 * PAGE)

static const char *prog = "vhost_client";
static int failures;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define xioctl(fd, req, arg) do {					\
	if (ioctl(fd, req, arg) < 0)					\
		die("%s: %s", #req, strerror(errno));			\
} while (0)

/* ---- the device and its memory ---------------------------------------- */

struct vq {
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_iova, avail_iova, used_iova;
	uint16_t avail_idx, last_used;
	int kick, call;
	uint16_t *doorbell;
};

struct dev {
	int fd;
	uint8_t *mem;		/* MEM_SIZE bytes, at IOVA_BASE */
	size_t mem_used;
	uint64_t backend;	/* acked backend features */
	uint32_t nvqs;
	struct vq vq[3];
};

/* Arm fail-nth if the test asked for this call (VDPA_FAIL_AT). */
static int fail_at(const char *call)
{
	const char *at = getenv("VDPA_FAIL_AT");

	return at && !strcmp(at, call) && fail_nth_arm();
}

/* After an armed call that returned @ret: stop if the injection failed it. */
static void fail_done(int armed, const char *call, int ret)
{
	if (!armed || !fail_nth_disarm() || ret >= 0)
		return;
	printf("%s failed cleanly: %s\n", call, strerror(errno));
	exit(0);
}

static uint64_t iova_of(struct dev *d, const void *p)
{
	return IOVA_BASE + ((const uint8_t *)p - d->mem);
}

static void *alloc_mem(struct dev *d, size_t size, size_t align)
{
	void *p;

	d->mem_used = (d->mem_used + align - 1) & ~(align - 1);
	if (d->mem_used + size > MEM_SIZE)
		die("out of ring memory");
	p = d->mem + d->mem_used;
	d->mem_used += size;
	return p;
}

/* Send one IOTLB message; returns 0 or -errno. */
static int iotlb_msg(struct dev *d, uint32_t asid, uint8_t type, uint64_t iova,
		     uint64_t size, uint64_t uaddr, uint8_t perm)
{
	struct vhost_iotlb_msg m = {
		.iova = iova, .size = size, .uaddr = uaddr, .perm = perm,
		.type = type,
	};
	ssize_t n;

	if (d->backend & (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2)) {
		struct vhost_msg_v2 msg = { .type = VHOST_IOTLB_MSG_V2,
					    .asid = asid, .iotlb = m };

		n = write(d->fd, &msg, sizeof(msg));
		if (n == sizeof(msg))
			return 0;
	} else {
		struct vhost_msg msg = { .type = VHOST_IOTLB_MSG, .iotlb = m };

		n = write(d->fd, &msg, sizeof(msg));
		if (n == sizeof(msg))
			return 0;
	}
	return n < 0 ? -errno : -EIO;
}

static void map_all(struct dev *d)
{
	int err, armed;

	err = iotlb_msg(d, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0);
	if (!err) {
		armed = fail_at("update");
		err = iotlb_msg(d, 0, VHOST_IOTLB_UPDATE, IOVA_BASE, MEM_SIZE,
				(uintptr_t)d->mem, VHOST_ACCESS_RW);
		errno = -err;
		fail_done(armed, "update", err);
	}
	if (!err)
		err = iotlb_msg(d, 0, VHOST_IOTLB_BATCH_END, 0, 0, 0, 0);
	if (err)
		die("IOTLB update: %s", strerror(-err));
}

static void set_status(struct dev *d, uint8_t s)
{
	uint8_t got;

	xioctl(d->fd, VHOST_VDPA_SET_STATUS, &s);
	xioctl(d->fd, VHOST_VDPA_GET_STATUS, &got);
	if ((got & s) != s)
		die("status 0x%x did not stick (device has 0x%x)", s, got);
}

static long vm_pinned_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* The memory rings and buffers live in, as -s asks. */
static void *mem_alloc(void)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS, fd = -1;
	void *mem;

	if (shared_mem) {
		fd = memfd_create("vhost_client", MFD_CLOEXEC);
		if (fd < 0 || ftruncate(fd, MEM_SIZE))
			die("memfd: %s", strerror(errno));
		flags = MAP_SHARED;
	}
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return mem;
}

/* Open, own, negotiate; the device is left at FEATURES_OK. */
static void dev_open(struct dev *d, const char *path, uint32_t want_id,
		     uint64_t want_backend, uint64_t features)
{
	uint64_t offered, dev_features;
	uint32_t id;
	int armed;

	memset(d, 0, sizeof(*d));
	armed = fail_at("open");
	d->fd = open(path, O_RDWR);
	fail_done(armed, "open", d->fd);
	if (d->fd < 0)
		die("open %s: %s", path, strerror(errno));
	xioctl(d->fd, VHOST_VDPA_GET_DEVICE_ID, &id);
	if (id != want_id)
		die("device id %u, expected %u", id, want_id);
	xioctl(d->fd, VHOST_SET_OWNER, NULL);
	xioctl(d->fd, VHOST_GET_BACKEND_FEATURES, &offered);
	d->backend = offered & want_backend;
	xioctl(d->fd, VHOST_SET_BACKEND_FEATURES, &d->backend);
	xioctl(d->fd, VHOST_VDPA_GET_VQS_COUNT, &d->nvqs);
	xioctl(d->fd, VHOST_GET_FEATURES, &dev_features);
	if ((dev_features & features) != features)
		die("device features 0x%llx lack 0x%llx",
		    (unsigned long long)dev_features,
		    (unsigned long long)features);
	printf("backend features offered 0x%llx, acked 0x%llx; %u queues\n",
	       (unsigned long long)offered, (unsigned long long)d->backend,
	       d->nvqs);

	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	xioctl(d->fd, VHOST_SET_FEATURES, &features);
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);

	d->mem = mem_alloc();
}

/* Give queue i, laid out in @d's memory, to the device at position @base. */
static void vq_give(struct dev *d, unsigned int i, uint16_t base)
{
	struct vq *q = &d->vq[i];
	struct vhost_vring_state s = { .index = i, .num = QSIZE };
	struct vhost_vring_addr a = { .index = i };
	struct vhost_vring_file f = { .index = i };

	xioctl(d->fd, VHOST_SET_VRING_NUM, &s);
	s.num = base;
	xioctl(d->fd, VHOST_SET_VRING_BASE, &s);
	a.desc_user_addr = iova_of(d, q->desc);
	a.avail_user_addr = iova_of(d, q->avail);
	a.used_user_addr = iova_of(d, q->used);
	xioctl(d->fd, VHOST_SET_VRING_ADDR, &a);
	q->kick = eventfd(0, EFD_CLOEXEC);
	q->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	f.fd = q->kick;
	xioctl(d->fd, VHOST_SET_VRING_KICK, &f);
	f.fd = q->call;
	xioctl(d->fd, VHOST_SET_VRING_CALL, &f);
	s.num = 1;
	xioctl(d->fd, VHOST_VDPA_SET_VRING_ENABLE, &s);
}

/* Lay out queue i and give it to the device. */
static void vq_setup(struct dev *d, unsigned int i)
{
	struct vq *q = &d->vq[i];
	uint16_t max;
	void *db;

	xioctl(d->fd, VHOST_VDPA_GET_VRING_NUM, &max);
	if (max < QSIZE)
		die("queue size max %u < %u", max, QSIZE);
	q->desc = alloc_mem(d, 16 * QSIZE, 16);
	q->avail = alloc_mem(d, 6 + 2 * QSIZE, 2);
	q->used = alloc_mem(d, 6 + 8 * QSIZE, 4);
	vq_give(d, i, 0);

	/* The doorbell page, when the parent has one. */
	db = mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, d->fd, i * PAGE);
	if (db != MAP_FAILED) {
		q->doorbell = db;
		printf("queue %u: doorbell mapped\n", i);
	} else {
		printf("queue %u: no doorbell to map (%s), kicking by eventfd\n",
		       i, strerror(errno));
	}
}

static void vq_kick(struct vq *q, unsigned int i)
{
	uint64_t one = 1;

	if (q->doorbell) {
		__atomic_store_n(q->doorbell, i, __ATOMIC_RELEASE);
		return;
	}
	if (write(q->kick, &one, sizeof(one)) != sizeof(one))
		die("kick: %s", strerror(errno));
}

/* Make a chain of up to 3 descriptors available. */
static void vq_add(struct dev *d, struct vq *q, unsigned int n,
		   void **bufs, uint32_t *lens, int *write)
{
	/* A ring of QSIZE descriptors holds QSIZE/3 chains of 3 at most. */
	uint16_t head = (q->avail_idx % (QSIZE / 3)) * 3;
	unsigned int j;

	for (j = 0; j < n; j++) {
		struct vring_desc *desc = &q->desc[head + j];

		desc->addr = iova_of(d, bufs[j]);
		desc->len = lens[j];
		desc->flags = (write[j] ? VRING_DESC_F_WRITE : 0) |
			      (j + 1 < n ? VRING_DESC_F_NEXT : 0);
		desc->next = head + j + 1;
	}
	q->avail->ring[q->avail_idx % QSIZE] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->avail->idx = ++q->avail_idx;
}

/* Wait for the next used element, through the call eventfd. */
static int vq_wait(struct vq *q, uint32_t *len, int timeout_ms)
{
	struct pollfd p = { .fd = q->call, .events = POLLIN };
	uint64_t cnt;

	for (;;) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE) !=
		    q->last_used) {
			struct vring_used_elem *e =
				&q->used->ring[q->last_used % QSIZE];

			*len = e->len;
			q->last_used++;
			return e->id;
		}
		if (poll(&p, 1, timeout_ms) <= 0)
			return -1;
		if (read(q->call, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
			die("read call eventfd: %s", strerror(errno));
	}
}

static void dev_close(struct dev *d)
{
	uint8_t zero = 0;

	xioctl(d->fd, VHOST_VDPA_SET_STATUS, &zero);
	close(d->fd);
	munmap(d->mem, MEM_SIZE);
}

/* ---- net --------------------------------------------------------------- */

struct frame {
	struct virtio_net_hdr_v1 hdr;
	uint8_t dst[6], src[6];
	uint16_t type;
	uint8_t payload[100];
};

/* every field is naturally aligned: the frame needs no packing */
_Static_assert(sizeof(struct frame) == 12 + 14 + 100, "frame layout");

static void fill_frame(struct frame *f, const uint8_t *mac, unsigned int n)
{
	unsigned int i;

	memset(f, 0, sizeof(*f));
	memcpy(f->dst, mac, 6);
	memcpy(f->src, "\x02\x00\x00\x00\x00\xee", 6);
	f->type = htobe16(0x88b5);	/* local experimental ethertype */
	for (i = 0; i < sizeof(f->payload); i++)
		f->payload[i] = n * 7 + i;
}

static void want_range(uint8_t *want, struct dev *d, const void *p,
		       size_t len);

/* Frames looping through a simulator: RX buffers posted, TX frames. */
struct netloop {
	uint8_t *rxbuf[QSIZE / 3];
	struct frame *txf;
	const uint8_t *mac;
	unsigned int got, bad;
	uint8_t *want;		/* if set: pages of RX buffers written */
};

static void netloop_init(struct dev *d, struct netloop *nl,
			 const uint8_t *mac, uint8_t *want)
{
	unsigned int i;

	memset(nl, 0, sizeof(*nl));
	nl->mac = mac;
	nl->want = want;
	/* RX buffers: one descriptor each, writable. */
	for (i = 0; i < QSIZE / 3; i++) {
		uint32_t len = BUF_SIZE;
		int w = 1;
		void *b;

		nl->rxbuf[i] = alloc_mem(d, BUF_SIZE, 64);
		b = nl->rxbuf[i];
		vq_add(d, &d->vq[0], 1, &b, &len, &w);
	}
	vq_kick(&d->vq[0], 0);
	nl->txf = alloc_mem(d, sizeof(*nl->txf) * (QSIZE / 3), 64);
}

/* Make frame @i available on TX and kick. */
static void netloop_send(struct dev *d, struct netloop *nl, unsigned int i)
{
	struct frame *f = &nl->txf[i % (QSIZE / 3)];
	uint32_t len = sizeof(*f);
	int w = 0;
	void *b = f;

	fill_frame(f, nl->mac, i);
	vq_add(d, &d->vq[1], 1, &b, &len, &w);
	vq_kick(&d->vq[1], 1);
}

/* Frame @i comes back and its TX buffer is done: recycle the RX buffer. */
static int netloop_reap(struct dev *d, struct netloop *nl, unsigned int i)
{
	struct frame *f = &nl->txf[i % (QSIZE / 3)];
	uint32_t rlen, l = BUF_SIZE;
	int id, w = 1;
	void *rb;

	id = vq_wait(&d->vq[0], &rlen, 5000);
	if (id < 0) {
		fprintf(stderr, "frame %u: nothing came back within 5s\n", i);
		return -1;
	}
	if (rlen != sizeof(*f) ||
	    memcmp(nl->rxbuf[id / 3] + sizeof(f->hdr),
		   (uint8_t *)f + sizeof(f->hdr), sizeof(*f) - sizeof(f->hdr))) {
		fprintf(stderr, "frame %u: came back as %u bytes, different\n",
			i, rlen);
		nl->bad++;
	}
	if (nl->want)
		want_range(nl->want, d, nl->rxbuf[id / 3], rlen);
	nl->got++;
	if (vq_wait(&d->vq[1], &rlen, 5000) < 0) {
		fprintf(stderr, "frame %u: tx not completed\n", i);
		return -1;
	}
	rb = nl->rxbuf[id / 3];
	vq_add(d, &d->vq[0], 1, &rb, &l, &w);
	vq_kick(&d->vq[0], 0);
	return 0;
}

/*
 * Loop @frames frames through the simulator. With @want, the pages of RX
 * buffers the device wrote are marked there (a bit per page, by IOVA).
 */
static int net_run(struct dev *d, const uint8_t *mac, unsigned int frames,
		   uint8_t *want)
{
	struct netloop nl;
	unsigned int i;

	netloop_init(d, &nl, mac, want);
	for (i = 0; i < frames; i++) {
		netloop_send(d, &nl, i);
		if (netloop_reap(d, &nl, i))
			return -1;
	}
	printf("net: %u frames sent, %u came back, %u differed\n", frames,
	       nl.got, nl.bad);
	return nl.bad ? -1 : 0;
}

static int cmd_net(const char *path, unsigned int frames, int v1, int persist)
{
	uint64_t want = (1ULL << VHOST_BACKEND_F_IOTLB_BATCH) |
			(1ULL << VHOST_BACKEND_F_IOTLB_ASID) |
			(v1 ? 0 : 1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
			(persist ? 1ULL << VHOST_BACKEND_F_IOTLB_PERSIST : 0);
	struct vhost_vdpa_config *cfg;
	struct vhost_vring_state s;
	struct dev d;
	uint8_t mac[6];
	long pin;
	int ret, round;

	dev_open(&d, path, VIRTIO_ID_NET, want,
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		 (1ULL << VIRTIO_NET_F_MAC));
	if (persist && !(d.backend & (1ULL << VHOST_BACKEND_F_IOTLB_PERSIST)))
		die("IOTLB_PERSIST not offered");
	cfg = calloc(1, sizeof(*cfg) + 6);
	cfg->off = 0;
	cfg->len = 6;
	xioctl(d.fd, VHOST_VDPA_GET_CONFIG, cfg);
	memcpy(mac, cfg->buf, 6);
	printf("device MAC %02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1],
	       mac[2], mac[3], mac[4], mac[5]);
	s.index = 0;
	/* A parent with one group need not say which (EOPNOTSUPP). */
	if (ioctl(d.fd, VHOST_VDPA_GET_VRING_GROUP, &s)) {
		if (errno != EOPNOTSUPP)
			die("VHOST_VDPA_GET_VRING_GROUP: %s", strerror(errno));
		s.num = 0;
	}
	printf("rx queue group %u\n", s.num);

	map_all(&d);
	pin = vm_pinned_kb();
	printf("pinned after mapping: %ld kB\n", pin);
	if (!va_parent && pin >= 0 && pin < MEM_SIZE / 1024)
		die("VmPin %ld kB, expected at least %d", pin, MEM_SIZE / 1024);

	for (round = 0; round < (persist ? 2 : 1); round++) {
		uint8_t zero = 0;

		if (round) {
			/* Reset keeps the map: set up again without mapping. */
			xioctl(d.fd, VHOST_VDPA_SET_STATUS, &zero);
			memset(d.mem, 0, MEM_SIZE);
			d.mem_used = 0;
			set_status(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				   VIRTIO_CONFIG_S_DRIVER);
			{
				uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
					     (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
					     (1ULL << VIRTIO_NET_F_MAC);

				xioctl(d.fd, VHOST_SET_FEATURES, &f);
			}
			set_status(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE |
				   VIRTIO_CONFIG_S_DRIVER |
				   VIRTIO_CONFIG_S_FEATURES_OK);
			memset(d.vq, 0, sizeof(d.vq));
			printf("reset; the map persists (VmPin %ld kB)\n",
			       vm_pinned_kb());
		}
		vq_setup(&d, 0);
		vq_setup(&d, 1);
		{
			uint8_t st = VIRTIO_CONFIG_S_ACKNOWLEDGE |
				     VIRTIO_CONFIG_S_DRIVER |
				     VIRTIO_CONFIG_S_FEATURES_OK |
				     VIRTIO_CONFIG_S_DRIVER_OK;
			int armed = fail_at("driver_ok");

			ret = ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st);
			fail_done(armed, "driver_ok", ret);
			if (ret)
				die("DRIVER_OK: %s", strerror(errno));
			/* A device that could not start says so. */
			xioctl(d.fd, VHOST_VDPA_GET_STATUS, &st);
			if (armed && (st & VIRTIO_CONFIG_S_NEEDS_RESET)) {
				printf("driver_ok failed cleanly: device needs reset\n");
				dev_close(&d);
				return 0;
			}
		}
		set_status(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
			   VIRTIO_CONFIG_S_DRIVER_OK);
		ret = net_run(&d, mac, frames, NULL);
		if (ret)
			break;
	}

	/* Unmapping releases the pins at once. */
	{
		uint8_t zero = 0;

		xioctl(d.fd, VHOST_VDPA_SET_STATUS, &zero);
	}
	if (iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, IOVA_BASE, MEM_SIZE, 0, 0))
		die("invalidate: %s", strerror(errno));
	pin = vm_pinned_kb();
	printf("pinned after invalidate: %ld kB\n", pin);
	if (pin > 0)
		die("VmPin %ld kB after invalidating everything", pin);
	dev_close(&d);
	return ret ? 1 : 0;
}

/* ---- blk --------------------------------------------------------------- */

static int blk_req(struct dev *d, uint32_t type, uint64_t sector, void *data,
		   uint32_t len)
{
	struct virtio_blk_outhdr *h = alloc_mem(d, sizeof(*h), 16);
	uint8_t *status = alloc_mem(d, 1, 1);
	void *bufs[3] = { h, data, status };
	uint32_t lens[3] = { sizeof(*h), len, 1 };
	int w[3] = { 0, type == VIRTIO_BLK_T_IN, 1 };
	uint32_t ulen;

	h->type = type;
	h->ioprio = 0;
	h->sector = sector;
	*status = 0xff;
	vq_add(d, &d->vq[0], 3, bufs, lens, w);
	vq_kick(&d->vq[0], 0);
	if (vq_wait(&d->vq[0], &ulen, 5000) < 0) {
		fprintf(stderr, "blk request type %u: no completion in 5s\n", type);
		return -1;
	}
	if (*status != VIRTIO_BLK_S_OK) {
		fprintf(stderr, "blk request type %u: status %u\n", type, *status);
		return -1;
	}
	return 0;
}

static int cmd_blk(const char *path, unsigned int sectors)
{
	struct dev d;
	uint8_t *wbuf, *rbuf;
	unsigned int i;
	int ret = 0;

	dev_open(&d, path, VIRTIO_ID_BLOCK,
		 (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
		 (1ULL << VHOST_BACKEND_F_IOTLB_BATCH),
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	map_all(&d);
	vq_setup(&d, 0);
	set_status(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);

	wbuf = alloc_mem(&d, 512 * sectors, 512);
	rbuf = alloc_mem(&d, 512 * sectors, 512);
	for (i = 0; i < 512 * sectors; i++)
		wbuf[i] = i * 13 + 5;
	ret |= blk_req(&d, VIRTIO_BLK_T_OUT, 8, wbuf, 512 * sectors);
	ret |= blk_req(&d, VIRTIO_BLK_T_IN, 8, rbuf, 512 * sectors);
	if (!ret && memcmp(wbuf, rbuf, 512 * sectors)) {
		fprintf(stderr, "blk: read back differs from what was written\n");
		ret = -1;
	}
	printf("blk: %u sectors written and read back: %s\n", sectors,
	       ret ? "FAILED" : "same");
	dev_close(&d);
	return ret ? 1 : 0;
}

/* ---- bad input --------------------------------------------------------- */

static void expect(const char *what, int ret, int err)
{
	int got = ret < 0 ? (ret == -1 ? errno : -ret) : 0;

	if (got == err) {
		printf("ok: %s -> %s\n", what, err ? strerror(err) : "success");
		return;
	}
	printf("FAIL: %s -> %s, expected %s\n", what,
	       got ? strerror(got) : "success", err ? strerror(err) : "success");
	failures++;
}

static int raw_write(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return -1;
	if ((size_t)n != len) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int cmd_bad(const char *path)
{
	struct vhost_vring_state s = { 0 };
	struct vhost_vring_file f = { 0 };
	struct vhost_vring_addr a = { 0 };
	struct vhost_msg_v2 m2 = { .type = VHOST_IOTLB_MSG_V2 };
	struct vhost_vdpa_config cfg = { 0 };
	uint64_t feat, offered;
	uint32_t nvqs, ngroups, nas;
	uint16_t max;
	struct dev d = { 0 };
	uint8_t st;
	void *p;
	int fd2, efd;
	pid_t pid;

	d.fd = open(path, O_RDWR);
	if (d.fd < 0)
		die("open %s: %s", path, strerror(errno));
	d.backend = 1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2;
	d.mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xioctl(d.fd, VHOST_VDPA_GET_VQS_COUNT, &nvqs);
	xioctl(d.fd, VHOST_VDPA_GET_GROUP_NUM, &ngroups);
	xioctl(d.fd, VHOST_VDPA_GET_AS_NUM, &nas);
	xioctl(d.fd, VHOST_VDPA_GET_VRING_NUM, &max);
	printf("%u queues, %u groups, %u address spaces, queue size max %u\n",
	       nvqs, ngroups, nas, max);

	fd2 = open(path, O_RDWR);
	expect("second open", fd2, EBUSY);

	/* Before SET_OWNER. */
	s.num = 64;
	expect("SET_VRING_NUM before SET_OWNER",
	       ioctl(d.fd, VHOST_SET_VRING_NUM, &s), EPERM);
	expect("IOTLB update before SET_OWNER",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE,
			 (uintptr_t)d.mem, VHOST_ACCESS_RW), EPERM);
	expect("RESET_OWNER before SET_OWNER",
	       ioctl(d.fd, VHOST_RESET_OWNER, NULL), EPERM);
	expect("SET_OWNER", ioctl(d.fd, VHOST_SET_OWNER, NULL), 0);
	expect("SET_OWNER again", ioctl(d.fd, VHOST_SET_OWNER, NULL), EBUSY);

	/* A second process on the same fd is not the owner. */
	pid = fork();
	if (pid == 0) {
		int err = 0;

		s.index = 0;
		s.num = 64;
		if (ioctl(d.fd, VHOST_SET_VRING_NUM, &s) == 0 || errno != EPERM)
			err = 1;
		if (iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE,
			      (uintptr_t)d.mem, VHOST_ACCESS_RW) != -EPERM)
			err = 1;
		if (ioctl(d.fd, VHOST_RESET_OWNER, NULL) == 0 || errno != EPERM)
			err = 1;
		_exit(err);
	}
	{
		int wst;

		waitpid(pid, &wst, 0);
		expect("another process's ring, map and owner ioctls (EPERM)",
		       WIFEXITED(wst) && !WEXITSTATUS(wst) ? 0 : -EIO, 0);
	}

	xioctl(d.fd, VHOST_GET_BACKEND_FEATURES, &offered);
	feat = 1ULL << 40;
	expect("SET_BACKEND_FEATURES unknown bit",
	       ioctl(d.fd, VHOST_SET_BACKEND_FEATURES, &feat), EOPNOTSUPP);
	if (!(offered & (1ULL << VHOST_BACKEND_F_DESC_ASID))) {
		feat = (1ULL << VHOST_BACKEND_F_DESC_ASID) |
		       (1ULL << VHOST_BACKEND_F_IOTLB_ASID);
		expect("SET_BACKEND_FEATURES DESC_ASID not offered",
		       ioctl(d.fd, VHOST_SET_BACKEND_FEATURES, &feat), EOPNOTSUPP);
	}
	feat = offered & ((1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
			  (1ULL << VHOST_BACKEND_F_IOTLB_BATCH) |
			  (1ULL << VHOST_BACKEND_F_IOTLB_ASID));
	expect("SET_BACKEND_FEATURES v2|batch|asid",
	       ioctl(d.fd, VHOST_SET_BACKEND_FEATURES, &feat), 0);
	d.backend = feat;

	/* IOTLB messages. */
	m2.iotlb.type = VHOST_IOTLB_UPDATE;
	m2.iotlb.iova = 0;
	m2.iotlb.size = PAGE;
	m2.iotlb.uaddr = (uintptr_t)d.mem;
	m2.iotlb.perm = VHOST_ACCESS_RW;
	expect("IOTLB message too short", raw_write(d.fd, &m2, 40), EINVAL);
	m2.type = 7;
	expect("IOTLB message of unknown type",
	       raw_write(d.fd, &m2, sizeof(m2)), EINVAL);
	expect("IOTLB entry type 99",
	       iotlb_msg(&d, 0, 99, 0, PAGE, (uintptr_t)d.mem, 3), EINVAL);
	expect("UPDATE size 0",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 0, (uintptr_t)d.mem, 3),
	       EINVAL);
	expect("UPDATE iova range wraps",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, -PAGE, 2 * PAGE,
			 (uintptr_t)d.mem, 3), EINVAL);
	expect("UPDATE uaddr range wraps",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 2 * PAGE, -PAGE, 3),
	       EINVAL);
	expect("UPDATE unaligned iova",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0x10, PAGE,
			 (uintptr_t)d.mem, 3), EINVAL);
	expect("UPDATE unaligned uaddr",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE,
			 (uintptr_t)d.mem + 8, 3), EINVAL);
	expect("UPDATE unaligned size",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 100,
			 (uintptr_t)d.mem, 3), EINVAL);
	expect("UPDATE permission 0",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE,
			 (uintptr_t)d.mem, 0), EINVAL);
	expect("UPDATE permission 4",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE,
			 (uintptr_t)d.mem, 4), EINVAL);
	expect("UPDATE of unmapped user memory",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, PAGE, PAGE, 3), EFAULT);
	expect("UPDATE unknown address space",
	       iotlb_msg(&d, nas, VHOST_IOTLB_UPDATE, 0, PAGE,
			 (uintptr_t)d.mem, 3), EINVAL);
	expect("UPDATE 1 MiB", iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 1 << 20,
					 (uintptr_t)d.mem, 3), 0);
	expect("UPDATE overlapping", iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE,
					       PAGE, PAGE, (uintptr_t)d.mem, 3),
	       EEXIST);
	expect("INVALIDATE size 0",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, 0, 0, 0, 0), EINVAL);
	expect("INVALIDATE wraps",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, -PAGE, 2 * PAGE, 0, 0),
	       EINVAL);
	expect("INVALIDATE a middle page",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, 8 * PAGE, PAGE, 0, 0), 0);
	expect("INVALIDATE a hole", iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE,
					      1ULL << 40, PAGE, 0, 0), 0);
	expect("BATCH_BEGIN asid 0",
	       iotlb_msg(&d, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0), 0);
	if (nas > 1)
		expect("UPDATE in another address space during a batch",
		       iotlb_msg(&d, 1, VHOST_IOTLB_UPDATE, 0, PAGE,
				 (uintptr_t)d.mem, 3), EINVAL);
	expect("BATCH_END", iotlb_msg(&d, 0, VHOST_IOTLB_BATCH_END, 0, 0, 0, 0),
	       0);
	expect("INVALIDATE all",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, 0, 1 << 20, 0, 0), 0);
	expect("nothing pinned after INVALIDATE all", vm_pinned_kb() ? -EIO : 0,
	       0);

	/* Queue and group indexes. */
	s.index = nvqs;
	s.num = 64;
	expect("SET_VRING_NUM queue out of range",
	       ioctl(d.fd, VHOST_SET_VRING_NUM, &s), ENOBUFS);
	s.index = 0xffffffff;
	expect("GET_VRING_BASE queue 0xffffffff",
	       ioctl(d.fd, VHOST_GET_VRING_BASE, &s), ENOBUFS);
	f.index = nvqs + 100;
	f.fd = -1;
	expect("SET_VRING_KICK queue out of range",
	       ioctl(d.fd, VHOST_SET_VRING_KICK, &f), ENOBUFS);
	s.index = nvqs;
	expect("GET_VRING_GROUP queue out of range",
	       ioctl(d.fd, VHOST_VDPA_GET_VRING_GROUP, &s), ENOBUFS);
	s.index = ngroups;
	s.num = 0;
	expect("SET_GROUP_ASID group out of range",
	       ioctl(d.fd, VHOST_VDPA_SET_GROUP_ASID, &s), EINVAL);
	s.index = 0;
	s.num = nas;
	expect("SET_GROUP_ASID asid out of range",
	       ioctl(d.fd, VHOST_VDPA_SET_GROUP_ASID, &s), EINVAL);
	s.index = 0;
	s.num = 0;
	expect("SET_VRING_NUM 0", ioctl(d.fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = 48;
	expect("SET_VRING_NUM 48 (not a power of 2)",
	       ioctl(d.fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = max * 2;
	expect("SET_VRING_NUM above the maximum",
	       ioctl(d.fd, VHOST_SET_VRING_NUM, &s), EINVAL);
	s.num = 0x10000;
	expect("SET_VRING_BASE 0x10000 (split)",
	       ioctl(d.fd, VHOST_SET_VRING_BASE, &s), EINVAL);
	f.index = 0;
	f.fd = d.fd;
	expect("SET_VRING_KICK with a non-eventfd",
	       ioctl(d.fd, VHOST_SET_VRING_KICK, &f), EINVAL);
	f.fd = 9999;
	expect("SET_VRING_CALL with a closed fd",
	       ioctl(d.fd, VHOST_SET_VRING_CALL, &f), EBADF);
	efd = eventfd(0, 0);
	f.fd = efd;
	expect("SET_VRING_KICK", ioctl(d.fd, VHOST_SET_VRING_KICK, &f), 0);
	close(efd);	/* we still hold it: the device must not care */
	a.index = 0;
	/* As upstream: the log flag is taken (and means nothing yet). */
	a.flags = 1 << VHOST_VRING_F_LOG;
	expect("SET_VRING_ADDR with logging",
	       ioctl(d.fd, VHOST_SET_VRING_ADDR, &a), 0);
	a.flags = 1 << 1;
	expect("SET_VRING_ADDR with an unknown flag",
	       ioctl(d.fd, VHOST_SET_VRING_ADDR, &a), EOPNOTSUPP);
	a.flags = 0;
	a.desc_user_addr = 8;
	expect("SET_VRING_ADDR misaligned descriptors",
	       ioctl(d.fd, VHOST_SET_VRING_ADDR, &a), EINVAL);
	expect("SET_MEM_TABLE", ioctl(d.fd, VHOST_SET_MEM_TABLE, d.mem),
	       EOPNOTSUPP);
	expect("unknown ioctl", ioctl(d.fd, _IO(VHOST_VIRTIO, 0x6f), NULL),
	       ENOTTY);

	/* Config space bounds. */
	cfg.off = 0;
	cfg.len = 0;
	expect("GET_CONFIG length 0", ioctl(d.fd, VHOST_VDPA_GET_CONFIG, &cfg),
	       EINVAL);
	cfg.off = 0x10000;
	cfg.len = 1;
	expect("GET_CONFIG beyond the end",
	       ioctl(d.fd, VHOST_VDPA_GET_CONFIG, &cfg), EINVAL);
	cfg.off = 0;
	cfg.len = 0x10000;
	expect("SET_CONFIG too long", ioctl(d.fd, VHOST_VDPA_SET_CONFIG, &cfg),
	       E2BIG);
	cfg.off = 4;
	cfg.len = 0xfffffff0;
	expect("GET_CONFIG length wrapping past the end",
	       ioctl(d.fd, VHOST_VDPA_GET_CONFIG, &cfg), E2BIG);

	/* Status only grows, except through reset. */
	st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	expect("status ACK|DRIVER", ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st), 0);
	feat = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	expect("SET_FEATURES", ioctl(d.fd, VHOST_SET_FEATURES, &feat), 0);
	st |= VIRTIO_CONFIG_S_FEATURES_OK;
	expect("status FEATURES_OK", ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st), 0);
	expect("SET_FEATURES after FEATURES_OK",
	       ioctl(d.fd, VHOST_SET_FEATURES, &feat), EBUSY);
	st = VIRTIO_CONFIG_S_ACKNOWLEDGE;
	expect("status going backwards",
	       ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st), EINVAL);
	st = 0;
	expect("status reset", ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st), 0);

	/* Doorbells: a simulator has none; bad mappings are refused anyway. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, 0);
	expect("mmap doorbell readable", p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, 2 * PAGE, PROT_WRITE, MAP_SHARED, d.fd, 0);
	expect("mmap doorbell of two pages", p == MAP_FAILED ? -1 : 0, EINVAL);

	/* Reset owner drops maps and pins; a new SET_OWNER works. */
	expect("UPDATE before RESET_OWNER",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 1 << 20,
			 (uintptr_t)d.mem, 3), 0);
	expect("RESET_OWNER", ioctl(d.fd, VHOST_RESET_OWNER, NULL), 0);
	expect("nothing pinned after RESET_OWNER", vm_pinned_kb() ? -EIO : 0, 0);
	expect("SET_OWNER after RESET_OWNER",
	       ioctl(d.fd, VHOST_SET_OWNER, NULL), 0);
	expect("UPDATE again, then close with it mapped",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 1 << 20,
			 (uintptr_t)d.mem, 3), 0);
	close(d.fd);
	expect("nothing pinned after close", vm_pinned_kb() ? -EIO : 0, 0);

	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/* Run as an unprivileged owner (no CAP_IPC_LOCK) with a small limit. */
static int cmd_memlock(const char *path)
{
	struct rlimit rl = { 256 << 10, 256 << 10 };
	struct dev d = { 0 };

	if (setrlimit(RLIMIT_MEMLOCK, &rl))
		die("setrlimit: %s", strerror(errno));
	d.fd = open(path, O_RDWR);
	if (d.fd < 0)
		die("open %s: %s", path, strerror(errno));
	d.mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	xioctl(d.fd, VHOST_SET_OWNER, NULL);
	expect("UPDATE 2 MiB with RLIMIT_MEMLOCK 256 KiB",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, MEM_SIZE,
			 (uintptr_t)d.mem, 3), ENOMEM);
	expect("nothing pinned after the refused map", vm_pinned_kb() ? -EIO : 0,
	       0);
	expect("UPDATE 128 KiB", iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 0, 128 << 10,
					   (uintptr_t)d.mem, 3), 0);
	expect("UPDATE 256 KiB more",
	       iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 1 << 20, 256 << 10,
			 (uintptr_t)d.mem + (256 << 10), 3), ENOMEM);
	expect("128 KiB pinned", vm_pinned_kb() == 128 ? 0 : -EIO, 0);
	close(d.fd);
	expect("nothing pinned after close", vm_pinned_kb() ? -EIO : 0, 0);
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/* ---- send: a real NIC's transmit path ---------------------------------- */

static int parse_mac(const char *str, uint8_t *mac)
{
	unsigned int b[6], i;

	if (sscanf(str, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

/* Open a net device and start it with queues 0 and 1 over our mapping. */
static void net_start(struct dev *d, const char *path)
{
	dev_open(d, path, VIRTIO_ID_NET,
		 (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
		 (1ULL << VHOST_BACKEND_F_IOTLB_BATCH),
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	map_all(d);
	vq_setup(d, 0);
	vq_setup(d, 1);
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

/*
 * Transmit frames to @dst on queue 1 and wait for each completion (through
 * the call eventfd, i.e. the parent's interrupt). Returns how many
 * completed. The receiving NIC counts them; nothing comes back here.
 */
static unsigned int send_frames(struct dev *d, const uint8_t *dst,
				unsigned int frames)
{
	static struct frame *txf;
	struct vq *tx = &d->vq[1];
	unsigned int i;

	if (!txf)
		txf = alloc_mem(d, sizeof(*txf) * (QSIZE / 3), 64);
	for (i = 0; i < frames; i++) {
		struct frame *f = &txf[i % (QSIZE / 3)];
		uint32_t len = sizeof(*f), ulen;
		int w = 0;
		void *b = f;

		fill_frame(f, dst, i);
		vq_add(d, tx, 1, &b, &len, &w);
		vq_kick(tx, 1);
		if (vq_wait(tx, &ulen, 5000) < 0) {
			fprintf(stderr, "frame %u: not completed within 5s\n", i);
			break;
		}
	}
	return i;
}

static int cmd_send(const char *path, const char *dst_str, unsigned int frames,
		    int need_doorbell)
{
	struct dev d;
	uint8_t dst[6];
	unsigned int done;

	if (parse_mac(dst_str, dst))
		die("bad MAC %s", dst_str);
	net_start(&d, path);
	if (need_doorbell && !d.vq[1].doorbell)
		die("the transmit queue's doorbell could not be mapped");
	done = send_frames(&d, dst, frames);
	printf("send: %u frames sent, %u completed, kicked by %s\n", frames,
	       done, d.vq[1].doorbell ? "the mapped doorbell" : "eventfd");
	dev_close(&d);
	return done == frames ? 0 : 1;
}

/*
 * Negotiate features on a net device and nothing else, until FLAG exists:
 * its counters (vdpa dev vstats, which wants negotiated features) can be
 * read without a frame of ours in them.
 */
static int cmd_features_ok(const char *path, const char *flag)
{
	struct stat sb;
	struct dev d;

	dev_open(&d, path, VIRTIO_ID_NET, 0,
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	printf("FEATURES_OK\n");
	while (stat(flag, &sb))
		usleep(50000);
	close(d.fd);
	return 0;
}

/*
 * Start a net device with a config-change eventfd, say "DRIVER_OK", and
 * wait (20 s at most) for the device to signal it: then print the MAC the
 * config space holds. A provisioning change while a driver runs must reach
 * the driver this way.
 */
static int cmd_config(const char *path)
{
	struct pollfd p = { .events = POLLIN };
	struct vhost_vdpa_config *c;
	struct dev d;
	uint64_t n;
	int fd;

	dev_open(&d, path, VIRTIO_ID_NET, 0,
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		 (1ULL << VIRTIO_NET_F_MAC));
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		die("eventfd: %s", strerror(errno));
	xioctl(d.fd, VHOST_VDPA_SET_CONFIG_CALL, &fd);
	set_status(&d, VIRTIO_CONFIG_S_ACKNOWLEDGE |
		   VIRTIO_CONFIG_S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK |
		   VIRTIO_CONFIG_S_DRIVER_OK);
	printf("DRIVER_OK\n");
	p.fd = fd;
	if (poll(&p, 1, 20000) != 1 || read(fd, &n, sizeof(n)) != sizeof(n)) {
		printf("no config change signalled\n");
		return 1;
	}
	c = calloc(1, sizeof(*c) + 6);
	if (!c)
		die("out of memory");
	c->off = 0;
	c->len = 6;
	xioctl(d.fd, VHOST_VDPA_GET_CONFIG, c);
	printf("config changed: mac %02x:%02x:%02x:%02x:%02x:%02x\n",
	       c->buf[0], c->buf[1], c->buf[2], c->buf[3], c->buf[4], c->buf[5]);
	free(c);
	dev_close(&d);
	return 0;
}

/*
 * Set up and run a net device, then wait until FLAG exists (the test
 * removes the device meanwhile) and check that the fd fails cleanly.
 */
static int cmd_hold(const char *path, const char *flag, int batch,
		    const char *dst_str)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 }, st;
	struct vhost_vring_state s = { 0 };
	struct stat sb;
	struct dev d;
	char c;

	net_start(&d, path);
	if (dst_str) {
		if (parse_mac(dst_str, mac))
			die("bad MAC %s", dst_str);
		if (send_frames(&d, mac, 5) != 5)
			die("frames were not sent before removal");
	} else if (net_run(&d, mac, 5, NULL)) {
		die("frames did not loop before removal");
	}
	if (batch) {
		if (iotlb_msg(&d, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0) ||
		    iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, 1ULL << 40, PAGE,
			      (uintptr_t)d.mem, 3))
			die("batch: %s", strerror(errno));
	}
	printf("READY (VmPin %ld kB)\n", vm_pinned_kb());
	fflush(stdout);
	while (stat(flag, &sb))
		usleep(50000);

	expect("GET_STATUS after removal",
	       ioctl(d.fd, VHOST_VDPA_GET_STATUS, &st), ENODEV);
	expect("SET_VRING_NUM after removal",
	       ioctl(d.fd, VHOST_SET_VRING_NUM, &s), ENODEV);
	expect(batch ? "BATCH_END after removal" : "UPDATE after removal",
	       iotlb_msg(&d, 0, batch ? VHOST_IOTLB_BATCH_END :
			 VHOST_IOTLB_UPDATE, 1ULL << 41, PAGE,
			 (uintptr_t)d.mem, 3), ENODEV);
	expect("read after removal", read(d.fd, &c, 1), ENODEV);
	expect("mmap after removal",
	       mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, d.fd, 0) == MAP_FAILED ?
	       -1 : 0, ENODEV);
	expect("pins released by removal", vm_pinned_kb() ? -EIO : 0, 0);
	{
		uint64_t one = 1;

		/* Kicking a detached eventfd is harmless. */
		expect("kick after removal",
		       write(d.vq[1].kick, &one, 8) == 8 ? 0 : -1, 0);
	}
	if (d.vq[1].doorbell) {
		int status = 0;
		pid_t pid = fork();

		/* The BAR is gone: the mapping must fault, not reach it. */
		if (pid == 0) {
			__atomic_store_n(d.vq[1].doorbell, 1, __ATOMIC_RELAXED);
			_exit(0);
		}
		waitpid(pid, &status, 0);
		expect("doorbell write after removal faults",
		       WIFSIGNALED(status) && (WTERMSIG(status) == SIGBUS ||
					       WTERMSIG(status) == SIGSEGV) ?
		       0 : -EIO, 0);
	}
	expect("close after removal", close(d.fd), 0);
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/* ---- a peer: where a real NIC's frames arrive -------------------------- */

/*
 * A simulator loops what it sends back to its own RX queue; a real NIC
 * (vp_vdpa) sends it on the wire, where the peer interface receives it on
 * a packet socket. Either way a frame that arrives intact is proof that
 * the device read the memory it came from.
 */
static int peer_fd = -1;
static uint8_t peer_mac[6];

static void peer_open(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htobe16(0x88b5),
		.sll_ifindex = if_nametoindex(ifname),
	};
	char path[128], mac[32] = "";
	FILE *f;

	if (!sll.sll_ifindex)
		die("no interface %s here", ifname);
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", ifname);
	f = fopen(path, "r");
	if (!f || !fgets(mac, sizeof(mac), f) || parse_mac(mac, peer_mac))
		die("%s: no MAC address", path);
	fclose(f);
	peer_fd = socket(AF_PACKET, SOCK_RAW, htobe16(0x88b5));
	if (peer_fd < 0 || bind(peer_fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("packet socket on %s: %s", ifname, strerror(errno));
}

/* Whether @f (its Ethernet frame, without the virtio header) arrives. */
static int peer_seen(const struct frame *f, int timeout_ms)
{
	const size_t wire = sizeof(*f) - sizeof(f->hdr);
	struct pollfd pfd = { .fd = peer_fd, .events = POLLIN };
	uint8_t buf[2048];
	ssize_t n;

	while (poll(&pfd, 1, timeout_ms) > 0) {
		n = recv(peer_fd, buf, sizeof(buf), 0);
		if (n >= (ssize_t)wire && !memcmp(buf, f->dst, wire))
			return 0;
	}
	return -1;
}

/* Send @f (filled) on TX and check that it reaches the peer intact. */
static int peer_one(struct dev *d, struct frame *f)
{
	uint32_t len = sizeof(*f), tlen;
	void *b = f;
	int w = 0;

	vq_add(d, &d->vq[1], 1, &b, &len, &w);
	vq_kick(&d->vq[1], 1);
	if (vq_wait(&d->vq[1], &tlen, 2000) < 0)
		return -1;
	return peer_seen(f, 2000);
}

/* ---- dma: the device reaches only what the owner mapped ---------------- */

/*
 * Both checks are made by DMA: a descriptor that points where the device
 * must not reach is offered and kicked, and the device must not read it
 * (no frame comes back, the data around it is untouched, the device
 * reports NEEDS_RESET because it could not read). Ring memory is one 2 MiB
 * huge page, so its IOVA range is one table entry that can be split, and
 * its physical address is known (/proc/self/pagemap, as root).
 */

#define HUGE_SIZE	(2UL << 20)
#define FILL_IOVA	0x80000000ULL
#define DMA_PERSIST_BACKEND	((1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) | \
				 (1ULL << VHOST_BACKEND_F_IOTLB_BATCH) |  \
				 (1ULL << VHOST_BACKEND_F_IOTLB_ASID) |   \
				 (1ULL << VHOST_BACKEND_F_IOTLB_PERSIST))

static uint64_t phys_of(const void *p)
{
	uint64_t ent;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0 || pread(fd, &ent, 8, ((uintptr_t)p / PAGE) * 8) != 8)
		die("pagemap: %s", strerror(errno));
	close(fd);
	if (!(ent & (1ULL << 63)) || !(ent & ((1ULL << 55) - 1)))
		die("pagemap gives no frame (not root?)");
	return (ent & ((1ULL << 55) - 1)) * PAGE + (uintptr_t)p % PAGE;
}

static void dma_open_mem(struct dev *d);

/* Open a net device whose ring memory is a locked huge page. */
static void dma_open(struct dev *d, const char *path, uint64_t backend)
{
	dev_open(d, path, VIRTIO_ID_NET, backend,
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	munmap(d->mem, MEM_SIZE);
	dma_open_mem(d);
}

/* Ring memory: a fresh locked huge page (the old one stays, if any). */
static void dma_open_mem(struct dev *d)
{
	void *h;

	h = mmap(NULL, HUGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
	if (h == MAP_FAILED)
		die("huge page: %s (nr_hugepages set?)", strerror(errno));
	if (mlock(h, HUGE_SIZE))
		die("mlock: %s", strerror(errno));
	d->mem = h;
}

/* Reset the device and take it back to FEATURES_OK; the map persists. */
static void dma_renegotiate(struct dev *d)
{
	uint64_t features = (1ULL << VIRTIO_F_VERSION_1) |
			    (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	uint8_t zero = 0;

	xioctl(d->fd, VHOST_VDPA_SET_STATUS, &zero);
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	xioctl(d->fd, VHOST_SET_FEATURES, &features);
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK);
	memset(d->mem, 0, HUGE_SIZE);
	d->mem_used = 0;
	memset(d->vq, 0, sizeof(d->vq));
}

/* The status once the device had time to act on a kick. */
static uint8_t settle_status(struct dev *d)
{
	uint8_t st;

	usleep(500000);
	xioctl(d->fd, VHOST_VDPA_GET_STATUS, &st);
	return st;
}

/*
 * Loop one frame from @f (already filled) through a running net device
 * whose RX queue has buffers; returns 0 if it came back intact.
 */
static int loop_one(struct dev *d, struct frame *f)
{
	struct vq *tx = &d->vq[1], *rx = &d->vq[0];
	uint32_t len = sizeof(*f), rlen, tlen;
	int w = 0, ok;
	void *b = f;
	uint8_t *got;
	int id;

	if (peer_fd >= 0)
		return peer_one(d, f);
	vq_add(d, tx, 1, &b, &len, &w);
	vq_kick(tx, 1);
	id = vq_wait(rx, &rlen, 2000);
	if (id < 0 || vq_wait(tx, &tlen, 2000) < 0)
		return -1;
	got = d->mem + (rx->desc[id].addr - IOVA_BASE);
	ok = rlen == sizeof(*f) &&
	     !memcmp(got + sizeof(f->hdr), (uint8_t *)f + sizeof(f->hdr),
		     sizeof(*f) - sizeof(f->hdr));
	/* Give the buffer back for the next frame. */
	b = got;
	len = BUF_SIZE;
	w = 1;
	vq_add(d, rx, 1, &b, &len, &w);
	vq_kick(rx, 0);
	return ok ? 0 : -1;
}

/*
 * Offer one TX frame at @f (already filled) and check that the device does
 * not read it: nothing comes back on RX (or reaches the peer), and the
 * simulator gives up on it. QEMU's device behind an IOMMU (-P) does not:
 * it reads zeroes where the IOMMU refuses a translation and sends those;
 * what it was refused is in the kernel's log of DMAR faults instead.
 */
static void expect_unreachable(struct dev *d, const char *what, void *f)
{
	struct vq *tx = &d->vq[1];
	uint32_t len = sizeof(struct frame), rlen;
	int w = 0, seen;

	vq_add(d, tx, 1, &f, &len, &w);
	vq_kick(tx, 1);
	if (peer_fd >= 0)
		seen = !peer_seen(f, 1000);
	else
		seen = vq_wait(&d->vq[0], &rlen, 1000) >= 0;
	expect(what, seen ? -EIO : 0, 0);
	if (peer_fd >= 0)
		printf("device status %#x\n", settle_status(d));
	else
		expect("the device reports it could not read",
		       settle_status(d) & VIRTIO_CONFIG_S_NEEDS_RESET ? 0 : -EIO,
		       0);
}

/* Where dma's frames go: the simulator's own MAC, or the peer's. */
static const uint8_t *dma_dst(void)
{
	static const uint8_t sim_mac[6] = { 2, 0, 0, 0, 0, 1 };

	return peer_fd >= 0 ? peer_mac : sim_mac;
}

/* Start a net device on a huge page mapped at IOVA_BASE; frames go through. */
static void dma_start(struct dev *d, const char *path, uint64_t backend)
{
	struct frame *f;
	unsigned int i;

	dma_open(d, path, backend);
	if (iotlb_msg(d, 0, VHOST_IOTLB_UPDATE, IOVA_BASE, HUGE_SIZE,
		      (uintptr_t)d->mem, VHOST_ACCESS_RW))
		die("map the huge page: %s", strerror(errno));
	vq_setup(d, 0);
	vq_setup(d, 1);
	set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	if (peer_fd < 0) {
		if (net_run(d, dma_dst(), 3, NULL))
			die("frames did not loop before the test");
		return;
	}
	f = alloc_mem(d, sizeof(*f), 64);
	for (i = 0; i < 3; i++) {
		fill_frame(f, peer_mac, i);
		if (peer_one(d, f))
			die("frames did not reach the peer before the test");
	}
}

/*
 * Map single pages of fresh memory at separate IOVAs until the table
 * refuses; returns that error, and in *@entries how many went in.
 */
static int fill_table(struct dev *d, unsigned int *entries)
{
	uint8_t *fill = mmap(NULL, 4096 * PAGE, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	unsigned int i;
	int err = 0;

	if (fill == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (i = 0; i < 4096 && !err; i++)
		err = iotlb_msg(d, 0, VHOST_IOTLB_UPDATE,
				FILL_IOVA + 2 * i * PAGE, PAGE,
				(uintptr_t)fill + i * PAGE, VHOST_ACCESS_RO);
	*entries = err ? i - 1 : i;
	return err;
}

/*
 * Sequence 1: an invalidate the tables cannot carry out must fail and keep
 * the pages mapped and pinned; one they can must stop the device reading.
 * Only a parent with a table of its own (the simulator) can refuse one; on
 * a platform IOMMU (vp_vdpa, -P) the second half is checked alone.
 */
static int dma_unmap(const char *path)
{
	uint64_t backend = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
			   (1ULL << VHOST_BACKEND_F_IOTLB_BATCH);
	struct frame *victim;
	unsigned int entries;
	long pin_full, pin, unpinned = 4;
	struct dev d;
	int err;

	dma_start(&d, path, backend);
	/* A page in the middle of the huge page's entry: a split. */
	victim = (struct frame *)(d.mem + HUGE_SIZE / 2);
	printf("victim page at IOVA %#llx\n",
	       (unsigned long long)iova_of(&d, victim));
	if (peer_fd < 0) {
		/* Fill the table with single pages until it refuses. */
		err = fill_table(&d, &entries);
		printf("table full after %u more entries (%s)\n", entries,
		       strerror(-err));
		expect("the table's limit answers", err, ENOSPC);

		pin_full = vm_pinned_kb();
		err = iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE,
				iova_of(&d, victim), PAGE, 0, 0);
		expect("INVALIDATE that splits an entry of a full table", err,
		       ENOSPC);
		pin = vm_pinned_kb();
		printf("VmPin %ld kB before, %ld kB after the failed invalidate\n",
		       pin_full, pin);
		expect("pins kept by the failed invalidate",
		       pin == pin_full ? 0 : -EIO, 0);
		/* Room for the split: a fill entry goes. */
		expect("INVALIDATE of a whole entry",
		       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, FILL_IOVA, PAGE,
				 0, 0), 0);
		unpinned = 8;
	} else {
		pin_full = vm_pinned_kb();
	}
	/* Still mapped, and the owner was told so: it is still read. */
	fill_frame(victim, dma_dst(), 98);
	expect("a frame in the page is still sent", loop_one(&d, victim), 0);

	expect("INVALIDATE that splits an entry",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, iova_of(&d, victim),
			 PAGE, 0, 0), 0);
	pin = vm_pinned_kb();
	printf("VmPin %ld kB after unmapping %ld kB\n", pin, unpinned);
	expect("the pages are unpinned", pin == pin_full - unpinned ? 0 : -EIO,
	       0);

	fill_frame(victim, dma_dst(), 99);
	expect_unreachable(&d, "a frame in the unmapped page is not sent",
			   victim);
	printf("%d failure(s)\n", failures);
	dev_close(&d);
	return failures ? 1 : 0;
}

/*
 * Sequence 2: after a reset that had to install a persistent map, an
 * address space the owner never mapped must be empty, not physical memory.
 * The rings and the frame are described by their physical addresses and
 * group 0 moved to address space 1; the device must read none of it. A
 * vp_vdpa device (-P) has a single address space: its rings stay in 0,
 * where nothing is mapped at those addresses either.
 */
static int dma_identity(const char *path)
{
	uint64_t backend = DMA_PERSIST_BACKEND;
	uint8_t st;
	struct vhost_vring_state s = { .index = 0, .num = 1 };
	unsigned int i, entries;
	struct frame *f;
	uint8_t *copy;
	uint64_t pa;
	struct dev d;
	int err = 0;

	dma_open(&d, path, backend);
	if (d.backend != backend)
		die("backend features 0x%llx lack IOTLB_ASID or IOTLB_PERSIST",
		    (unsigned long long)d.backend);
	pa = phys_of(d.mem);
	if (pa == IOVA_BASE) {
		/* Mapped at its own address: take another huge page. */
		dma_open_mem(&d);
		pa = phys_of(d.mem);
	}
	printf("ring memory at physical %#llx\n", (unsigned long long)pa);

	/* A persistent map, with a batch larger than the parent takes. */
	iotlb_msg(&d, 0, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0);
	if (iotlb_msg(&d, 0, VHOST_IOTLB_UPDATE, IOVA_BASE, HUGE_SIZE,
		      (uintptr_t)d.mem, VHOST_ACCESS_RW))
		die("map the huge page: %s", strerror(errno));
	err = fill_table(&d, &entries);
	printf("batch took %u entries (%s)\n", entries, strerror(-err));
	err = iotlb_msg(&d, 0, VHOST_IOTLB_BATCH_END, 0, 0, 0, 0);
	printf("BATCH_END: %s\n", strerror(-err));

	/* Reset: the persistent map is installed again (or fails to be). */
	dma_renegotiate(&d);

	/* Group 0 (the data queues) to address space 1, never mapped. */
	if (peer_fd < 0)
		xioctl(d.fd, VHOST_VDPA_SET_GROUP_ASID, &s);
	vq_setup(&d, 0);
	vq_setup(&d, 1);
	/* Every address the device is given is a physical one. */
	for (i = 0; i < 2; i++) {
		struct vhost_vring_addr a = { .index = i };
		struct vq *q = &d.vq[i];

		a.desc_user_addr = pa + ((uint8_t *)q->desc - d.mem);
		a.avail_user_addr = pa + ((uint8_t *)q->avail - d.mem);
		a.used_user_addr = pa + ((uint8_t *)q->used - d.mem);
		xioctl(d.fd, VHOST_SET_VRING_ADDR, &a);
	}
	f = alloc_mem(&d, sizeof(*f), 64);
	fill_frame(f, dma_dst(), 7);
	copy = alloc_mem(&d, BUF_SIZE, 64);
	memset(copy, 0x5a, BUF_SIZE);
	for (i = 0; i < QSIZE / 3; i++) {
		struct vring_desc *rx = &d.vq[0].desc[i * 3];

		rx->addr = pa + (copy - d.mem);
		rx->len = BUF_SIZE;
		rx->flags = VRING_DESC_F_WRITE;
		d.vq[0].avail->ring[i] = i * 3;
	}
	d.vq[0].avail_idx = QSIZE / 3;
	d.vq[0].avail->idx = d.vq[0].avail_idx;
	d.vq[1].desc[0].addr = pa + ((uint8_t *)f - d.mem);
	d.vq[1].desc[0].len = sizeof(*f);
	d.vq[1].avail->ring[0] = 0;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	d.vq[1].avail_idx = 1;
	d.vq[1].avail->idx = 1;

	st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;
	if (ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st) < 0) {
		printf("DRIVER_OK refused: %s\n", strerror(errno));
	} else {
		vq_kick(&d.vq[0], 0);
		vq_kick(&d.vq[1], 1);
		st = settle_status(&d);
		printf("device status %#x, used %u/%u\n", st,
		       d.vq[0].used->idx, d.vq[1].used->idx);
		expect("nothing read or written at physical addresses",
		       d.vq[0].used->idx || d.vq[1].used->idx ? -EIO : 0, 0);
		for (i = 0; i < BUF_SIZE; i++)
			if (copy[i] != 0x5a)
				break;
		expect("the receive buffer is untouched",
		       i == BUF_SIZE ? 0 : -EIO, 0);
		if (peer_fd >= 0)
			expect("the frame did not reach the peer",
			       peer_seen(f, 500) ? 0 : -EIO, 0);
		if (peer_fd < 0)
			expect("the device reports it could not read",
			       st & VIRTIO_CONFIG_S_NEEDS_RESET ? 0 : -EIO, 0);
	}
	printf("%d failure(s)\n", failures);
	dev_close(&d);
	return failures ? 1 : 0;
}

/* Write @val to the fault-injection attribute file @attr/@file. */
static void fault_attr_set(const char *attr, const char *file, const char *val)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/debug/%s/%s", attr, file);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

/*
 * Make the operations behind fault attribute @attr (the simulator's
 * fail_vdpa_sim_map or fail_vdpa_sim_unmap) fail @times times, -1 for
 * until inject_off().
 */
static void inject(const char *attr, int times)
{
	char val[16];

	snprintf(val, sizeof(val), "%d", times);
	fault_attr_set(attr, "verbose", "0");
	fault_attr_set(attr, "interval", "1");
	fault_attr_set(attr, "times", val);
	fault_attr_set(attr, "probability", "100");
}

static void inject_off(const char *attr)
{
	fault_attr_set(attr, "probability", "0");
}

/*
 * The parent fails to take a map back (@attr makes its unmap, or its
 * set_map, fail): the invalidate fails and the pages stay pinned. An
 * incremental parent kept the translation, and the device still reaches
 * it, as the owner was told; a whole-map parent left the address space
 * empty (@empty), and the device reaches nothing. Without the failure,
 * an invalidate lets the pages go.
 */
static int dma_keep(const char *path, const char *attr, int empty)
{
	uint64_t backend = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
			   (1ULL << VHOST_BACKEND_F_IOTLB_BATCH);
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct frame *victim;
	long pin0, pin;
	struct dev d;
	int err;

	dma_start(&d, path, backend);
	pin0 = vm_pinned_kb();
	/* The second half of the huge page; the rings stay in the first. */
	victim = (struct frame *)(d.mem + HUGE_SIZE / 2);
	inject(attr, 1);
	err = iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, iova_of(&d, victim),
			HUGE_SIZE / 2, 0, 0);
	inject_off(attr);
	printf("INVALIDATE with %s: %s\n", attr, strerror(-err));
	expect("INVALIDATE fails with the parent's error", err, ENOMEM);
	pin = vm_pinned_kb();
	printf("VmPin %ld kB before, %ld kB after\n", pin0, pin);
	expect("pins kept", pin == pin0 ? 0 : -EIO, 0);
	fill_frame(victim, mac, 4);
	if (empty)
		expect_unreachable(&d, "the emptied address space reaches nothing",
				   victim);
	else
		expect("the device still reaches the pages",
		       loop_one(&d, victim), 0);

	expect("INVALIDATE without a failure",
	       iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, iova_of(&d, victim),
			 HUGE_SIZE / 2, 0, 0), 0);
	pin = vm_pinned_kb();
	printf("VmPin %ld kB once the parent let go\n", pin);
	expect("pins of the half released",
	       pin == pin0 - (long)(HUGE_SIZE >> 11) ? 0 : -EIO, 0);
	if (!empty) {
		fill_frame(victim, mac, 5);
		expect_unreachable(&d, "a frame in the unmapped memory is not sent",
				   victim);
	}
	printf("%d failure(s)\n", failures);
	dev_close(&d);
	return failures ? 1 : 0;
}

/*
 * The persistent map cannot be installed again after a reset (@attr makes
 * the parent's map operation fail): DRIVER_OK is refused while it fails,
 * and taken once the map is in.
 */
static int dma_reinstall(const char *path, const char *attr)
{
	uint64_t backend = DMA_PERSIST_BACKEND;
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 }, st;
	struct dev d;
	int ret;

	dma_start(&d, path, backend);
	inject(attr, -1);
	dma_renegotiate(&d);
	vq_setup(&d, 0);
	vq_setup(&d, 1);
	st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;
	ret = ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st);
	printf("DRIVER_OK with %s: %s\n", attr,
	       ret ? strerror(errno) : "taken");
	expect("DRIVER_OK refused", ret ? -errno : 0, ENOMEM);
	xioctl(d.fd, VHOST_VDPA_GET_STATUS, &st);
	expect("the device did not start",
	       st & VIRTIO_CONFIG_S_DRIVER_OK ? -EIO : 0, 0);
	inject_off(attr);
	st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
	     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;
	expect("DRIVER_OK once the map goes in",
	       ioctl(d.fd, VHOST_VDPA_SET_STATUS, &st), 0);
	expect("frames loop over the reinstalled map",
	       net_run(&d, mac, 3, NULL), 0);
	printf("%d failure(s)\n", failures);
	dev_close(&d);
	return failures ? 1 : 0;
}

/* ---- stuck: calls that wait on a userspace page fault ------------------ */

struct stuck_call {
	pthread_t thread;
	struct dev *d;
	void *mem;	/* in the userfaultfd range: touching it waits */
	int ret;
	int done;
};

static void *stuck_update(void *arg)
{
	struct stuck_call *c = arg;

	/* Pinning faults the pages in. */
	c->ret = iotlb_msg(c->d, 0, VHOST_IOTLB_UPDATE, 1ULL << 40, 2 * PAGE,
			   (uintptr_t)c->mem, VHOST_ACCESS_RW);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *stuck_ioctl(void *arg)
{
	struct stuck_call *c = arg;

	/* The argument itself is in the faulting range. */
	c->ret = ioctl(c->d->fd, VHOST_SET_FEATURES, c->mem) ? -errno : 0;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * Two calls wait on page faults that a userfaultfd never serves: an IOTLB
 * update pinning its pages, and an ioctl reading its argument. The test
 * removes the device meanwhile, which must not wait for them, then creates
 * FLAG; closing the userfaultfd lets the faults finish, and both calls
 * must then fail with ENODEV, with nothing left pinned.
 */
static int cmd_stuck(const char *path, const char *flag)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct stuck_call upd = { 0 }, ctl = { 0 };
	uint8_t *mem;
	struct stat sb;
	struct dev d;
	int uffd;

	dev_open(&d, path, VIRTIO_ID_NET,
		 (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2),
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		die("userfaultfd: %s", strerror(errno));
	mem = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	reg.range.start = (uintptr_t)mem;
	reg.range.len = 4 * PAGE;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER: %s", strerror(errno));

	upd.d = &d;
	upd.mem = mem;
	ctl.d = &d;
	ctl.mem = mem + 3 * PAGE;
	if (pthread_create(&upd.thread, NULL, stuck_update, &upd) ||
	    pthread_create(&ctl.thread, NULL, stuck_ioctl, &ctl))
		die("pthread_create failed");
	usleep(500000);
	if (__atomic_load_n(&upd.done, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&ctl.done, __ATOMIC_ACQUIRE))
		die("a call did not wait on its fault (%d, %d)", upd.ret,
		    ctl.ret);
	printf("STUCK: an IOTLB update and an ioctl wait on page faults\n");
	fflush(stdout);
	while (stat(flag, &sb))
		usleep(50000);

	/* Without the userfaultfd the faults are served as usual. */
	close(uffd);
	pthread_join(upd.thread, NULL);
	pthread_join(ctl.thread, NULL);
	printf("update: %s; ioctl: %s\n", strerror(-upd.ret),
	       strerror(-ctl.ret));
	expect("the update fails once the device is gone", upd.ret, ENODEV);
	expect("the ioctl fails once the device is gone", ctl.ret, ENODEV);
	expect("nothing pinned", vm_pinned_kb() ? -EIO : 0, 0);
	expect("close", close(d.fd), 0);
	printf("%d failure(s)\n", failures);
	return failures ? 1 : 0;
}

/* ---- reset while an IOTLB update pins --------------------------------- */

static void *mid_pin_reset(void *arg)
{
	struct stuck_call *c = arg;
	uint8_t status = 0;

	c->ret = ioctl(c->d->fd, VHOST_VDPA_SET_STATUS, &status) ? -errno : 0;
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *mid_pin_update(void *arg)
{
	struct stuck_call *c = arg;

	c->ret = iotlb_msg(c->d, 0, VHOST_IOTLB_UPDATE, 1ULL << 40,
			   MID_PIN_HEAD + 4 * PAGE, (uintptr_t)c->mem,
			   VHOST_ACCESS_RW);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A reset (SET_STATUS 0) while an IOTLB update waits on a page fault half
 * way through pinning: its first MID_PIN_HEAD bytes are pinned and in
 * vhost-vdpa's table, the rest not yet. With IOTLB_PERSIST a reset pushes
 * the tables to the parent again; it must wait for the update. Otherwise
 * the parent gets the first half, the update fails on it when it pushes
 * its whole range, and unpins pages the parent still maps.
 */
static int cmd_reset_mid_pin(const char *path)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct stuck_call upd = { 0 }, rst = { 0 };
	const size_t len = MID_PIN_HEAD + 4 * PAGE;
	uint8_t *mem;
	struct dev d;
	int uffd;

	dev_open(&d, path, VIRTIO_ID_NET,
		 (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
		 (1ULL << VHOST_BACKEND_F_IOTLB_PERSIST),
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	if (!(d.backend & (1ULL << VHOST_BACKEND_F_IOTLB_PERSIST)))
		die("the device does not offer IOTLB_PERSIST");
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0 || ioctl(uffd, UFFDIO_API, &api))
		die("userfaultfd: %s", strerror(errno));
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	/*
	 * A huge page faulted in for the head would reach into the tail
	 * (EINVAL: a kernel without THP has none).
	 */
	if (madvise(mem, len, MADV_NOHUGEPAGE) && errno != EINVAL)
		die("madvise: %s", strerror(errno));
	reg.range.start = (uintptr_t)mem + MID_PIN_HEAD;
	reg.range.len = len - MID_PIN_HEAD;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER: %s", strerror(errno));
	memset(mem, 1, MID_PIN_HEAD);

	upd.d = &d;
	upd.mem = mem;
	rst.d = &d;
	if (pthread_create(&upd.thread, NULL, mid_pin_update, &upd))
		die("pthread_create failed");
	usleep(500000);
	if (__atomic_load_n(&upd.done, __ATOMIC_ACQUIRE))
		die("the update did not wait on its fault (%d)", upd.ret);
	if (pthread_create(&rst.thread, NULL, mid_pin_reset, &rst))
		die("pthread_create failed");
	usleep(500000);
	if (__atomic_load_n(&rst.done, __ATOMIC_ACQUIRE)) {
		printf("FAIL: the reset did not wait for the update in flight\n");
		failures++;
	} else {
		printf("ok: the reset waits for the update in flight\n");
	}

	/* Without the userfaultfd the faults are served as usual. */
	close(uffd);
	pthread_join(upd.thread, NULL);
	pthread_join(rst.thread, NULL);
	expect("the update, its range pinned whole", upd.ret, 0);
	expect("the reset after it", rst.ret, 0);
	/* Kept over the reset (IOTLB_PERSIST): all of it pinned, no more. */
	expect("pinned: the update's range",
	       vm_pinned_kb() == (long)(len / 1024) ? 0 : -EIO, 0);
	expect("unmap", iotlb_msg(&d, 0, VHOST_IOTLB_INVALIDATE, 1ULL << 40,
				  len, 0, 0), 0);
	expect("nothing pinned", vm_pinned_kb() ? -EIO : 0, 0);
	printf("%d failure(s)\n", failures);
	dev_close(&d);
	munmap(mem, len);
	return failures ? 1 : 0;
}

static int cmd_dma(const char *path, const char *what, const char *fn)
{
	if (fn && !strcmp(what, "keep"))
		return dma_keep(path, fn, 0);
	if (fn && !strcmp(what, "keep-empty"))
		return dma_keep(path, fn, 1);
	if (fn && !strcmp(what, "reinstall"))
		return dma_reinstall(path, fn);
	if (!strcmp(what, "unmap"))
		return dma_unmap(path);
	if (!strcmp(what, "identity"))
		return dma_identity(path);
	die("unknown dma check %s", what);
	return 2;
}

/* ---- dirty page log ---------------------------------------------------- */

/* The log covers every IOVA we map: a bit per 4 KiB page from IOVA 0. */
#define LOG_BYTES	((IOVA_BASE + MEM_SIZE) / PAGE / 8)

static void want_range(uint8_t *want, struct dev *d, const void *p,
		       size_t len)
{
	uint64_t page = iova_of(d, p) / PAGE;
	uint64_t last = (iova_of(d, p) + len - 1) / PAGE;

	for (; page <= last; page++)
		want[page / 8] |= 1 << (page % 8);
}

/* Pages logged that are not wanted, and wanted that are not logged. */
static void log_compare(const uint8_t *log, const uint8_t *want,
			unsigned int *extra, unsigned int *missed,
			unsigned int *logged)
{
	size_t i;

	*extra = *missed = *logged = 0;
	for (i = 0; i < LOG_BYTES; i++) {
		*extra += __builtin_popcount(log[i] & ~want[i]);
		*missed += __builtin_popcount(want[i] & ~log[i]);
		*logged += __builtin_popcount(log[i]);
	}
}

/*
 * Frames loop with VHOST_F_LOG_ALL acked: every page the device wrote (RX
 * buffers, as much as each frame filled, and the used rings) must be in
 * the log, and nothing else; the log eventfd fires. With logging off
 * again, frames loop and the log stays empty.
 */
/*
 * Give a running device from net_start() a log and its eventfd, and ack
 * VHOST_F_LOG_ALL with the features it runs with.
 */
static uint8_t *log_start(struct dev *d, int *efd)
{
	uint64_t features, base;
	uint8_t *log;

	xioctl(d->fd, VHOST_GET_FEATURES, &features);
	if (!(features & (1ULL << VHOST_F_LOG_ALL)))
		die("the device does not offer VHOST_F_LOG_ALL");
	log = mmap(NULL, LOG_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (log == MAP_FAILED)
		die("out of memory for the log");
	base = (uintptr_t)log;
	xioctl(d->fd, VHOST_SET_LOG_BASE, &base);
	*efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	xioctl(d->fd, VHOST_SET_LOG_FD, efd);
	features = (1ULL << VIRTIO_F_VERSION_1) |
		   (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		   (1ULL << VHOST_F_LOG_ALL);
	xioctl(d->fd, VHOST_SET_FEATURES, &features);
	return log;
}

/* A device that does not offer VHOST_F_LOG_ALL refuses all of logging. */
static int log_refused(struct dev *d)
{
	uint64_t features = (1ULL << VIRTIO_F_VERSION_1) |
			    (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
			    (1ULL << VHOST_F_LOG_ALL);
	uint64_t base = (uintptr_t)d->mem;
	int fd = -1;

	expect("VHOST_SET_LOG_BASE", ioctl(d->fd, VHOST_SET_LOG_BASE, &base),
	       EOPNOTSUPP);
	expect("VHOST_SET_LOG_FD", ioctl(d->fd, VHOST_SET_LOG_FD, &fd),
	       EOPNOTSUPP);
	expect("VHOST_F_LOG_ALL", ioctl(d->fd, VHOST_SET_FEATURES, &features),
	       EINVAL);
	printf("VHOST_F_LOG_ALL not offered; logging refused\n");
	printf("%d failure(s)\n", failures);
	dev_close(d);
	return failures ? 1 : 0;
}

static int cmd_log(const char *path, unsigned int frames)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	unsigned int extra, missed, logged, i;
	uint64_t features, cnt = 0, bad;
	uint8_t *log, *want;
	struct dev d;
	int efd;

	net_start(&d, path);
	xioctl(d.fd, VHOST_GET_FEATURES, &features);
	if (!(features & (1ULL << VHOST_F_LOG_ALL)))
		return log_refused(&d);
	want = calloc(1, LOG_BYTES);
	if (!want)
		die("out of memory");
	/* Logging is turned on while the device runs. */
	log = log_start(&d, &efd);
	features = (1ULL << VIRTIO_F_VERSION_1) |
		   (1ULL << VIRTIO_F_ACCESS_PLATFORM) |
		   (1ULL << VHOST_F_LOG_ALL) | (1ULL << VIRTIO_NET_F_MAC);
	expect("another feature change while running",
	       ioctl(d.fd, VHOST_SET_FEATURES, &features), EBUSY);
	/* The log is pinned when set: one in no mapping is refused at once. */
	bad = 0x1000;
	expect("a log in no mapping", ioctl(d.fd, VHOST_SET_LOG_BASE, &bad),
	       EFAULT);

	if (net_run(&d, mac, frames, want))
		die("frames did not loop while logging");
	for (i = 0; i < 2; i++)
		want_range(want, &d, d.vq[i].used, 6 + 8 * QSIZE);
	log_compare(log, want, &extra, &missed, &logged);
	if (read(efd, &cnt, sizeof(cnt)) != sizeof(cnt))
		cnt = 0;
	printf("log: %u pages logged, %u written pages missed, ", logged,
	       missed);
	printf("%u logged not written; eventfd %llu\n", extra,
	       (unsigned long long)cnt);
	expect("written pages missing from the log", missed ? -EIO : 0, 0);
	expect("pages logged the device did not write", extra ? -EIO : 0, 0);
	expect("the log eventfd was signalled", cnt ? 0 : -EIO, 0);

	features = (1ULL << VIRTIO_F_VERSION_1) |
		   (1ULL << VIRTIO_F_ACCESS_PLATFORM);
	xioctl(d.fd, VHOST_SET_FEATURES, &features);
	memset(log, 0, LOG_BYTES);
	if (send_frames(&d, mac, frames) != frames)
		die("frames did not loop with logging off");
	log_compare(log, want, &extra, &missed, &logged);
	printf("logging off: %u pages logged\n", logged);
	expect("pages logged with logging off", logged ? -EIO : 0, 0);

	printf("%d failure(s)\n", failures);
	dev_close(&d);
	return failures ? 1 : 0;
}

/* Set queue @i of @d up on the ring @from left, at position @base. */
static void vq_adopt(struct dev *d, unsigned int i, const struct vq *from,
		     uint16_t base)
{
	struct vq *q = &d->vq[i];

	*q = *from;
	q->doorbell = NULL;
	vq_give(d, i, base);
}

/*
 * A running device moves to another, as a VMM migrates a guest: frames
 * loop through DEV_A with its dirty log on; one more is sent and A is
 * suspended before it is waited for; A's queue positions are read
 * (VHOST_GET_VRING_BASE). DEV_B takes the same memory and rings at those
 * positions (VHOST_SET_VRING_BASE before DRIVER_OK) and the frames go on
 * there. Every frame comes back exactly once, from A or from B, and A's
 * log holds every page A wrote and no other.
 */
static int cmd_migrate(const char *path_a, const char *path_b,
		       unsigned int frames)
{
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	unsigned int half = frames / 2, extra, missed, logged, i;
	struct vhost_vring_state s;
	uint8_t *log, *want, zero = 0;
	struct netloop nl;
	uint16_t base[2];
	struct dev a, b;
	int efd;

	net_start(&a, path_a);
	want = calloc(1, LOG_BYTES);
	if (!want)
		die("out of memory");
	log = log_start(&a, &efd);
	netloop_init(&a, &nl, mac, want);
	for (i = 0; i < half; i++) {
		netloop_send(&a, &nl, i);
		if (netloop_reap(&a, &nl, i))
			die("frames did not loop through %s", path_a);
	}
	netloop_send(&a, &nl, half);
	/* QEMU up to 7.2 resets, then asks; later ones suspend first. */
	if (reset_stop)
		xioctl(a.fd, VHOST_VDPA_SET_STATUS, &zero);
	else
		xioctl(a.fd, VHOST_VDPA_SUSPEND, NULL);
	for (i = 0; i < 2; i++) {
		s.index = i;
		xioctl(a.fd, VHOST_GET_VRING_BASE, &s);
		base[i] = s.num;
	}
	printf("A %s: rx at %u, tx at %u (frame %u %s)\n",
	       reset_stop ? "reset" : "suspended", base[0], base[1], half,
	       base[1] == a.vq[1].avail_idx ? "taken by A" : "left for B");

	/* What A wrote: the frames reaped, the one in flight, the used rings. */
	if (__atomic_load_n(&a.vq[0].used->idx, __ATOMIC_ACQUIRE) !=
	    a.vq[0].last_used) {
		struct vring_used_elem *e =
			&a.vq[0].used->ring[a.vq[0].last_used % QSIZE];

		want_range(want, &a, nl.rxbuf[e->id / 3], e->len);
	}
	for (i = 0; i < 2; i++)
		want_range(want, &a, a.vq[i].used, 6 + 8 * QSIZE);
	log_compare(log, want, &extra, &missed, &logged);
	printf("A's log: %u pages logged, %u written pages missed, %u logged not written\n",
	       logged, missed, extra);
	expect("pages A wrote missing from its log", missed ? -EIO : 0, 0);
	expect("pages in A's log A did not write", extra ? -EIO : 0, 0);

	/* B takes A's memory, rings and positions. */
	dev_open(&b, path_b, VIRTIO_ID_NET,
		 (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
		 (1ULL << VHOST_BACKEND_F_IOTLB_BATCH),
		 (1ULL << VIRTIO_F_VERSION_1) |
		 (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	munmap(b.mem, MEM_SIZE);
	b.mem = a.mem;
	b.mem_used = a.mem_used;
	map_all(&b);
	for (i = 0; i < 2; i++)
		vq_adopt(&b, i, &a.vq[i], base[i]);
	set_status(&b, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	vq_kick(&b.vq[0], 0);
	vq_kick(&b.vq[1], 1);
	for (i = half; i < frames; i++) {
		if (i > half)
			netloop_send(&b, &nl, i);
		if (netloop_reap(&b, &nl, i))
			die("frames did not loop through %s", path_b);
	}
	printf("migrate: %u frames sent, %u came back, %u differed\n", frames,
	       nl.got, nl.bad);
	expect("every frame back exactly once",
	       nl.got == frames && !nl.bad ? 0 : -EIO, 0);

	/* A is left with nothing to do; B's close unmaps the memory. */
	xioctl(a.fd, VHOST_VDPA_SET_STATUS, &zero);
	close(a.fd);
	printf("%d failure(s)\n", failures);
	dev_close(&b);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned int n = 0;
	int v1 = 0, persist = 0, need_doorbell = 0, opt;
	const char *cmd, *dst = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: %s COMMAND DEV [...]\n", prog);
		fputs("commands: net blk bad memlock hold send dma stuck log migrate\n"
		      "          features-ok config reset-mid-pin\n", stderr);
		return 2;
	}
	cmd = argv[1];
	optind = !strcmp(cmd, "send") || !strcmp(cmd, "migrate") ? 4 : 3;
	if (!strcmp(cmd, "hold"))
		optind = argc >= 5 && !strcmp(argv[4], "batch") ? 5 : 4;
	if (!strcmp(cmd, "dma"))
		optind = argc >= 5 && argv[4][0] != '-' ? 5 : 4;
	while ((opt = getopt(argc, argv, "n:1pDm:P:sVR")) != -1) {
		switch (opt) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case '1':
			v1 = 1;
			break;
		case 'p':
			persist = 1;
			break;
		case 'D':
			need_doorbell = 1;
			break;
		case 'm':
			dst = optarg;
			break;
		case 'P':
			peer_open(optarg);
			break;
		case 's':
			shared_mem = 1;
			break;
		case 'V':
			va_parent = 1;
			break;
		case 'R':
			reset_stop = 1;
			break;
		default:
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "send") && argc >= 4)
		return cmd_send(argv[2], argv[3], n ? n : 100, need_doorbell);
	if (!strcmp(cmd, "net"))
		return cmd_net(argv[2], n ? n : 50, v1, persist);
	if (!strcmp(cmd, "blk"))
		return cmd_blk(argv[2], n ? n : 16);
	if (!strcmp(cmd, "bad"))
		return cmd_bad(argv[2]);
	if (!strcmp(cmd, "log"))
		return cmd_log(argv[2], n ? n : 20);
	if (!strcmp(cmd, "migrate") && argc >= 4)
		return cmd_migrate(argv[2], argv[3], n ? n : 20);
	if (!strcmp(cmd, "memlock"))
		return cmd_memlock(argv[2]);
	if (!strcmp(cmd, "stuck") && argc >= 4)
		return cmd_stuck(argv[2], argv[3]);
	if (!strcmp(cmd, "reset-mid-pin"))
		return cmd_reset_mid_pin(argv[2]);
	if (!strcmp(cmd, "dma") && argc >= 4)
		return cmd_dma(argv[2], argv[3], optind > 4 ? argv[4] : NULL);
	if (!strcmp(cmd, "features-ok") && argc >= 4)
		return cmd_features_ok(argv[2], argv[3]);
	if (!strcmp(cmd, "config"))
		return cmd_config(argv[2]);
	if (!strcmp(cmd, "hold") && argc >= 4)
		return cmd_hold(argv[2], argv[3],
				argc >= 5 && !strcmp(argv[4], "batch"), dst);
	fprintf(stderr, "%s: unknown command %s\n", prog, cmd);
	return 2;
}
