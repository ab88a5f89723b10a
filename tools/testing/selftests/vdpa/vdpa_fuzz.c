// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa_fuzz: a structure-aware, reproducible fuzzer of the "vdpa" generic
 * netlink family, of /dev/vhost-vdpa-N and of VDUSE (/dev/vduse/).
 *
 *   vdpa_fuzz [-s SEED] [-n OPS] [-t SECONDS] [-j THREADS] [-c CHAOS]
 *             [-p DEVICES] [-m MODULES] [-w SECONDS] [-k] [-v] [-q]
 *
 *   -s SEED     master seed (default: from the clock; always printed)
 *   -n OPS      stop after OPS operations, all threads together
 *   -t SECONDS  stop after SECONDS (with -n: whichever comes first)
 *   -j THREADS  worker threads (default 3); each has its own seed, derived
 *               from the master seed, and its own fds, sockets and memory
 *   -c CHAOS    a chaos thread besides the workers, doing what the letters
 *               allow: d (vdpa dev del / re-add through netlink), u (unbind
 *               and bind through sysfs, driver_override), m (rmmod and
 *               modprobe of the modules of -m)
 *   -p N        first create vdpa devices until N exist, round robin over
 *               the management devices (default 0)
 *   -m MODULES  what -c m may unload and load again (comma separated;
 *               default vdpa_sim_net,vdpa_sim_blk,vp_vdpa,vhost_vdpa)
 *   -o K        the workers take the seeds of threads K, K+1, ...: with -j 1,
 *               replays thread K of an earlier run alone
 *   -w SECONDS  watchdog: an operation that takes longer (the chaos
 *               thread's: twice as long) is a hang: the last operations
 *               are printed and the fuzzer exits 3 (default 30)
 *   -k          keep going after a kernel splat (default: stop at the
 *               first one, so the last operations are what led to it)
 *   -v          print every operation as it starts (replay, bisecting)
 *   -q          print only the summary and problems
 *
 * Every worker draws its operations from one deterministic generator
 * (splitmix64) seeded from -s, so "-s SEED -j 1" replays a single-thread
 * run operation for operation (the kernel's answers may differ when the
 * devices differ). Each thread keeps its last RING operations, stamped
 * with the kernel's clock (as dmesg shows it); they are printed at exit,
 * on SIGTERM, SIGINT and SIGALRM, by the watchdog, and as soon as the
 * kernel logs a splat (the fuzzer reads /dev/kmsg), next to it on the
 * console. An errno is never a failure: the verdict is the kernel's log
 * and the fuzzer's exit status (0 done, 1 usage or setup error, 2
 * signal, 3 watchdog, 4 kernel splat seen).
 *
 * Operations:
 *   nl.*    netlink: every VDPA_CMD_*, well-formed or mutated (wrong types
 *           and lengths, unterminated and oversized strings, unknown,
 *           duplicated and nested attributes, bad headers and flags,
 *           truncated and padded messages), dumps left after the first
 *           reply, sockets closed with replies pending, device add/del
 *           with random names on every management device.
 *   vh.*    vhost-vdpa: every ioctl with random and edge arguments, IOTLB
 *           v1/v2 messages (update, invalidate, batches, ASIDs, perms) on
 *           memory the thread owns and sometimes unmaps while mapped, a
 *           full setup to DRIVER_OK on garbage or plausible rings, kicks,
 *           eventfd swaps, doorbell mmap, writes and munmap (SIGBUS and
 *           SIGSEGV caught), suspend/resume, read/poll, close and reopen.
 *   vd.*    VDUSE, as a hostile daemon of up to NVD devices per worker,
 *           "fz<worker>-<n>": creation with plausible and mutated configs
 *           and API versions, the daemon's node opened twice and closed
 *           with requests unanswered, queue setup and kick eventfds,
 *           attach and detach through netlink (vhost_vdpa takes the
 *           device: its node is the vh.* ops' too), requests answered
 *           right, failed, with a wrong id or reserved bytes, short, late
 *           or never (msg_timeout is set to 1 or 2 s, under the watchdog),
 *           IOTLB lookups of any range mapped and touched, REG/DEREG_UMEM,
 *           interrupt and config storms, garbage in the used rings. A
 *           worker destroys its devices when it ends.
 *   chaos.* device deletion and creation, unbind/bind, driver_override,
 *           module unload and load, while the workers use the devices.
 *
 * libc and pthreads only, so it links statically into the test initramfs.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vdpa.h>
#include <linux/vduse.h>
#include <linux/vhost.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

extern char **environ;

/* Newer than the libc headers of Debian 12 (6.1): values from 6.12's uapi. */
#ifndef VHOST_BACKEND_F_IOTLB_PERSIST
#define VHOST_BACKEND_F_RESUME			0x5
#define VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK	0x6
#define VHOST_BACKEND_F_DESC_ASID		0x7
#define VHOST_BACKEND_F_IOTLB_PERSIST		0x8
#endif
#ifndef VHOST_VDPA_RESUME
#define VHOST_VDPA_RESUME		_IO(VHOST_VIRTIO, 0x7E)
#endif
#ifndef VHOST_VDPA_GET_VRING_DESC_GROUP
#define VHOST_VDPA_GET_VRING_DESC_GROUP	_IOWR(VHOST_VIRTIO, 0x7F, struct vhost_vring_state)
#endif
#ifndef VHOST_VDPA_GET_VRING_SIZE
#define VHOST_VDPA_GET_VRING_SIZE	_IOWR(VHOST_VIRTIO, 0x82, struct vhost_vring_state)
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE		4096UL

#define MAX_THREADS	16
#define RING		64	/* operations remembered per thread */
#define LINE		256	/* one remembered operation */
#define NSLOT		2	/* vhost fds a worker keeps open at once */
#define NVQ		8	/* virtqueues a slot tracks */
#define NDB		4	/* doorbell mappings a thread keeps */
#define MEM_SIZE	(1UL << 20)	/* a slot's memory for IOTLB maps */
#define RING_AREA	(256UL << 10)	/* its first part: the rings */
#define VQ_STRIDE	(16UL << 10)	/* ring area of one virtqueue */
#define IOVA_BASE	0x40000000ULL
#define NL_BUF		(64 << 10)
#define NVD		2	/* VDUSE devices a worker keeps */
#define VD_BOUNCE	(256 * PAGE)	/* their bounce window: 1 MiB, the least */
#define MAX_NAMES	64

/* ---- the generator --------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r)
{
	return splitmix64(&r->s);
}

/* A number in [0, n), n > 0. */
static uint64_t below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* true pct times in 100 */
static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

/* A "interesting" integer of up to 64 bits: edges more often than not. */
static uint64_t edge64(struct rng *r)
{
	static const uint64_t e[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 127, 128, 255, 256, 4095, 4096,
		4097, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff,
		0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL,
		0x7fffffffffffffffULL, 0x8000000000000000ULL,
		0xfffffffffffff000ULL, 0xfffffffffffffffeULL,
		0xffffffffffffffffULL,
	};

	switch (below(r, 4)) {
	case 0:
		return rnd(r);
	case 1:
		return below(r, 512);
	default:
		return e[below(r, ARRAY_SIZE(e))];
	}
}

/* ---- threads, their memory of what they did, statistics --------------- */

enum op_class { C_NL, C_VH, C_VD, C_CHAOS, C_NCLASS };
static const char * const class_name[C_NCLASS] = { "nl", "vh", "vd", "chaos" };

struct vq_state {
	int kick, call;		/* eventfds this slot owns, or -1 */
	uint16_t num;		/* the size we last set, 0 if none */
};

/* One open /dev/vhost-vdpa-N, and what we learned of it. */
struct slot {
	int fd;			/* -1: closed */
	char path[64];
	/*
	 * The parent DMAs through the platform IOMMU (a PCI function):
	 * a DMA to an address the owner did not map is an IOMMU fault
	 * the kernel logs (a "splat" to the harness), however right the
	 * kernel is to block it. For such a device, every ring address
	 * and descriptor the device may read stays inside memory that is
	 * mapped for as long as the device may run.
	 */
	bool strict;
	uint32_t devid, nvqs, ngroups, nas, cfgsize;
	uint16_t vqmax;
	uint64_t features, backend_offered, backend;
	uint8_t status;
	struct vq_state vq[NVQ];
	int cfg_call;
	int log_fd;
	uint8_t *mem;		/* MEM_SIZE bytes, ours, at IOVA_BASE */
};

/* A VDUSE device a worker made, and serves as badly as it likes. */
struct vd {
	char name[VDUSE_NAME_MAX];	/* "": none */
	int fd;			/* /dev/vduse/<name>, or -1 */
	uint32_t nvqs, cfgsize;	/* as created */
	bool late;		/* a request read and not answered: */
	uint32_t late_id;	/* its id */
};

struct thread {
	int id;
	bool chaos;
	pthread_t tid;
	struct rng r;
	uint64_t seed;
	uint64_t nops;
	/* the ring of recent operations */
	char ring[RING][LINE];
	unsigned int ring_pos;
	char *cur;		/* the entry of the operation in progress */
	double op_start;	/* 0: between operations; read by the watchdog */
	/* netlink */
	int nl;
	uint32_t nl_seq;
	unsigned int nl_uses;
	/* vhost-vdpa */
	struct slot s[NSLOT];
	void *db[NDB];		/* doorbell mappings, kept across close */
	size_t dblen[NDB];
	uint8_t *cfg;		/* 64 KiB for config and ioctl args, then a hole */
	uint8_t *shm;		/* 1 MiB of a memfd, shared */
	/* VDUSE */
	struct vd vd[NVD];
	uint8_t *umem;		/* VD_BOUNCE bytes for VDUSE_IOTLB_REG_UMEM */
	/* a guarded access (doorbells, our memory) */
	sigjmp_buf jb;
	int guarded;		/* also read by the signal handler */
	/* scratch */
	unsigned char buf[NL_BUF];
	unsigned char rbuf[NL_BUF];
};

static struct thread threads[MAX_THREADS + 1];
static int nthreads = 3;		/* workers */
static int nall;			/* workers + the chaos thread */
static __thread struct thread *self;

static uint64_t master_seed;
static uint64_t max_ops;		/* 0: no limit */
static double max_secs;			/* 0: no limit */
static double watchdog_secs = 30;
static const char *chaos = "";
static const char *modules = "vdpa_sim_net,vdpa_sim_blk,vp_vdpa,vhost_vdpa";
static int populate;
static int seed_offset;
static bool keep_going, verbose, quiet;

static int stop;			/* atomic: set by any thread */
static uint64_t ops_issued;		/* atomic: op_begin() calls */
static uint64_t class_ops[C_NCLASS];	/* atomic */
#define NERR 256
static uint64_t errs[NERR];		/* atomic; [0]: success */
static double t_start;
static int exit_code;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static int kmsg_fd = -1;
static uint64_t splats;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Async-signal-safe output: everything printed from a handler goes here. */
static void out(const char *s)
{
	size_t len = strlen(s);

	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

/* A fixed-size unsigned decimal, signal-safe. */
static void out_u64(uint64_t v)
{
	char b[24];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do {
		b[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	out(b + i);
}

static void out_hex(uint64_t v)
{
	char b[20];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do {
		b[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	out("0x");
	out(b + i);
}

/* The rings of every thread, oldest operation first. Signal-safe. */
static void dump_rings(const char *why)
{
	int i;
	unsigned int k;

	out("vdpa_fuzz: ---- last operations (");
	out(why);
	out("), reproduce with: vdpa_fuzz -s ");
	out_hex(master_seed);
	out(" -j ");
	out_u64(nthreads);
	if (*chaos) {
		out(" -c ");
		out(chaos);
	}
	out(" ----\n");
	for (i = 0; i < nall; i++) {
		struct thread *t = &threads[i];

		out("vdpa_fuzz: thread ");
		out_u64(i);
		out(t->chaos ? " (chaos)" : "");
		out(", seed ");
		out_hex(t->seed);
		out(", ");
		out_u64(t->nops);
		out(" ops");
		if (!t->chaos) {
			out(" (alone: vdpa_fuzz -s ");
			out_hex(master_seed);
			out(" -j 1 -o ");
			out_u64(i + seed_offset);
			out(" -n ");
			out_u64(t->nops);
			out(")");
		}
		out(":\n");
		for (k = 0; k < RING; k++) {
			const char *l = t->ring[(t->ring_pos + k) % RING];

			if (!*l)
				continue;
			out("  ");
			out(l);
			out("\n");
		}
	}
	out("vdpa_fuzz: ---- end of last operations ----\n");
}

/* What goes to the console must be text: names may hold any byte. */
static void printable(char *l)
{
	for (; *l; l++)
		if ((unsigned char)*l < 0x20 || (unsigned char)*l > 0x7e)
			*l = '?';
}

/*
 * Start an operation: its line goes into the ring before it runs, so that
 * a hang or a crash shows it; op_end() appends the result.
 */
/* A thread's op_start, which the watchdog reads while the thread runs. */
static void set_op_start(struct thread *t, double v)
{
	__atomic_store(&t->op_start, &v, __ATOMIC_RELAXED);
}

static double get_op_start(struct thread *t)
{
	double v;

	__atomic_load(&t->op_start, &v, __ATOMIC_RELAXED);
	return v;
}

static void op_begin(struct thread *t, enum op_class c, const char *fmt, ...)
{
	char *l = t->ring[t->ring_pos];
	struct timespec ts;
	va_list ap;
	int n;

	t->ring_pos = (t->ring_pos + 1) % RING;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(l, LINE, "[%5ld.%06ld] t%d #%llu %s.", (long)ts.tv_sec,
		     ts.tv_nsec / 1000, t->id, (unsigned long long)t->nops,
		     class_name[c]);
	if (n > 0 && n < LINE) {
		va_start(ap, fmt);
		vsnprintf(l + n, LINE - n, fmt, ap);
		va_end(ap);
	}
	printable(l);
	t->cur = l;
	t->nops++;
	__atomic_fetch_add(&ops_issued, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&class_ops[c], 1, __ATOMIC_RELAXED);
	set_op_start(t, ts.tv_sec + ts.tv_nsec / 1e9);
	if (verbose) {
		pthread_mutex_lock(&out_lock);
		printf("%s\n", l);
		fflush(stdout);
		pthread_mutex_unlock(&out_lock);
	}
}

/* More of the current operation's line (arguments chosen as it runs). */
static void op_more(struct thread *t, const char *fmt, ...)
{
	size_t n = strlen(t->cur);
	va_list ap;

	if (n >= LINE - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(t->cur + n, LINE - n, fmt, ap);
	va_end(ap);
	printable(t->cur + n);
}

/* Count a result: 0 or -errno (or a positive count, taken as success). */
static int res(struct thread *t, int r)
{
	int e = r < 0 ? -r : 0;

	if (e >= NERR)
		e = NERR - 1;
	__atomic_fetch_add(&errs[e], 1, __ATOMIC_RELAXED);
	if (r < 0)
		op_more(t, " = -%s", strerrorname_np(-r) ?: "?");
	else if (r > 0)
		op_more(t, " = %d", r);
	return r;
}

static void op_end(struct thread *t)
{
	set_op_start(t, 0);
}

/* A syscall's result as 0 or -errno. */
static int sys(long r)
{
	return r < 0 ? -errno : (int)r;
}

/* ---- guarded memory access: doorbells and memory we may have unmapped -- */

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (self && __atomic_load_n(&self->guarded, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&self->guarded, 0, __ATOMIC_SEQ_CST);
		siglongjmp(self->jb, sig);
	}
	/* A fault of our own outside a guard: a bug here, not a finding. */
	out("vdpa_fuzz: unexpected signal ");
	out_u64(sig);
	out(" at ");
	out_hex((uintptr_t)si->si_addr);
	out("\n");
	dump_rings("unexpected fault in the fuzzer");
	_exit(1);
}

/*
 * GUARDED(t, code): run code; a SIGBUS or SIGSEGV it takes ends it and
 * counts as -EFAULT. Only for plain loads and stores.
 */
#define GUARDED(t, code) ({						\
	int _sig = sigsetjmp((t)->jb, 1);				\
	int _r = 0;							\
	if (!_sig) {							\
		__atomic_store_n(&(t)->guarded, 1, __ATOMIC_SEQ_CST);	\
		code;							\
		__atomic_store_n(&(t)->guarded, 0, __ATOMIC_SEQ_CST);	\
	} else {							\
		op_more(t, " sig%d", _sig);				\
		_r = _sig == SIGBUS ? -EIO : -EFAULT;			\
	}								\
	_r;								\
})

/* ---- what the workers share: names of devices, management devices ----- */

struct names {
	pthread_mutex_t lock;
	int n;
	char name[MAX_NAMES][64];
};

static struct names devnames = { .lock = PTHREAD_MUTEX_INITIALIZER };

struct mgmtdev {
	char bus[32], dev[64];
	uint64_t classes;
};

static pthread_mutex_t mgmt_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mgmtdev mgmts[16];
static int nmgmt;
static int family = -1;			/* the vdpa family's id, atomic */

static void names_add(struct names *ns, const char *name)
{
	int i;

	pthread_mutex_lock(&ns->lock);
	for (i = 0; i < ns->n; i++)
		if (!strcmp(ns->name[i], name))
			break;
	if (i == ns->n && ns->n < MAX_NAMES)
		snprintf(ns->name[ns->n++], sizeof(ns->name[0]), "%s", name);
	pthread_mutex_unlock(&ns->lock);
}

static void names_del(struct names *ns, const char *name)
{
	int i;

	pthread_mutex_lock(&ns->lock);
	for (i = 0; i < ns->n; i++)
		if (!strcmp(ns->name[i], name)) {
			memcpy(ns->name[i], ns->name[--ns->n], sizeof(ns->name[0]));
			break;
		}
	pthread_mutex_unlock(&ns->lock);
}

/* A known device's name (copied to out), or false when none is known. */
static bool names_pick(struct names *ns, struct rng *r, char *out_name,
		       size_t len)
{
	bool ok = false;

	pthread_mutex_lock(&ns->lock);
	if (ns->n) {
		snprintf(out_name, len, "%s", ns->name[below(r, ns->n)]);
		ok = true;
	}
	pthread_mutex_unlock(&ns->lock);
	return ok;
}

/* ---- netlink ------------------------------------------------------------ */

enum atype { A_NONE, A_U8, A_U16, A_U32, A_U64, A_STR, A_MAC, A_BIN };

static const uint8_t attr_type[VDPA_ATTR_MAX] = {
	[VDPA_ATTR_MGMTDEV_BUS_NAME] = A_STR,
	[VDPA_ATTR_MGMTDEV_DEV_NAME] = A_STR,
	[VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES] = A_U64,
	[VDPA_ATTR_DEV_NAME] = A_STR,
	[VDPA_ATTR_DEV_ID] = A_U32,
	[VDPA_ATTR_DEV_VENDOR_ID] = A_U32,
	[VDPA_ATTR_DEV_MAX_VQS] = A_U32,
	[VDPA_ATTR_DEV_MAX_VQ_SIZE] = A_U16,
	[VDPA_ATTR_DEV_MIN_VQ_SIZE] = A_U16,
	[VDPA_ATTR_DEV_NET_CFG_MACADDR] = A_MAC,
	[VDPA_ATTR_DEV_NET_STATUS] = A_U16,
	[VDPA_ATTR_DEV_NET_CFG_MAX_VQP] = A_U16,
	[VDPA_ATTR_DEV_NET_CFG_MTU] = A_U16,
	[VDPA_ATTR_DEV_NEGOTIATED_FEATURES] = A_U64,
	[VDPA_ATTR_DEV_MGMTDEV_MAX_VQS] = A_U32,
	[VDPA_ATTR_DEV_SUPPORTED_FEATURES] = A_U64,
	[VDPA_ATTR_DEV_QUEUE_INDEX] = A_U32,
	[VDPA_ATTR_DEV_VENDOR_ATTR_NAME] = A_STR,
	[VDPA_ATTR_DEV_VENDOR_ATTR_VALUE] = A_U64,
	[VDPA_ATTR_DEV_FEATURES] = A_U64,
	[VDPA_ATTR_DEV_BLK_CFG_CAPACITY] = A_U64,
	[VDPA_ATTR_DEV_BLK_CFG_SIZE_MAX] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_BLK_SIZE] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_SEG_MAX] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_NUM_QUEUES] = A_U16,
	[VDPA_ATTR_DEV_BLK_CFG_PHY_BLK_EXP] = A_U8,
	[VDPA_ATTR_DEV_BLK_CFG_ALIGN_OFFSET] = A_U8,
	[VDPA_ATTR_DEV_BLK_CFG_MIN_IO_SIZE] = A_U16,
	[VDPA_ATTR_DEV_BLK_CFG_OPT_IO_SIZE] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEC] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEG] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_DISCARD_SEC_ALIGN] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEC] = A_U32,
	[VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEG] = A_U32,
	[VDPA_ATTR_DEV_BLK_READ_ONLY] = A_U8,
	[VDPA_ATTR_DEV_BLK_FLUSH] = A_U8,
};

static const char * const cmd_name[] = {
	[VDPA_CMD_UNSPEC] = "UNSPEC",
	[VDPA_CMD_MGMTDEV_NEW] = "MGMTDEV_NEW",
	[VDPA_CMD_MGMTDEV_GET] = "MGMTDEV_GET",
	[VDPA_CMD_DEV_NEW] = "DEV_NEW",
	[VDPA_CMD_DEV_DEL] = "DEV_DEL",
	[VDPA_CMD_DEV_GET] = "DEV_GET",
	[VDPA_CMD_DEV_CONFIG_GET] = "DEV_CONFIG_GET",
	[VDPA_CMD_DEV_VSTATS_GET] = "DEV_VSTATS_GET",
	[VDPA_CMD_DEV_ATTR_SET] = "DEV_ATTR_SET",
};

/* A message under construction, in t->buf. */
struct msg {
	unsigned char *b;
	size_t len;		/* bytes used, aligned */
	size_t cap;
	size_t nest[4];		/* offsets of open nests */
	int depth;
	bool len_set;		/* a mutation chose nlmsg_len */
};

static struct nlmsghdr *msg_init(struct thread *t, struct msg *m, uint16_t type,
				 uint16_t flags, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr *h = (struct nlmsghdr *)t->buf;
	struct genlmsghdr *g;

	m->b = t->buf;
	m->cap = sizeof(t->buf);
	m->depth = 0;
	m->len_set = false;
	memset(t->buf, 0, NLMSG_LENGTH(GENL_HDRLEN));
	h->nlmsg_type = type;
	h->nlmsg_flags = flags;
	h->nlmsg_seq = ++t->nl_seq;
	g = NLMSG_DATA(h);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_LENGTH(GENL_HDRLEN);
	return h;
}

/* Append an attribute; its length field says hdr + len (may lie: dlen). */
static struct nlattr *put(struct msg *m, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a;

	if (m->len + NLA_ALIGN(NLA_HDRLEN + len) > m->cap ||
	    NLA_HDRLEN + len > 0xffff)
		return NULL;
	a = (struct nlattr *)(m->b + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	memset((unsigned char *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(a->nla_len) - a->nla_len);
	m->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_str(struct msg *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static void put_int(struct msg *m, uint16_t type, size_t size, uint64_t v)
{
	/* little endian */
	put(m, type, &v, size);
}

static void nest_begin(struct msg *m, uint16_t type)
{
	if (m->depth < (int)ARRAY_SIZE(m->nest) &&
	    put(m, type | NLA_F_NESTED, NULL, 0))
		m->nest[m->depth++] = m->len - NLA_HDRLEN;
}

static void nest_end(struct msg *m)
{
	struct nlattr *a;

	if (!m->depth)
		return;
	a = (struct nlattr *)(m->b + m->nest[--m->depth]);
	a->nla_len = m->len - m->nest[m->depth];
}

static void rand_bytes(struct rng *r, void *p, size_t len)
{
	unsigned char *c = p;

	while (len >= 8) {
		uint64_t v = rnd(r);

		memcpy(c, &v, 8);
		c += 8;
		len -= 8;
	}
	while (len--)
		*c++ = rnd(r);
}

/* A name: usually sane, sometimes long, odd or empty. */
static void rand_name(struct rng *r, char *s, size_t cap)
{
	static const char * const odd[] = {
		"", ".", "..", "/", "a/b", "v0 ", " v0", "-", "\t",
		"vdpa0", "vhost-vdpa-0", "fz\xff\xfe", "%s%n", "dev\n",
	};
	size_t len, i;

	switch (below(r, 6)) {
	case 0:
		snprintf(s, cap, "%s", odd[below(r, ARRAY_SIZE(odd))]);
		return;
	case 1:		/* long: up to the buffer */
		len = 1 + below(r, cap - 1);
		for (i = 0; i < len; i++)
			s[i] = 'a' + below(r, 26);
		s[len] = 0;
		return;
	default:
		/* the workers' own: chaos and -p make fz%u */
		snprintf(s, cap, "fw%u", (unsigned int)below(r, 24));
	}
}

static int nl_open(struct thread *t)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -errno;
	}
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (chance(&t->r, 30))
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (chance(&t->r, 20))
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
			   sizeof(one));
	t->nl = fd;
	t->nl_uses = 0;
	return 0;
}

static void nl_close(struct thread *t)
{
	if (t->nl >= 0)
		close(t->nl);
	t->nl = -1;
}

static int nl_send(struct thread *t, const void *b, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(t->nl, b, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

/* What replies told us: learned names, and the first error. */
struct nl_result {
	int err;		/* first NLMSG_ERROR's, 0 if none or ack */
	bool done;		/* an ack, an error or NLMSG_DONE came */
	int msgs;
};

static void learn(struct thread *t, struct nlmsghdr *h, int fam)
{
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a;
	int rem;
	struct mgmtdev md = { "", "", 0 };
	char dev[64] = "";

	(void)t;
	if (h->nlmsg_type != fam || h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len),
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		const char *d = (const char *)a + NLA_HDRLEN;
		int dl = a->nla_len - NLA_HDRLEN;

		switch (a->nla_type) {
		case VDPA_ATTR_DEV_NAME:
			snprintf(dev, sizeof(dev), "%.*s", dl, d);
			break;
		case VDPA_ATTR_MGMTDEV_BUS_NAME:
			snprintf(md.bus, sizeof(md.bus), "%.*s", dl, d);
			break;
		case VDPA_ATTR_MGMTDEV_DEV_NAME:
			snprintf(md.dev, sizeof(md.dev), "%.*s", dl, d);
			break;
		case VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES:
			if (dl == 8)
				memcpy(&md.classes, d, 8);
			break;
		}
	}
	if (g->cmd == VDPA_CMD_DEV_NEW || g->cmd == VDPA_CMD_DEV_GET) {
		if (*dev)
			names_add(&devnames, dev);
	} else if (g->cmd == VDPA_CMD_MGMTDEV_NEW ||
		   g->cmd == VDPA_CMD_MGMTDEV_GET) {
		int i;

		if (!*md.dev)
			return;
		pthread_mutex_lock(&mgmt_lock);
		for (i = 0; i < nmgmt; i++)
			if (!strcmp(mgmts[i].bus, md.bus) &&
			    !strcmp(mgmts[i].dev, md.dev))
				break;
		if (i == nmgmt && nmgmt < (int)ARRAY_SIZE(mgmts))
			nmgmt++;
		if (i < nmgmt)
			mgmts[i] = md;
		pthread_mutex_unlock(&mgmt_lock);
	}
}

/*
 * Read the replies to what we sent: up to an ack, an error or DONE, or
 * max_msgs messages (a dump we mean to interrupt). The kernel handles a
 * request in sendmsg(), so its replies are queued by the time we read;
 * only a dump's later parts are made as we read, also without waiting:
 * an empty socket means no more is coming (quiet_ms 0). timeout_ms bounds
 * the whole.
 */
static void nl_recv_q(struct thread *t, struct nl_result *res, int timeout_ms,
		      int quiet_ms, int max_msgs, int fam)
{
	double end = now() + timeout_ms / 1000.0;

	memset(res, 0, sizeof(*res));
	while (!res->done && res->msgs < max_msgs) {
		struct pollfd p = { .fd = t->nl, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t n;
		int left = (int)((end - now()) * 1000);

		if (left <= 0)
			break;
		if (poll(&p, 1, left < quiet_ms ? left : quiet_ms) <= 0)
			break;
		n = recv(t->nl, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (!res->err)
				res->err = -errno;	/* ENOBUFS: overrun */
			break;
		}
		for (h = (struct nlmsghdr *)t->rbuf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			res->msgs++;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (!res->err)
					res->err = e->error;
				res->done = true;
			} else if (h->nlmsg_type == NLMSG_DONE) {
				res->done = true;
			} else {
				learn(t, h, fam);
			}
		}
	}
}

static void nl_recv(struct thread *t, struct nl_result *res, int timeout_ms,
		    int max_msgs, int fam)
{
	nl_recv_q(t, res, timeout_ms, 0, max_msgs, fam);
}

/*
 * The vdpa family's id, from the controller; -errno if it is not there.
 * On a socket of its own: the thread's may be overrun with replies.
 */
static int resolve_family(struct thread *t)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msg m;
	struct nlmsghdr *h;
	struct nlattr *a;
	ssize_t n;
	double end = now() + 2;
	int fd, ret = -ETIMEDOUT;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	h = msg_init(t, &m, GENL_ID_CTRL, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1);
	put_str(&m, CTRL_ATTR_FAMILY_NAME, VDPA_GENL_NAME);
	h->nlmsg_len = m.len;
	if (sendto(fd, t->buf, m.len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	while (now() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 500) <= 0)
			continue;
		n = recv(fd, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		for (h = (struct nlmsghdr *)t->rbuf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			int rem;

			if (h->nlmsg_type == NLMSG_ERROR) {
				ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
				goto out;
			}
			if (h->nlmsg_type != GENL_ID_CTRL)
				continue;
			a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
			       a->nla_len <= rem;
			     rem -= NLA_ALIGN(a->nla_len),
			     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
				if (a->nla_type == CTRL_ATTR_FAMILY_ID) {
					uint16_t id;

					memcpy(&id, (char *)a + NLA_HDRLEN, 2);
					__atomic_store_n(&family, id, __ATOMIC_RELAXED);
					ret = id;
					goto out;
				}
		}
	}
out:
	close(fd);
	return ret;
}

/* The family's id, asking the controller when it is not known. */
static int get_family(struct thread *t)
{
	int fam = __atomic_load_n(&family, __ATOMIC_RELAXED);

	return fam >= 0 ? fam : resolve_family(t);
}

static bool mgmt_pick(struct rng *r, struct mgmtdev *md)
{
	bool ok = false;

	pthread_mutex_lock(&mgmt_lock);
	if (nmgmt) {
		*md = mgmts[below(r, nmgmt)];
		ok = true;
	}
	pthread_mutex_unlock(&mgmt_lock);
	return ok;
}

/*
 * A device's name: mostly one that exists (or did). A delete takes one
 * rarely, or the workers would delete the devices the others use.
 */
static void put_dev_name(struct thread *t, struct msg *m, char *name,
			 size_t cap, unsigned int known_pct)
{
	if (chance(&t->r, known_pct) &&
	    names_pick(&devnames, &t->r, name, cap)) {
		/* a device that exists, or did */
	} else {
		rand_name(&t->r, name, cap);
	}
	put_str(m, VDPA_ATTR_DEV_NAME, name);
}

static void put_mac(struct thread *t, struct msg *m)
{
	uint8_t mac[6];

	rand_bytes(&t->r, mac, sizeof(mac));
	switch (below(&t->r, 4)) {
	case 0:
		memset(mac, 0, sizeof(mac));	/* zero: refused */
		break;
	case 1:
		break;				/* maybe multicast */
	default:
		mac[0] = 0x02;
	}
	put(m, VDPA_ATTR_DEV_NET_CFG_MACADDR, mac, sizeof(mac));
}

/* The attributes a well-formed request of cmd carries. */
static void valid_attrs(struct thread *t, struct msg *m, uint8_t cmd,
			char *name, size_t cap)
{
	struct rng *r = &t->r;
	struct mgmtdev md;

	*name = 0;
	switch (cmd) {
	case VDPA_CMD_MGMTDEV_GET:
	case VDPA_CMD_MGMTDEV_NEW:
		if (chance(r, 60) && mgmt_pick(r, &md)) {
			if (*md.bus)
				put_str(m, VDPA_ATTR_MGMTDEV_BUS_NAME, md.bus);
			put_str(m, VDPA_ATTR_MGMTDEV_DEV_NAME, md.dev);
		} else if (chance(r, 50)) {
			rand_name(r, name, cap);
			put_str(m, VDPA_ATTR_MGMTDEV_DEV_NAME, name);
			*name = 0;
		}
		break;
	case VDPA_CMD_DEV_NEW:
		rand_name(r, name, cap);
		put_str(m, VDPA_ATTR_DEV_NAME, name);
		if (!mgmt_pick(r, &md))
			snprintf(md.dev, sizeof(md.dev), "vdpasim_net");
		if (*md.bus)
			put_str(m, VDPA_ATTR_MGMTDEV_BUS_NAME, md.bus);
		put_str(m, VDPA_ATTR_MGMTDEV_DEV_NAME, md.dev);
		if (chance(r, 50))
			put_mac(t, m);
		if (chance(r, 40))
			put_int(m, VDPA_ATTR_DEV_NET_CFG_MTU, 2,
				chance(r, 50) ? 68 + below(r, 9000) : edge64(r));
		if (chance(r, 50))
			put_int(m, VDPA_ATTR_DEV_NET_CFG_MAX_VQP, 2,
				chance(r, 70) ? 1 + below(r, 4) : edge64(r));
		if (chance(r, 30))
			put_int(m, VDPA_ATTR_DEV_FEATURES, 8,
				chance(r, 50) ? rnd(r) & rnd(r) : edge64(r));
		if (chance(r, 40))
			put_int(m, VDPA_ATTR_DEV_BLK_CFG_CAPACITY, 8,
				chance(r, 70) ? 1 + below(r, 1 << 20) : edge64(r));
		break;
	case VDPA_CMD_DEV_DEL:
		put_dev_name(t, m, name, cap, 10);
		break;
	case VDPA_CMD_DEV_GET:
	case VDPA_CMD_DEV_CONFIG_GET:
		put_dev_name(t, m, name, cap, 75);
		break;
	case VDPA_CMD_DEV_VSTATS_GET:
		put_dev_name(t, m, name, cap, 75);
		if (chance(r, 90))
			put_int(m, VDPA_ATTR_DEV_QUEUE_INDEX, 4,
				chance(r, 60) ? below(r, 10) : edge64(r));
		break;
	case VDPA_CMD_DEV_ATTR_SET:
		put_dev_name(t, m, name, cap, 75);
		if (chance(r, 80))
			put_mac(t, m);
		break;
	default:
		break;
	}
}

/* One random attribute: any type number, any payload. */
static void put_random_attr(struct thread *t, struct msg *m)
{
	struct rng *r = &t->r;
	unsigned char data[512];
	uint16_t type;
	size_t len;

	type = chance(r, 70) ? below(r, VDPA_ATTR_MAX + 4) : edge64(r);
	if (chance(r, 10))
		type |= NLA_F_NESTED;
	if (chance(r, 5))
		type |= NLA_F_NET_BYTEORDER;
	len = chance(r, 80) ? below(r, 17) : below(r, sizeof(data));
	rand_bytes(r, data, len);
	put(m, type, data, len);
}

/*
 * One mutation of a message that has its header and attributes; sets
 * *send_len when it makes the bytes sent differ from nlmsg_len.
 */
static void mutate(struct thread *t, struct msg *m, size_t *send_len)
{
	struct rng *r = &t->r;
	struct nlmsghdr *h = (struct nlmsghdr *)m->b;
	struct genlmsghdr *g = NLMSG_DATA(h);
	size_t first = NLMSG_LENGTH(GENL_HDRLEN);
	static char big[8192];
	uint16_t type = 1 + below(r, VDPA_ATTR_MAX - 1);
	size_t len;
	int depth, i;

	switch (below(r, 14)) {
	case 0:
	case 1:
		put_random_attr(t, m);
		op_more(t, " +rand");
		break;
	case 2:		/* a known attribute, one of its type */
		switch (attr_type[type]) {
		case A_STR:
			put_str(m, type, chance(r, 50) ? "fz0" : "vdpasim_net");
			break;
		case A_MAC:
			put_mac(t, m);
			break;
		case A_U8:
			put_int(m, type, 1, edge64(r));
			break;
		case A_U16:
			put_int(m, type, 2, edge64(r));
			break;
		case A_U32:
			put_int(m, type, 4, edge64(r));
			break;
		default:
			put_int(m, type, 8, edge64(r));
			break;
		}
		op_more(t, " +attr%u", type);
		break;
	case 3:		/* a known attribute of the wrong size */
		len = below(r, 12);
		rand_bytes(r, big, len);
		put(m, type, big, len);
		op_more(t, " +attr%u/len%zu", type, len);
		break;
	case 4:		/* a string without its NUL */
		len = 1 + below(r, 40);
		memset(big, 'x', len);
		put(m, chance(r, 50) ? VDPA_ATTR_DEV_NAME :
		    VDPA_ATTR_MGMTDEV_DEV_NAME, big, len);
		op_more(t, " +unterminated%zu", len);
		break;
	case 5:		/* an oversized string */
		len = 32 + below(r, chance(r, 50) ? 64 : sizeof(big) - 33);
		memset(big, 'a' + below(r, 26), len);
		big[len] = 0;
		put(m, chance(r, 50) ? VDPA_ATTR_DEV_NAME :
		    chance(r, 50) ? VDPA_ATTR_MGMTDEV_DEV_NAME :
		    VDPA_ATTR_MGMTDEV_BUS_NAME, big, len + 1);
		op_more(t, " +long%zu", len);
		break;
	case 6:		/* nesting, maybe deep, maybe of known types */
		depth = 1 + below(r, 4);
		for (i = 0; i < depth; i++)
			nest_begin(m, below(r, VDPA_ATTR_MAX + 2));
		for (i = below(r, 4); i > 0; i--)
			put_random_attr(t, m);
		while (m->depth)
			nest_end(m);
		op_more(t, " +nest%d", depth);
		break;
	case 7:		/* the genetlink header */
		if (chance(r, 50))
			g->version = rnd(r);
		else
			g->reserved = rnd(r);
		op_more(t, " ver%u/res%u", g->version, g->reserved);
		break;
	case 8:		/* another command */
		g->cmd = chance(r, 70) ? below(r, VDPA_CMD_DEV_ATTR_SET + 3) :
			 rnd(r);
		op_more(t, " cmd=%u", g->cmd);
		break;
	case 9:		/* flags */
		h->nlmsg_flags ^= 1u << below(r, 16);
		op_more(t, " flags=0x%x", h->nlmsg_flags);
		break;
	case 10:	/* truncated: nlmsg_len cut inside the attributes */
		if (m->len > first) {
			*send_len = first + below(r, m->len - first);
			op_more(t, " trunc%zu/%zu", *send_len, m->len);
		}
		break;
	case 11:	/* nlmsg_len says more or less than what is sent */
		len = below(r, 3) == 0 ? below(r, first + 1) : m->len + below(r, 64);
		h->nlmsg_len = len;
		m->len_set = true;
		*send_len = m->len;
		op_more(t, " nlmsg_len=%zu/%zu", len, m->len);
		break;
	case 12:	/* a byte of the attributes flipped */
		if (m->len > first) {
			i = first + below(r, m->len - first);
			m->b[i] ^= 1u << below(r, 8);
			op_more(t, " flip@%d", i);
		}
		break;
	case 13:	/* the last attribute's length lies */
		if (m->len > first) {
			struct nlattr *a = (struct nlattr *)(m->b + first);
			struct nlattr *last = a;
			size_t off = first;

			while (off + NLA_HDRLEN <= m->len && a->nla_len >= NLA_HDRLEN) {
				last = a;
				off += NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)(m->b + off);
			}
			last->nla_len = chance(r, 50) ? below(r, 8) : edge64(r);
			op_more(t, " nla_len=%u", last->nla_len);
		}
		break;
	}
}

/* nl.cmd: a request of every command, well-formed or mutated. */
static void op_nl_cmd(struct thread *t)
{
	struct rng *r = &t->r;
	static const uint8_t weights[] = {
		[VDPA_CMD_UNSPEC] = 1, [VDPA_CMD_MGMTDEV_NEW] = 1,
		[VDPA_CMD_MGMTDEV_GET] = 3, [VDPA_CMD_DEV_NEW] = 4,
		[VDPA_CMD_DEV_DEL] = 3, [VDPA_CMD_DEV_GET] = 4,
		[VDPA_CMD_DEV_CONFIG_GET] = 4, [VDPA_CMD_DEV_VSTATS_GET] = 3,
		[VDPA_CMD_DEV_ATTR_SET] = 3,
	};
	unsigned int total = 0, pick, i;
	uint8_t cmd = 0;
	struct msg m;
	struct nlmsghdr *h;
	struct nl_result res_;
	char name[64];
	size_t send_len = 0;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	bool dump = false, mutated = false;
	int fam;
	int max_msgs = 1000, n;

	for (i = 0; i < ARRAY_SIZE(weights); i++)
		total += weights[i];
	pick = below(r, total);
	for (i = 0; i < ARRAY_SIZE(weights); i++) {
		if (pick < weights[i]) {
			cmd = i;
			break;
		}
		pick -= weights[i];
	}
	if ((cmd == VDPA_CMD_MGMTDEV_GET || cmd == VDPA_CMD_DEV_GET ||
	     cmd == VDPA_CMD_DEV_CONFIG_GET) && chance(r, 40))
		dump = true;
	else if (chance(r, 5))
		dump = true;		/* dump of a doit-only command */
	if (dump) {
		flags |= NLM_F_DUMP;
		if (chance(r, 30))
			max_msgs = 1;	/* interrupted: leave after one */
	}
	fam = get_family(t);
	op_begin(t, C_NL, "cmd %s%s fam=%d", cmd_name[cmd],
		 dump ? " dump" : "", fam);
	if (fam < 0) {
		res(t, fam);
		return;
	}
	if (t->nl < 0 && res(t, nl_open(t)))
		return;
	h = msg_init(t, &m, fam, flags, cmd, VDPA_GENL_VERSION);
	valid_attrs(t, &m, cmd, name, sizeof(name));
	if (*name)
		op_more(t, " name=%.40s", name);
	if (chance(r, 45)) {
		mutated = true;
		for (n = 1 + below(r, 3); n > 0; n--)
			mutate(t, &m, &send_len);
	}
	if (!send_len)
		send_len = m.len;
	if (!m.len_set)
		h->nlmsg_len = send_len;
	n = nl_send(t, t->buf, send_len);
	if (n) {
		res(t, n);
		if (n != -EAGAIN)
			nl_close(t);
		return;
	}
	nl_recv(t, &res_, 2000, max_msgs, fam);
	if (max_msgs == 1)
		op_more(t, " (left after %d)", res_.msgs);
	res(t, res_.err);
	if (!res_.err && !mutated && !dump) {
		if (cmd == VDPA_CMD_DEV_NEW)
			names_add(&devnames, name);
		else if (cmd == VDPA_CMD_DEV_DEL)
			names_del(&devnames, name);
	}
	if (res_.err == -ENOENT)	/* no such family (any more) */
		__atomic_store_n(&family, -1, __ATOMIC_RELAXED);
	if (res_.err == -ENODEV && *name && !mutated)
		names_del(&devnames, name);
	/* A dump left half read: close with replies pending, or not. */
	if (max_msgs == 1 && chance(r, 50))
		nl_close(t);
	else if (++t->nl_uses > 200)
		nl_close(t);
}

/* nl.raw: random bytes with a header the family takes. */
static void op_nl_raw(struct thread *t)
{
	struct rng *r = &t->r;
	struct nlmsghdr *h = (struct nlmsghdr *)t->buf;
	size_t len = chance(r, 80) ? below(r, 128) : below(r, 8192);
	int fam = get_family(t);
	struct nl_result res_;

	op_begin(t, C_NL, "raw len=%zu", len);
	if (fam < 0 || (t->nl < 0 && nl_open(t))) {
		res(t, -ENOENT);
		return;
	}
	rand_bytes(r, t->buf, len < sizeof(*h) ? sizeof(*h) + GENL_HDRLEN : len);
	if (len >= sizeof(*h)) {
		if (chance(r, 80))
			h->nlmsg_len = len;
		h->nlmsg_type = chance(r, 90) ? fam : GENL_ID_CTRL;
		h->nlmsg_flags = NLM_F_REQUEST |
				 (chance(r, 50) ? NLM_F_ACK : 0) |
				 (chance(r, 20) ? NLM_F_DUMP : 0);
		if (len >= NLMSG_LENGTH(GENL_HDRLEN) && chance(r, 80)) {
			struct genlmsghdr *g = NLMSG_DATA(h);

			g->cmd = below(r, VDPA_CMD_DEV_ATTR_SET + 2);
			g->version = VDPA_GENL_VERSION;
			g->reserved = 0;
			op_more(t, " cmd=%u", g->cmd);
		}
	}
	if (res(t, nl_send(t, t->buf, len)))
		return;
	nl_recv(t, &res_, 1000, chance(r, 20) ? 1 : 100, fam);
	res(t, res_.err);
}

/* nl.burst: several requests in one send, or many sends unread. */
static void op_nl_burst(struct thread *t)
{
	struct rng *r = &t->r;
	int fam = get_family(t);
	unsigned int n = 2 + below(r, 14), i;
	bool one_send = chance(r, 50);
	unsigned char *all = t->rbuf;
	size_t off = 0;
	char name[64];
	struct nl_result res_;

	op_begin(t, C_NL, "burst %u%s", n, one_send ? " one-send" : "");
	if (fam < 0 || (t->nl < 0 && nl_open(t))) {
		res(t, -ENOENT);
		return;
	}
	for (i = 0; i < n; i++) {
		struct msg m;
		struct nlmsghdr *h;
		uint8_t cmd = chance(r, 50) ? VDPA_CMD_DEV_GET :
			      below(r, VDPA_CMD_DEV_ATTR_SET + 1);
		uint16_t fl = NLM_F_REQUEST | NLM_F_ACK;

		if (cmd != VDPA_CMD_DEV_NEW && cmd != VDPA_CMD_DEV_DEL &&
		    chance(r, 50))
			fl |= NLM_F_DUMP;
		h = msg_init(t, &m, fam, fl, cmd, VDPA_GENL_VERSION);
		valid_attrs(t, &m, cmd, name, sizeof(name));
		h->nlmsg_len = m.len;
		if (!one_send) {
			if (nl_send(t, t->buf, m.len))
				break;
		} else if (off + m.len <= sizeof(t->rbuf)) {
			memcpy(all + off, t->buf, m.len);
			off += m.len;
		}
	}
	if (one_send) {
		/* t->rbuf is both the batch and the reply buffer: copy out */
		memcpy(t->buf, all, off);
		res(t, nl_send(t, t->buf, off));
	}
	switch (below(r, 3)) {
	case 0:		/* close with everything pending */
		nl_close(t);
		res(t, 0);
		break;
	case 1:		/* read a little */
		nl_recv(t, &res_, 200, 2, fam);
		res(t, res_.err);
		break;
	default:	/* read it all (overrun: ENOBUFS) */
		for (i = 0; i < n; i++) {
			nl_recv(t, &res_, 500, 1000, fam);
			if (!res_.msgs)
				break;
		}
		res(t, res_.err);
	}
}

/* nl.reopen: a new socket, maybe with a pending dump on the old one. */
static void op_nl_reopen(struct thread *t)
{
	op_begin(t, C_NL, "reopen");
	nl_close(t);
	res(t, nl_open(t));
	if (chance(&t->r, 10))
		__atomic_store_n(&family, -1, __ATOMIC_RELAXED);
}

/* Drain replies nobody waited for. */
static void nl_drain(struct thread *t)
{
	if (t->nl < 0)
		return;
	while (recv(t->nl, t->rbuf, sizeof(t->rbuf), MSG_DONTWAIT) > 0)
		;
}

/* ---- vhost-vdpa ----------------------------------------------------------- */

static const char * const status_bits = "ADFKN?!X";	/* for the log */

static int vioctl(struct slot *s, unsigned long req, void *arg)
{
	return sys(ioctl(s->fd, req, arg));
}

/*
 * Nodes some slot has open: a node opens once at a time, so a worker
 * picks another when there is one (the others' EBUSY is tried now and
 * then all the same).
 */
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static char held[MAX_THREADS * NSLOT][32];

static bool is_held(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(held); i++)
		if (!strcmp(held[i], name))
			return true;
	return false;
}

static void hold_node(const char *path, bool on)
{
	const char *name = path + 5;	/* after "/dev/" */
	unsigned int i;

	pthread_mutex_lock(&held_lock);
	for (i = 0; i < ARRAY_SIZE(held); i++) {
		if (on && !held[i][0]) {
			snprintf(held[i], sizeof(held[i]), "%.31s", name);
			break;
		}
		if (!on && !strcmp(held[i], name)) {
			held[i][0] = 0;
			break;
		}
	}
	pthread_mutex_unlock(&held_lock);
}

/* A random /dev/vhost-vdpa-N, or -ENOENT; mostly one nobody holds. */
static int pick_node(struct rng *r, char *path, size_t cap)
{
	DIR *d = opendir("/dev");
	struct dirent *e;
	char names[32][32];
	int n = 0, free_n = 0, i;
	bool any = chance(r, 10);

	if (!d)
		return -errno;
	pthread_mutex_lock(&held_lock);
	while ((e = readdir(d)) && n < 32) {
		if (strncmp(e->d_name, "vhost-vdpa-", 11))
			continue;
		snprintf(names[n++], sizeof(names[0]), "%.31s", e->d_name);
		if (!is_held(e->d_name))
			free_n++;
	}
	closedir(d);
	if (!n) {
		pthread_mutex_unlock(&held_lock);
		return -ENOENT;
	}
	if (any || !free_n) {
		i = below(r, n);
	} else {
		int k = below(r, free_n);

		for (i = 0; i < n; i++)
			if (!is_held(names[i]) && k-- == 0)
				break;
	}
	pthread_mutex_unlock(&held_lock);
	snprintf(path, cap, "/dev/%.31s", names[i < n ? i : 0]);
	return 0;
}

/* Whether the node's device sits on a PCI function (see slot.strict). */
static bool node_is_pci(const char *path)
{
	char sys[128], real[512];
	struct stat st;

	if (stat(path, &st))
		return true;	/* cannot tell: be careful */
	snprintf(sys, sizeof(sys), "/sys/dev/char/%u:%u", major(st.st_rdev),
		 minor(st.st_rdev));
	if (!realpath(sys, real))
		return true;	/* cannot tell: be careful */
	return strstr(real, "/pci") != NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void slot_forget(struct slot *s)
{
	int i;

	for (i = 0; i < NVQ; i++) {
		close_fd(&s->vq[i].kick);
		close_fd(&s->vq[i].call);
		s->vq[i].num = 0;
	}
	close_fd(&s->cfg_call);
	close_fd(&s->log_fd);
	if (s->fd >= 0)
		hold_node(s->path, false);
	close_fd(&s->fd);
	s->status = 0;
	s->backend = 0;
}

/* vh.open: a node, and what it says of itself. */
static void op_vh_open(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint64_t v;
	int err, flags = O_RDWR | O_CLOEXEC | O_NONBLOCK;

	err = pick_node(r, s->path, sizeof(s->path));
	op_begin(t, C_VH, "open %s", err ? "-" : s->path);
	if (res(t, err))
		return;
	if (chance(r, 3))
		flags = chance(r, 50) ? O_RDONLY : O_WRONLY;
	s->fd = open(s->path, flags | O_CLOEXEC | O_NONBLOCK);
	if (s->fd < 0) {
		res(t, -errno);
		return;
	}
	op_more(t, " fd=%d", s->fd);
	hold_node(s->path, true);
	s->strict = node_is_pci(s->path);
	/*
	 * The slot's memory may hold the garbage rings of a simulator it
	 * had open before: a strict device starts on fresh (zero) pages,
	 * where no avail index offers it anything.
	 */
	if (s->strict &&
	    mmap(s->mem, MEM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED) {
		res(t, -errno);
		slot_forget(s);
		return;
	}
	s->devid = s->nvqs = s->ngroups = s->nas = s->cfgsize = 0;
	s->vqmax = 0;
	s->features = s->backend_offered = 0;
	ioctl(s->fd, VHOST_VDPA_GET_DEVICE_ID, &s->devid);
	ioctl(s->fd, VHOST_VDPA_GET_VQS_COUNT, &s->nvqs);
	ioctl(s->fd, VHOST_VDPA_GET_GROUP_NUM, &s->ngroups);
	ioctl(s->fd, VHOST_VDPA_GET_AS_NUM, &s->nas);
	ioctl(s->fd, VHOST_VDPA_GET_CONFIG_SIZE, &s->cfgsize);
	ioctl(s->fd, VHOST_VDPA_GET_VRING_NUM, &s->vqmax);
	if (!ioctl(s->fd, VHOST_GET_FEATURES, &v))
		s->features = v;
	if (!ioctl(s->fd, VHOST_GET_BACKEND_FEATURES, &v))
		s->backend_offered = v;
	op_more(t, " id=%u vqs=%u groups=%u as=%u cfg=%u max=%u%s",
		s->devid, s->nvqs, s->ngroups, s->nas, s->cfgsize, s->vqmax,
		s->strict ? " pci" : "");
	res(t, 0);
}

static void op_vh_close(struct thread *t, struct slot *s)
{
	op_begin(t, C_VH, "close fd=%d", s->fd);
	/* Sometimes the eventfds first, sometimes the device first. */
	if (chance(&t->r, 50)) {
		int fd = s->fd;

		s->fd = -1;
		hold_node(s->path, false);
		res(t, sys(close(fd)));
	}
	slot_forget(s);
	res(t, 0);
}

/* A virtqueue index: mostly valid, sometimes just past, sometimes wild. */
static uint32_t vq_index(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint32_t n = s->nvqs ? s->nvqs : 3;

	switch (below(r, 10)) {
	case 0:
		return n + below(r, 2);
	case 1:
		return edge64(r);
	default:
		return below(r, n);
	}
}

/* An fd for KICK/CALL/ERR/CONFIG_CALL; *own is set when it is a new eventfd. */
static int fd_arg(struct thread *t, struct slot *s, bool *own)
{
	struct rng *r = &t->r;

	*own = false;
	switch (below(r, 12)) {
	case 0:
	case 1:
		return -1;		/* VHOST_FILE_UNBIND */
	case 2:
		return s->vq[below(r, NVQ)].call;	/* shared, maybe -1 */
	case 3:
		return below(r, 40);	/* whatever it is: socket, node, ... */
	case 4:
		return s->fd;		/* the device itself */
	case 5:
		return edge64(r);
	default:
		*own = true;
		return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
}

/* Keep an eventfd we passed for vq i (or close it if we cannot). */
static void keep_fd(int *slot_fd, int fd, bool own, int err)
{
	if (!own)
		return;
	if (err) {
		close(fd);
		return;
	}
	close_fd(slot_fd);
	*slot_fd = fd;
}

/* Features to set: the device's, a part of them, or anything. */
static uint64_t features_arg(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint64_t f = s->features;

	switch (below(r, 8)) {
	case 0:
		return edge64(r);
	case 1:
		return rnd(r);
	case 2:
		return f | (1ULL << below(r, 64));
	case 3:
		return f & rnd(r);
	default:		/* what a driver would: VERSION_1 and most */
		return f & (rnd(r) | (1ULL << VIRTIO_F_VERSION_1) |
			    (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	}
}

static uint64_t backend_arg(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;

	switch (below(r, 6)) {
	case 0:
		return edge64(r);
	case 1:
		return s->backend_offered | (1ULL << below(r, 64));
	default:
		return s->backend_offered & rnd(r);
	}
}

static uint8_t status_arg(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	static const uint8_t steps[] = {
		0, VIRTIO_CONFIG_S_ACKNOWLEDGE,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK,
		VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK,
	};

	switch (below(r, 6)) {
	case 0:
		return rnd(r);
	case 1:
		return s->status | (1u << below(r, 8));
	default:
		return steps[below(r, ARRAY_SIZE(steps))];
	}
}

static void fmt_status(char *b, uint8_t st)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = st & (1u << i) ? status_bits[i] : '-';
	b[8] = 0;
}

/* IOVA of a virtqueue's rings in a slot's memory. */
static uint64_t ring_iova(uint32_t idx, int part)
{
	return IOVA_BASE + (idx % (RING_AREA / VQ_STRIDE)) * VQ_STRIDE +
	       part * (VQ_STRIDE / 4);
}

/* ---- IOTLB messages ------------------------------------------------------- */

struct iotlb {
	uint32_t asid;
	uint8_t type;
	uint64_t iova, size, uaddr;
	uint8_t perm;
	bool v2;
	size_t len;		/* bytes written; 0: the message's size */
};

static int iotlb_send(struct thread *t, struct slot *s, const struct iotlb *m)
{
	struct vhost_iotlb_msg im = {
		.iova = m->iova, .size = m->size, .uaddr = m->uaddr,
		.perm = m->perm, .type = m->type,
	};
	union {
		struct vhost_msg v1;
		struct vhost_msg_v2 v2;
		unsigned char b[sizeof(struct vhost_msg_v2) + 32];
	} u;
	size_t len;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	if (m->v2) {
		u.v2.type = VHOST_IOTLB_MSG_V2;
		u.v2.asid = m->asid;
		u.v2.iotlb = im;
		len = sizeof(u.v2);
	} else {
		u.v1.type = VHOST_IOTLB_MSG;
		u.v1.iotlb = im;
		len = sizeof(u.v1);
	}
	if (m->len) {
		if (m->len > len)
			rand_bytes(&t->r, u.b + len, m->len - len);
		len = m->len;
	}
	n = write(s->fd, &u, len);
	if (n < 0)
		return -errno;
	return n == (ssize_t)len ? 0 : -EIO;
}

/* The layout the slot negotiated, most of the time. */
static bool want_v2(struct thread *t, struct slot *s)
{
	bool v2 = s->backend & (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2);

	return chance(&t->r, 90) ? v2 : !v2;
}

/* A user address for an update: ours mostly, sometimes anything. */
static uint64_t uaddr_arg(struct thread *t, struct slot *s, uint64_t size)
{
	struct rng *r = &t->r;
	uint64_t pages = MEM_SIZE / PAGE;

	switch (below(r, 16)) {
	case 0:
		return edge64(r) & ~(PAGE - 1);
	case 1:
		return (uintptr_t)s->mem + below(r, MEM_SIZE);	/* unaligned */
	case 2:
		return (uintptr_t)t->shm + below(r, 256) * PAGE;	/* shared memfd */
	case 3:
		return t->db[0] ? (uintptr_t)t->db[0] : 0;	/* a doorbell */
	case 4:
		return (uintptr_t)t->cfg;	/* then the hole after it */
	case 5:
		return 0xffff888000000000ULL;	/* the kernel's */
	default:
		if (size >= MEM_SIZE)
			return (uintptr_t)s->mem;
		return (uintptr_t)s->mem +
		       below(r, pages - size / PAGE + 1) * PAGE;
	}
}

static uint64_t iova_arg(struct thread *t)
{
	struct rng *r = &t->r;

	switch (below(r, 10)) {
	case 0:
		return edge64(r) & ~(PAGE - 1);
	case 1:
		return rnd(r);
	case 2:
		return 0;
	case 3:
		return -PAGE * (1 + below(r, 4));
	default:
		return IOVA_BASE + below(r, 2 * MEM_SIZE / PAGE) * PAGE;
	}
}

static uint64_t size_arg(struct thread *t)
{
	struct rng *r = &t->r;

	switch (below(r, 10)) {
	case 0:
		return edge64(r);
	case 1:
		return MEM_SIZE;
	case 2:
		return 1 + below(r, 3 * PAGE);
	default:
		return PAGE * (1 + below(r, 64));
	}
}

static uint32_t asid_arg(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;

	switch (below(r, 8)) {
	case 0:
		return s->nas + below(r, 2);
	case 1:
		return edge64(r);
	case 2:
	case 3:
		return below(r, s->nas ? s->nas : 2);
	default:
		return 0;
	}
}

/*
 * On a strict device, only map_window() maps or unmaps the window (all of
 * it or nothing), so that an -EEXIST from it means all of it is there:
 * any other update or invalidate that would touch it is moved away,
 * whatever its ASID (a v1 message has none, and without IOTLB_ASID a v2
 * message's is padding: both go to ASID 0).
 */
static void strict_fix(struct slot *s, struct iotlb *m)
{
	uint64_t end = m->iova + m->size;

	if (!s->strict ||
	    (m->type != VHOST_IOTLB_INVALIDATE && m->type != VHOST_IOTLB_UPDATE))
		return;
	if (end < m->iova) {			/* wraps: covers it */
		m->size = 0;
	} else if (m->iova < IOVA_BASE + MEM_SIZE && end > IOVA_BASE) {
		m->iova = IOVA_BASE + 2 * MEM_SIZE + (m->iova & (MEM_SIZE - 1));
		if (m->iova + m->size < m->iova)
			m->size = 0;
	}
}

static void random_iotlb(struct thread *t, struct slot *s, struct iotlb *m)
{
	struct rng *r = &t->r;
	static const uint8_t types[] = {
		VHOST_IOTLB_UPDATE, VHOST_IOTLB_UPDATE, VHOST_IOTLB_UPDATE,
		VHOST_IOTLB_INVALIDATE, VHOST_IOTLB_INVALIDATE,
		VHOST_IOTLB_BATCH_BEGIN, VHOST_IOTLB_BATCH_END,
		VHOST_IOTLB_MISS, VHOST_IOTLB_ACCESS_FAIL, 0, 7, 255,
	};

	memset(m, 0, sizeof(*m));
	m->type = types[below(r, ARRAY_SIZE(types))];
	m->asid = asid_arg(t, s);
	m->v2 = want_v2(t, s);
	m->size = size_arg(t);
	m->iova = iova_arg(t);
	m->uaddr = uaddr_arg(t, s, m->size);
	m->perm = chance(r, 70) ? VHOST_ACCESS_RW :
		  chance(r, 70) ? 1 + below(r, 2) : rnd(r);
	if (chance(r, 5))
		m->len = below(r, sizeof(struct vhost_msg) + 32);
	strict_fix(s, m);
}

static const char *iotlb_name(uint8_t type)
{
	switch (type) {
	case VHOST_IOTLB_UPDATE: return "UPDATE";
	case VHOST_IOTLB_INVALIDATE: return "INVAL";
	case VHOST_IOTLB_BATCH_BEGIN: return "BEGIN";
	case VHOST_IOTLB_BATCH_END: return "END";
	case VHOST_IOTLB_MISS: return "MISS";
	case VHOST_IOTLB_ACCESS_FAIL: return "AFAIL";
	default: return "T?";
	}
}

static int iotlb_logged(struct thread *t, struct slot *s, const struct iotlb *m)
{
	op_more(t, " %s%s/as%u/%llx+%llx@%llx/p%u%s", m->v2 ? "" : "v1:",
		iotlb_name(m->type), m->asid, (unsigned long long)m->iova,
		(unsigned long long)m->size, (unsigned long long)m->uaddr,
		m->perm, m->len ? "/len!" : "");
	return iotlb_send(t, s, m);
}

/* vh.iotlb: one message. */
static void op_vh_iotlb(struct thread *t, struct slot *s)
{
	struct iotlb m;

	random_iotlb(t, s, &m);
	op_begin(t, C_VH, "iotlb fd=%d", s->fd);
	res(t, iotlb_logged(t, s, &m));
}

/* vh.batch: BEGIN, a few updates and invalidates, END (or not). */
static void op_vh_batch(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	struct iotlb m;
	unsigned int n = 1 + below(r, 6), i;
	int err = 0, e;

	op_begin(t, C_VH, "batch fd=%d", s->fd);
	random_iotlb(t, s, &m);
	m.type = VHOST_IOTLB_BATCH_BEGIN;
	m.len = 0;
	err = iotlb_logged(t, s, &m);
	for (i = 0; i < n; i++) {
		random_iotlb(t, s, &m);
		if (m.type != VHOST_IOTLB_UPDATE && chance(r, 60))
			m.type = VHOST_IOTLB_INVALIDATE;
		strict_fix(s, &m);
		e = iotlb_logged(t, s, &m);
		err = err ?: e;
	}
	if (chance(r, 85)) {
		random_iotlb(t, s, &m);
		m.type = VHOST_IOTLB_BATCH_END;
		m.len = 0;
		e = iotlb_logged(t, s, &m);
		err = err ?: e;
	}
	res(t, err);
}

/* Map the slot's memory at IOVA_BASE in asid 0 (and maybe more). */
static int map_window(struct thread *t, struct slot *s, uint32_t asid)
{
	struct iotlb m = {
		.asid = asid, .type = VHOST_IOTLB_UPDATE, .iova = IOVA_BASE,
		.size = MEM_SIZE, .uaddr = (uintptr_t)s->mem,
		.perm = VHOST_ACCESS_RW,
		.v2 = s->backend & (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2),
	};
	int err = iotlb_send(t, s, &m);

	return err == -EEXIST ? 0 : err;
}

/*
 * Before a strict device may run: its window is mapped and the rings of
 * every queue hold nothing it could follow out of it. 0 when it may.
 */
static int strict_ready(struct thread *t, struct slot *s)
{
	int err;

	if (!s->strict)
		return 0;
	err = map_window(t, s, 0);
	if (err == -EFAULT) {
		/* holes we made in it: all of it again, fresh */
		if (mmap(s->mem, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != MAP_FAILED)
			err = map_window(t, s, 0);
	}
	if (err)
		op_more(t, " (strict: window %d)", err);
	return err;
}

/* ---- ioctls ----------------------------------------------------------------- */

/* vh.get: one of the read-only ioctls. */
static void op_vh_get(struct thread *t, struct slot *s)
{
	static const struct { unsigned long req; const char *name; } gets[] = {
		{ VHOST_GET_FEATURES, "GET_FEATURES" },
		{ VHOST_GET_BACKEND_FEATURES, "GET_BACKEND_FEATURES" },
		{ VHOST_VDPA_GET_DEVICE_ID, "GET_DEVICE_ID" },
		{ VHOST_VDPA_GET_STATUS, "GET_STATUS" },
		{ VHOST_VDPA_GET_VRING_NUM, "GET_VRING_NUM" },
		{ VHOST_VDPA_GET_CONFIG_SIZE, "GET_CONFIG_SIZE" },
		{ VHOST_VDPA_GET_VQS_COUNT, "GET_VQS_COUNT" },
		{ VHOST_VDPA_GET_GROUP_NUM, "GET_GROUP_NUM" },
		{ VHOST_VDPA_GET_AS_NUM, "GET_AS_NUM" },
		{ VHOST_VDPA_GET_IOVA_RANGE, "GET_IOVA_RANGE" },
	};
	unsigned int i = below(&t->r, ARRAY_SIZE(gets));
	uint64_t buf[4] = { 0 };
	int err;

	op_begin(t, C_VH, "%s fd=%d", gets[i].name, s->fd);
	err = res(t, vioctl(s, gets[i].req, buf));
	if (!err && gets[i].req == VHOST_VDPA_GET_STATUS)
		s->status = buf[0];
}

/* vh.vring: one of the per-queue ioctls, random and edge arguments. */
static void op_vh_vring(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint32_t idx = vq_index(t, s);
	struct vq_state *q = idx < NVQ ? &s->vq[idx] : NULL;
	struct vhost_vring_state st = { .index = idx };
	struct vhost_vring_file f = { .index = idx };
	struct vhost_vring_addr a = { .index = idx };
	bool own;
	int err;

	switch (below(r, 14)) {
	case 0:
	case 1:
		st.num = chance(r, 60) ? 1u << below(r, 9) :
			 chance(r, 50) ? s->vqmax + below(r, 3) : edge64(r);
		if (s->strict && st.num > 256)
			st.num = 256;
		op_begin(t, C_VH, "SET_VRING_NUM fd=%d idx=%u num=%u", s->fd,
			 idx, st.num);
		err = res(t, vioctl(s, VHOST_SET_VRING_NUM, &st));
		if (!err && q)
			q->num = st.num;
		break;
	case 2:
	case 3:
		a.flags = chance(r, 90) ? 0 : chance(r, 50) ?
			  1u << VHOST_VRING_F_LOG : rnd(r);
		if (s->strict || chance(r, 80)) {
			a.desc_user_addr = ring_iova(idx, 0);
			a.avail_user_addr = ring_iova(idx, 1);
			a.used_user_addr = ring_iova(idx, 2);
		} else {
			a.desc_user_addr = chance(r, 50) ? rnd(r) : edge64(r);
			a.avail_user_addr = ring_iova(idx, 1) + below(r, 3);
			a.used_user_addr = chance(r, 50) ? ring_iova(idx, 2) + 2 :
					   edge64(r);
		}
		a.log_guest_addr = chance(r, 80) ? 0 : rnd(r);
		op_begin(t, C_VH,
			 "SET_VRING_ADDR fd=%d idx=%u flags=%x desc=%llx avail=%llx used=%llx",
			 s->fd, idx, a.flags,
			 (unsigned long long)a.desc_user_addr,
			 (unsigned long long)a.avail_user_addr,
			 (unsigned long long)a.used_user_addr);
		res(t, vioctl(s, VHOST_SET_VRING_ADDR, &a));
		break;
	case 4:
		st.num = chance(r, 50) ? below(r, 512) : edge64(r);
		op_begin(t, C_VH, "SET_VRING_BASE fd=%d idx=%u num=%u", s->fd,
			 idx, st.num);
		res(t, vioctl(s, VHOST_SET_VRING_BASE, &st));
		break;
	case 5:
		op_begin(t, C_VH, "GET_VRING_BASE fd=%d idx=%u", s->fd, idx);
		res(t, vioctl(s, VHOST_GET_VRING_BASE, &st));
		break;
	case 6:
	case 7:
		f.fd = fd_arg(t, s, &own);
		op_begin(t, C_VH, "SET_VRING_KICK fd=%d idx=%u efd=%d%s",
			 s->fd, idx, f.fd, own ? "(new)" : "");
		err = res(t, vioctl(s, VHOST_SET_VRING_KICK, &f));
		keep_fd(q ? &q->kick : &f.fd, f.fd, own && q, err);
		if (own && !q)
			close(f.fd);
		break;
	case 8:
	case 9:
		f.fd = fd_arg(t, s, &own);
		op_begin(t, C_VH, "SET_VRING_CALL fd=%d idx=%u efd=%d%s",
			 s->fd, idx, f.fd, own ? "(new)" : "");
		err = res(t, vioctl(s, VHOST_SET_VRING_CALL, &f));
		keep_fd(q ? &q->call : &f.fd, f.fd, own && q, err);
		if (own && !q)
			close(f.fd);
		break;
	case 10:
		st.num = chance(r, 80) ? below(r, 2) : edge64(r);
		op_begin(t, C_VH, "SET_VRING_ENABLE fd=%d idx=%u num=%u",
			 s->fd, idx, st.num);
		if (st.num && strict_ready(t, s)) {
			res(t, -EAGAIN);
			break;
		}
		res(t, vioctl(s, VHOST_VDPA_SET_VRING_ENABLE, &st));
		break;
	case 11: {
		static const struct { unsigned long req; const char *name; } g[] = {
			{ VHOST_VDPA_GET_VRING_GROUP, "GET_VRING_GROUP" },
			{ VHOST_VDPA_GET_VRING_DESC_GROUP, "GET_VRING_DESC_GROUP" },
			{ VHOST_VDPA_GET_VRING_SIZE, "GET_VRING_SIZE" },
			{ VHOST_GET_VRING_BUSYLOOP_TIMEOUT, "GET_BUSYLOOP" },
			{ VHOST_GET_VRING_ENDIAN, "GET_VRING_ENDIAN" },
		};
		unsigned int i = below(r, ARRAY_SIZE(g));

		op_begin(t, C_VH, "%s fd=%d idx=%u", g[i].name, s->fd, idx);
		res(t, vioctl(s, g[i].req, &st));
		break;
	}
	case 12: {
		static const struct { unsigned long req; const char *name; } g[] = {
			{ VHOST_SET_VRING_BUSYLOOP_TIMEOUT, "SET_BUSYLOOP" },
			{ VHOST_SET_VRING_ENDIAN, "SET_VRING_ENDIAN" },
		};
		unsigned int i = below(r, ARRAY_SIZE(g));

		st.num = edge64(r);
		op_begin(t, C_VH, "%s fd=%d idx=%u num=%u", g[i].name, s->fd,
			 idx, st.num);
		res(t, vioctl(s, g[i].req, &st));
		break;
	}
	default:
		f.fd = fd_arg(t, s, &own);
		op_begin(t, C_VH, "SET_VRING_ERR fd=%d idx=%u efd=%d", s->fd,
			 idx, f.fd);
		res(t, vioctl(s, VHOST_SET_VRING_ERR, &f));
		if (own)
			close(f.fd);
	}
}

/* vh.ctl: device-wide ioctls. */
static void op_vh_ctl(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint64_t v;
	uint8_t st;
	char sb[9];
	bool own;
	int fd, err;

	switch (below(r, 15)) {
	case 0:
		op_begin(t, C_VH, "SET_OWNER fd=%d", s->fd);
		res(t, vioctl(s, VHOST_SET_OWNER, NULL));
		break;
	case 1:
		op_begin(t, C_VH, "RESET_OWNER fd=%d", s->fd);
		err = res(t, vioctl(s, VHOST_RESET_OWNER, NULL));
		if (!err)
			s->status = 0;
		break;
	case 2:
	case 3:
		v = features_arg(t, s);
		op_begin(t, C_VH, "SET_FEATURES fd=%d 0x%llx", s->fd,
			 (unsigned long long)v);
		res(t, vioctl(s, VHOST_SET_FEATURES, &v));
		break;
	case 4:
		v = backend_arg(t, s);
		op_begin(t, C_VH, "SET_BACKEND_FEATURES fd=%d 0x%llx", s->fd,
			 (unsigned long long)v);
		err = res(t, vioctl(s, VHOST_SET_BACKEND_FEATURES, &v));
		if (!err)
			s->backend = v;
		break;
	case 5:
	case 6:
	case 7:
		st = status_arg(t, s);
		fmt_status(sb, st);
		op_begin(t, C_VH, "SET_STATUS fd=%d 0x%02x %s", s->fd, st, sb);
		if ((st & VIRTIO_CONFIG_S_DRIVER_OK) && strict_ready(t, s)) {
			res(t, -EAGAIN);
			break;
		}
		err = res(t, vioctl(s, VHOST_VDPA_SET_STATUS, &st));
		if (!err)
			s->status = st;
		break;
	case 8:
		fd = fd_arg(t, s, &own);
		op_begin(t, C_VH, "SET_CONFIG_CALL fd=%d efd=%d", s->fd, fd);
		err = res(t, vioctl(s, VHOST_VDPA_SET_CONFIG_CALL, &fd));
		keep_fd(&s->cfg_call, fd, own, err);
		break;
	case 9:
		op_begin(t, C_VH, "SUSPEND fd=%d", s->fd);
		res(t, vioctl(s, VHOST_VDPA_SUSPEND, NULL));
		break;
	case 10:
		op_begin(t, C_VH, "RESUME fd=%d", s->fd);
		if (strict_ready(t, s)) {
			res(t, -EAGAIN);
			break;
		}
		res(t, vioctl(s, VHOST_VDPA_RESUME, NULL));
		break;
	case 11:
		/*
		 * The dirty log (with vhost_vdpa's dirty_log, which 97-fuzz.sh
		 * sets): the 64 KiB config buffer (a log for 2 GiB of IOVA,
		 * the hole after it), a user address of any kind, or none.
		 */
		v = chance(r, 50) ? (uintptr_t)t->cfg + below(r, 4) * 8 :
		    chance(r, 20) ? 0 : uaddr_arg(t, s, PAGE);
		op_begin(t, C_VH, "SET_LOG_BASE fd=%d 0x%llx", s->fd,
			 (unsigned long long)v);
		res(t, vioctl(s, VHOST_SET_LOG_BASE, &v));
		break;
	case 12:
		fd = fd_arg(t, s, &own);
		op_begin(t, C_VH, "SET_LOG_FD fd=%d efd=%d", s->fd, fd);
		err = res(t, vioctl(s, VHOST_SET_LOG_FD, &fd));
		keep_fd(&s->log_fd, fd, own, err);
		break;
	case 13:
		/* Logging on or off, the features otherwise the same. */
		v = s->features & ~(1ULL << VHOST_F_LOG_ALL);
		if (chance(r, 50))
			v |= 1ULL << VHOST_F_LOG_ALL;
		op_begin(t, C_VH, "SET_FEATURES fd=%d 0x%llx (log %s)", s->fd,
			 (unsigned long long)v,
			 v & (1ULL << VHOST_F_LOG_ALL) ? "on" : "off");
		res(t, vioctl(s, VHOST_SET_FEATURES, &v));
		break;
	default: {
		/* ioctls vhost-vdpa does not have, or the vhost ones it refuses */
		static const unsigned long other[] = {
			VHOST_SET_MEM_TABLE, VHOST_NET_SET_BACKEND,
			VHOST_VSOCK_SET_RUNNING,
		};
		unsigned long req;
		unsigned int size = below(r, 64);

		if (chance(r, 40)) {
			req = other[below(r, ARRAY_SIZE(other))];
		} else {
			unsigned int dir = below(r, 4);

			req = _IOC(dir, VHOST_VIRTIO, below(r, 0x90), size);
		}
		rand_bytes(r, t->cfg, 4096);
		op_begin(t, C_VH, "ioctl fd=%d 0x%lx", s->fd, req);
		res(t, vioctl(s, req, t->cfg));
	}
	}
}

/* vh.config: GET/SET_CONFIG with random offsets and lengths. */
static void op_vh_config(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	struct vhost_vdpa_config *c = (struct vhost_vdpa_config *)t->cfg;
	uint32_t size = s->cfgsize ? s->cfgsize : 64;
	bool set = chance(r, 35);

	c->off = chance(r, 70) ? below(r, size + 4) : edge64(r);
	c->len = chance(r, 70) ? below(r, size + 4) : edge64(r);
	if (set)
		rand_bytes(r, c->buf, 256);
	op_begin(t, C_VH, "%s_CONFIG fd=%d off=%u len=%u", set ? "SET" : "GET",
		 s->fd, c->off, c->len);
	res(t, vioctl(s, set ? VHOST_VDPA_SET_CONFIG : VHOST_VDPA_GET_CONFIG, c));
}

/* vh.asid: groups and address spaces. */
static void op_vh_asid(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	struct vhost_vring_state st;
	uint32_t g = s->ngroups ? s->ngroups : 1;

	st.index = chance(r, 70) ? below(r, g) : chance(r, 50) ? g : edge64(r);
	st.num = asid_arg(t, s);
	op_begin(t, C_VH, "SET_GROUP_ASID fd=%d group=%u asid=%u", s->fd,
		 st.index, st.num);
	res(t, vioctl(s, VHOST_VDPA_SET_GROUP_ASID, &st));
}

/* ---- making the device run -------------------------------------------------- */

/*
 * vh.setup: what a driver does, to DRIVER_OK, with random choices along
 * the way, so that the device runs and the other operations meet it
 * running.
 */
static void op_vh_setup(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint64_t v, want;
	uint8_t st;
	uint32_t i, n;
	int err = 0, e;

	op_begin(t, C_VH, "setup fd=%d", s->fd);
	e = vioctl(s, VHOST_SET_OWNER, NULL);
	op_more(t, " own%d", e);
	want = (1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2) |
	       (1ULL << VHOST_BACKEND_F_IOTLB_BATCH);
	if (chance(r, 50))
		want |= 1ULL << VHOST_BACKEND_F_IOTLB_ASID;
	if (chance(r, 30))
		want |= 1ULL << VHOST_BACKEND_F_IOTLB_PERSIST;
	if (chance(r, 30))
		want |= (1ULL << VHOST_BACKEND_F_SUSPEND) |
			(1ULL << VHOST_BACKEND_F_RESUME);
	if (chance(r, 30))
		want |= 1ULL << VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK;
	if (chance(r, 10))
		want = rnd(r);
	v = s->backend_offered & want;
	if (!vioctl(s, VHOST_SET_BACKEND_FEATURES, &v))
		s->backend = v;
	op_more(t, " be=%llx", (unsigned long long)s->backend);
	if (chance(r, 70)) {
		st = 0;
		vioctl(s, VHOST_VDPA_SET_STATUS, &st);
	}
	st = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	err = vioctl(s, VHOST_VDPA_SET_STATUS, &st);
	v = s->features & (chance(r, 70) ? ~0ULL : rnd(r) |
			   (1ULL << VIRTIO_F_VERSION_1) |
			   (1ULL << VIRTIO_F_ACCESS_PLATFORM));
	e = vioctl(s, VHOST_SET_FEATURES, &v);
	op_more(t, " f=%llx:%d", (unsigned long long)v, e);
	st |= VIRTIO_CONFIG_S_FEATURES_OK;
	e = vioctl(s, VHOST_VDPA_SET_STATUS, &st);
	err = err ?: e;
	e = map_window(t, s, 0);
	op_more(t, " map%d", e);
	if (s->nas > 1 && chance(r, 30)) {
		/* the same memory in another address space too */
		map_window(t, s, 1 + below(r, s->nas - 1));
	}
	n = s->nvqs < NVQ ? s->nvqs : NVQ;
	for (i = 0; i < n; i++) {
		struct vq_state *q = &s->vq[i];
		struct vhost_vring_state vs = { .index = i };
		struct vhost_vring_addr a = {
			.index = i, .desc_user_addr = ring_iova(i, 0),
			.avail_user_addr = ring_iova(i, 1),
			.used_user_addr = ring_iova(i, 2),
		};
		struct vhost_vring_file f = { .index = i };
		uint16_t max = s->vqmax ? s->vqmax : 256;

		if (chance(r, 10))
			continue;	/* a queue left alone */
		vs.num = 1u << below(r, 9);
		if (vs.num > max)
			vs.num = max;
		if (!vioctl(s, VHOST_SET_VRING_NUM, &vs))
			q->num = vs.num;
		vs.num = chance(r, 80) ? 0 : below(r, 0x10000);
		vioctl(s, VHOST_SET_VRING_BASE, &vs);
		vioctl(s, VHOST_SET_VRING_ADDR, &a);
		if (q->kick < 0)
			q->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f.fd = q->kick;
		vioctl(s, VHOST_SET_VRING_KICK, &f);
		if (q->call < 0)
			q->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		f.fd = q->call;
		vioctl(s, VHOST_SET_VRING_CALL, &f);
		vs.num = 1;
		if (!(s->backend & (1ULL << VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK)) ||
		    chance(r, 50))
			vioctl(s, VHOST_VDPA_SET_VRING_ENABLE, &vs);
	}
	if (s->ngroups > 1 && s->nas > 1 && chance(r, 30)) {
		struct vhost_vring_state g = {
			.index = below(r, s->ngroups), .num = below(r, s->nas),
		};

		vioctl(s, VHOST_VDPA_SET_GROUP_ASID, &g);
	}
	if (chance(r, 90) && !strict_ready(t, s)) {
		st |= VIRTIO_CONFIG_S_DRIVER_OK;
		e = vioctl(s, VHOST_VDPA_SET_STATUS, &st);
		op_more(t, " ok%d", e);
		err = err ?: e;
		if (!e)
			s->status = st;
	}
	if (s->backend & (1ULL << VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK)) {
		for (i = 0; i < n; i++) {
			struct vhost_vring_state vs = { .index = i, .num = 1 };

			if (chance(r, 80))
				vioctl(s, VHOST_VDPA_SET_VRING_ENABLE, &vs);
		}
	}
	res(t, err);
}

/*
 * vh.rings: put buffers on a queue: descriptors that make sense (buffers
 * in the window, chains, maybe loops) or garbage, then kick.
 */
static void op_vh_rings(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint32_t idx = below(r, s->nvqs ? (s->nvqs < NVQ ? s->nvqs : NVQ) : 1);
	struct vq_state *q = &s->vq[idx];
	uint16_t num = q->num && q->num <= 256 ? q->num : 256;
	uint8_t *base = s->mem + (idx % (RING_AREA / VQ_STRIDE)) * VQ_STRIDE;
	struct vring_desc *desc = (struct vring_desc *)base;
	struct vring_avail *avail = (struct vring_avail *)(base + VQ_STRIDE / 4);
	bool garbage = !s->strict && chance(r, 25);
	unsigned int n = 1 + below(r, num), i;
	uint64_t one = 1;
	int err;

	op_begin(t, C_VH, "rings fd=%d idx=%u num=%u n=%u%s", s->fd, idx, num,
		 n, garbage ? " garbage" : "");
	err = GUARDED(t, {
		if (garbage) {
			rand_bytes(r, base, VQ_STRIDE * 3 / 4);
		} else {
			for (i = 0; i < num; i++) {
				/*
				 * A strict (PCI) device is QEMU's virtio-net:
				 * 7.2 aborts on a TX chain shorter than its
				 * header (an iov_copy() assertion), so its
				 * buffers are never that short.
				 */
				uint32_t len = s->strict ? 64 + below(r, chance(r, 90) ?
								       2048 : 65536) :
					       chance(r, 90) ? 1 + below(r, 2048) :
					       edge64(r);
				uint64_t room = MEM_SIZE - RING_AREA;

				if (s->strict && len > room)
					len = room;
				desc[i].addr = IOVA_BASE + RING_AREA +
					       below(r, room - (s->strict ? len : 0));
				if (!s->strict && chance(r, 5))
					desc[i].addr = chance(r, 50) ? rnd(r) :
						       ring_iova(idx, below(r, 3));
				desc[i].len = len;
				desc[i].flags = chance(r, 30) ? VRING_DESC_F_NEXT : 0;
				if (chance(r, 50))
					desc[i].flags |= VRING_DESC_F_WRITE;
				if (!s->strict && chance(r, 3))
					desc[i].flags |= VRING_DESC_F_INDIRECT;
				desc[i].next = chance(r, 90) ? (i + 1) % num :
					       below(r, s->strict ? num : 0x10000);
			}
			for (i = 0; i < n; i++)
				avail->ring[(avail->idx + i) % num] =
					chance(r, 98) ? below(r, num) : rnd(r);
			avail->flags = chance(r, 90) ? 0 : rnd(r);
			avail->idx += chance(r, 95) ? n : rnd(r);
		}
	});
	if (err) {
		res(t, err);
		return;
	}
	if (strict_ready(t, s)) {
		res(t, -EAGAIN);
		return;
	}
	err = q->kick >= 0 ? sys(write(q->kick, &one, sizeof(one))) : -EBADF;
	res(t, err < 0 ? err : 0);
}

/* vh.kick: write kick eventfds, read call eventfds. */
static void op_vh_kick(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	uint32_t idx = below(r, NVQ);
	uint64_t v = chance(r, 90) ? 1 : edge64(r);
	int err = 0;

	op_begin(t, C_VH, "kick fd=%d idx=%u", s->fd, idx);
	if (strict_ready(t, s)) {
		res(t, -EAGAIN);
		return;
	}
	if (s->vq[idx].kick >= 0 && v != UINT64_MAX)
		err = sys(write(s->vq[idx].kick, &v, sizeof(v)));
	if (err > 0)
		err = 0;
	if (s->vq[idx].call >= 0)
		read(s->vq[idx].call, &v, sizeof(v));
	if (s->cfg_call >= 0)
		read(s->cfg_call, &v, sizeof(v));
	res(t, err);
}

/* vh.io: read, write and poll the node itself. */
static void op_vh_io(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	struct pollfd p = { .fd = s->fd, .events = POLLIN | POLLOUT };
	size_t len = chance(r, 70) ? below(r, 128) : below(r, 8192);

	switch (below(r, 3)) {
	case 0:
		op_begin(t, C_VH, "read fd=%d len=%zu", s->fd, len);
		res(t, sys(read(s->fd, t->rbuf, len)));
		break;
	case 1:
		if (s->strict) {	/* might unmap the window: see strict_fix() */
			op_begin(t, C_VH, "read fd=%d len=%zu", s->fd, len);
			res(t, sys(read(s->fd, t->rbuf, len)));
			break;
		}
		rand_bytes(r, t->rbuf, len);
		if (len >= 4 && chance(r, 70)) {
			uint32_t type = chance(r, 50) ? VHOST_IOTLB_MSG_V2 :
					VHOST_IOTLB_MSG;

			memcpy(t->rbuf, &type, 4);
		}
		op_begin(t, C_VH, "write fd=%d len=%zu", s->fd, len);
		res(t, sys(write(s->fd, t->rbuf, len)));
		break;
	default:
		op_begin(t, C_VH, "poll fd=%d", s->fd);
		res(t, sys(poll(&p, 1, 0)));
	}
}

/* ---- doorbells and memory -------------------------------------------------- */

static int db_free_slot(struct thread *t)
{
	int i;

	for (i = 0; i < NDB; i++)
		if (!t->db[i])
			return i;
	return -1;
}

/* vh.mmap: map a doorbell page (or try odd ones), maybe write it. */
static void op_vh_mmap(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	int i = db_free_slot(t);
	uint32_t idx = vq_index(t, s);
	size_t len = chance(r, 85) ? PAGE : chance(r, 50) ? 2 * PAGE : PAGE / 2;
	int prot = chance(r, 80) ? PROT_WRITE :
		   chance(r, 50) ? PROT_READ | PROT_WRITE : PROT_READ;
	int flags = chance(r, 95) ? MAP_SHARED : MAP_PRIVATE;
	off_t off = (off_t)idx * PAGE;
	void *p;

	if (i < 0) {
		/* full: unmap one instead */
		i = below(r, NDB);
		op_begin(t, C_VH, "munmap db%d %p", i, t->db[i]);
		res(t, sys(munmap(t->db[i], t->dblen[i])));
		t->db[i] = NULL;
		return;
	}
	if (chance(r, 5))
		off = chance(r, 50) ? (off_t)rnd(r) & ~(PAGE - 1) : 123;
	op_begin(t, C_VH, "mmap fd=%d off=0x%llx len=%zu prot=%d %s", s->fd,
		 (unsigned long long)off, len, prot,
		 flags == MAP_SHARED ? "shared" : "private");
	p = mmap(NULL, len, prot, flags, s->fd, off);
	if (p == MAP_FAILED) {
		res(t, -errno);
		return;
	}
	t->db[i] = p;
	t->dblen[i] = len;
	op_more(t, " = %p", p);
	res(t, 0);
}

/* vh.doorbell: write (or read) a mapped doorbell; zap it; unmap it. */
static void op_vh_doorbell(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	int i = below(r, NDB);
	uint16_t *p = t->db[i];	/* device memory: __atomic, one access */
	uint16_t v = chance(r, 80) ? below(r, s->nvqs ? s->nvqs : 3) : rnd(r);

	if (!p) {
		op_vh_mmap(t, s);
		return;
	}
	switch (below(r, 6)) {
	case 0:
		op_begin(t, C_VH, "munmap db%d %p", i, p);
		res(t, sys(munmap((void *)p, t->dblen[i])));
		t->db[i] = NULL;
		break;
	case 1:
		op_begin(t, C_VH, "madvise db%d %p DONTNEED", i, p);
		res(t, sys(madvise((void *)p, t->dblen[i], MADV_DONTNEED)));
		break;
	case 2:
		op_begin(t, C_VH, "mprotect db%d %p RW", i, p);
		res(t, sys(mprotect((void *)p, t->dblen[i],
				    PROT_READ | PROT_WRITE)));
		break;
	case 3:
		op_begin(t, C_VH, "read db%d %p", i, p);
		res(t, GUARDED(t, { v = __atomic_load_n(p, __ATOMIC_RELAXED); }));
		break;
	default:
		/* a strict device meets its doorbell only with its window mapped */
		op_begin(t, C_VH, "write db%d %p = %u", i, p, v);
		if (strict_ready(t, s)) {
			res(t, -EAGAIN);
			break;
		}
		res(t, GUARDED(t, {
			__atomic_store_n(&p[chance(r, 90) ? 0 : below(r, 2048)],
					 v, __ATOMIC_RELAXED);
		}));
	}
}

/*
 * vh.mem: unmap part of a slot's memory (maybe mapped, maybe rings), or
 * map all of it again (fresh pages: the device keeps what it pinned).
 */
static void op_vh_mem(struct thread *t, struct slot *s)
{
	struct rng *r = &t->r;
	size_t off = below(r, MEM_SIZE / (64 << 10)) * (64 << 10);
	size_t len = (64 << 10) * (1 + below(r, 4));
	void *p;

	if (off + len > MEM_SIZE)
		len = MEM_SIZE - off;
	if (chance(r, 30)) {
		op_begin(t, C_VH, "mem unmap +%zx len %zx", off, len);
		res(t, sys(munmap(s->mem + off, len)));
	} else {
		op_begin(t, C_VH, "mem remap");
		p = mmap(s->mem, MEM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		res(t, p == MAP_FAILED ? -errno : 0);
	}
}

/* ---- chaos: devices and modules going away under the workers ---------------- */

/* Names of the vdpa devices sysfs has right now. */
static int sys_devs(char names[][64], int max)
{
	DIR *d = opendir("/sys/bus/vdpa/devices");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max)
		if (e->d_name[0] != '.')
			snprintf(names[n++], 64, "%.63s", e->d_name);
	closedir(d);
	return n;
}

/* A simple doit request; 0 or the kernel's -errno. */
static int nl_doit(struct thread *t, uint8_t cmd, const struct mgmtdev *md,
		   const char *name, struct rng *r)
{
	int fam = get_family(t);
	struct nl_result res_;
	struct nlmsghdr *h;
	struct msg m;
	int err;

	if (fam < 0)
		return fam;
	if (t->nl < 0) {
		err = nl_open(t);
		if (err)
			return err;
	}
	nl_drain(t);
	h = msg_init(t, &m, fam, NLM_F_REQUEST | NLM_F_ACK |
		     (name ? 0 : NLM_F_DUMP), cmd, VDPA_GENL_VERSION);
	if (name)
		put_str(&m, VDPA_ATTR_DEV_NAME, name);
	if (md) {
		if (*md->bus)
			put_str(&m, VDPA_ATTR_MGMTDEV_BUS_NAME, md->bus);
		put_str(&m, VDPA_ATTR_MGMTDEV_DEV_NAME, md->dev);
		/* a simulator's net device: a PCI one takes no attribute */
		if (r && !*md->bus && (md->classes & (1ULL << 1))) {
			uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 1 };

			mac[5] = rnd(r);
			put(&m, VDPA_ATTR_DEV_NET_CFG_MACADDR, mac, 6);
			put_int(&m, VDPA_ATTR_DEV_NET_CFG_MAX_VQP, 2,
				1 + below(r, 2));
		}
	}
	h->nlmsg_len = m.len;
	err = nl_send(t, t->buf, m.len);
	if (err) {
		nl_close(t);
		return err;
	}
	nl_recv_q(t, &res_, 5000, 1000, 100000, fam);
	if (res_.err == -ENOENT)
		__atomic_store_n(&family, -1, __ATOMIC_RELAXED);
	return res_.err;
}

static int refresh_mgmt(struct thread *t)
{
	return nl_doit(t, VDPA_CMD_MGMTDEV_GET, NULL, NULL, NULL);
}

/* Create a device on a random management device (or the i-th). */
static int dev_add(struct thread *t, int which, char *name, size_t cap)
{
	struct mgmtdev md;
	int err;

	pthread_mutex_lock(&mgmt_lock);
	if (!nmgmt) {
		pthread_mutex_unlock(&mgmt_lock);
		refresh_mgmt(t);
		pthread_mutex_lock(&mgmt_lock);
	}
	if (!nmgmt) {
		pthread_mutex_unlock(&mgmt_lock);
		return -ENODEV;
	}
	md = mgmts[which >= 0 ? which % nmgmt : (int)below(&t->r, nmgmt)];
	pthread_mutex_unlock(&mgmt_lock);
	snprintf(name, cap, "fz%u", (unsigned int)below(&t->r, 24));
	op_more(t, " %s on %s%s%s", name, md.bus, *md.bus ? "/" : "", md.dev);
	err = nl_doit(t, VDPA_CMD_DEV_NEW, &md, name, &t->r);
	if (!err)
		names_add(&devnames, name);
	return err;
}

/* Run a program (rmmod, modprobe), output to /dev/null; its exit status. */
static int spawn(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	double end = now() + 1.5 * watchdog_secs;	/* the watchdog's is 2x */
	int status, err;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -err;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -ETIMEDOUT;
		}
		usleep(5000);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -EINTR;
}

static char mod_list[16][32];
static int nmods;

static bool mod_loaded(const char *m)
{
	char p[80];

	snprintf(p, sizeof(p), "/sys/module/%s", m);
	return access(p, F_OK) == 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	int err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void op_chaos(struct thread *t)
{
	struct rng *r = &t->r;
	char names[32][64], name[64], path[160];
	int n = sys_devs(names, 32), i, err;
	bool d = strchr(chaos, 'd'), u = strchr(chaos, 'u'),
	     m = strchr(chaos, 'm') && nmods;

	/* Few devices left: make one, whatever was asked. */
	if (d && n < (populate > 2 ? populate : 2) && chance(r, 70)) {
		op_begin(t, C_CHAOS, "dev_add");
		res(t, dev_add(t, -1, name, sizeof(name)));
		return;
	}
	/* Many (the workers make some too): delete one. */
	if (d && n > 24) {
		snprintf(name, sizeof(name), "%s", names[below(r, n)]);
		op_begin(t, C_CHAOS, "dev_del %s", name);
		err = res(t, nl_doit(t, VDPA_CMD_DEV_DEL, NULL, name, NULL));
		if (!err)
			names_del(&devnames, name);
		return;
	}
	switch (below(r, 8)) {
	case 0:
	case 1:
		if (!d || !n)
			break;
		snprintf(name, sizeof(name), "%s", names[below(r, n)]);
		op_begin(t, C_CHAOS, "dev_del %s", name);
		err = res(t, nl_doit(t, VDPA_CMD_DEV_DEL, NULL, name, NULL));
		if (!err)
			names_del(&devnames, name);
		return;
	case 2:
		if (!d)
			break;
		op_begin(t, C_CHAOS, "dev_add");
		res(t, dev_add(t, -1, name, sizeof(name)));
		return;
	case 3:
		if (!u || !n)
			break;
		i = below(r, n);
		op_begin(t, C_CHAOS, "unbind %s", names[i]);
		res(t, write_file("/sys/bus/vdpa/drivers/vhost_vdpa/unbind",
				  names[i]));
		return;
	case 4:
		if (!u || !n)
			break;
		op_begin(t, C_CHAOS, "bind all");
		err = 0;
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path),
				 "/sys/bus/vdpa/devices/%.63s/driver", names[i]);
			if (access(path, F_OK) == 0)
				continue;
			op_more(t, " %s", names[i]);
			err = err ?: write_file("/sys/bus/vdpa/drivers/vhost_vdpa/bind",
						names[i]);
		}
		res(t, err);
		return;
	case 5:
		if (!u || !n)
			break;
		i = below(r, n);
		snprintf(path, sizeof(path),
			 "/sys/bus/vdpa/devices/%.63s/driver_override", names[i]);
		snprintf(name, sizeof(name), "%s",
			 chance(r, 60) ? "vhost_vdpa" : chance(r, 50) ? "\n" :
			 "no_such_driver");
		op_begin(t, C_CHAOS, "driver_override %s = %s", names[i],
			 *name == '\n' ? "(none)" : name);
		res(t, write_file(path, name));
		return;
	case 6: {
		char *argv[3] = { NULL };

		if (!m)
			break;
		argv[0] = "rmmod";
		argv[1] = mod_list[below(r, nmods)];
		op_begin(t, C_CHAOS, "rmmod %s", argv[1]);
		err = spawn(argv);
		res(t, err > 0 ? -EBUSY : err);
		if (err || chance(r, 30))
			return;
		/* and back at once, most of the time */
		argv[0] = "modprobe";
		op_more(t, ", modprobe");
		res(t, spawn(argv) > 0 ? -EIO : 0);
		__atomic_store_n(&family, -1, __ATOMIC_RELAXED);
		return;
	}
	default:
		break;
	}
	/* Nothing else to do: load what is missing, list mgmtdevs again. */
	op_begin(t, C_CHAOS, "restore");
	for (i = 0; m && i < nmods; i++) {
		char *argv[3] = { NULL };

		argv[0] = "modprobe";
		argv[1] = mod_list[i];

		if (mod_loaded(mod_list[i]))
			continue;
		op_more(t, " modprobe %s", mod_list[i]);
		spawn(argv);
		__atomic_store_n(&family, -1, __ATOMIC_RELAXED);
	}
	if (u)
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path),
				 "/sys/bus/vdpa/devices/%.63s/driver_override",
				 names[i]);
			write_file(path, "vhost_vdpa");
			write_file("/sys/bus/vdpa/drivers/vhost_vdpa/bind",
				   names[i]);
		}
	pthread_mutex_lock(&mgmt_lock);
	nmgmt = 0;
	pthread_mutex_unlock(&mgmt_lock);
	res(t, refresh_mgmt(t));
}

/* ---- VDUSE: a hostile daemon ------------------------------------------------ */

#define VDUSE_CTL	"/dev/vduse/control"

static bool have_vduse;		/* VDUSE_CTL was there at the start */

/* The management device VDUSE devices attach through: it has no bus. */
static const struct mgmtdev vduse_mgmt = { "", "vduse", 0 };

static int vd_ctl(void)
{
	int fd = open(VDUSE_CTL, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* Write a number to /sys/class/vduse/<name>/<attr>. */
static int vd_attr(const struct vd *v, const char *attr, uint64_t val)
{
	char path[VDUSE_NAME_MAX + 32], s[24];

	snprintf(path, sizeof(path), "/sys/class/vduse/%s/%s", v->name, attr);
	snprintf(s, sizeof(s), "%llu", (unsigned long long)val);
	return write_file(path, s);
}

/* DESTROY_DEV reads all VDUSE_NAME_MAX bytes. */
static int vd_destroy(int ctl, const char *name)
{
	char buf[VDUSE_NAME_MAX] = "";

	snprintf(buf, sizeof(buf), "%s", name);
	return sys(ioctl(ctl, VDUSE_DESTROY_DEV, buf));
}

static void vd_forget(struct vd *v)
{
	close_fd(&v->fd);
	v->name[0] = 0;
	v->late = false;
}

/*
 * Detach, close and destroy. DESTROY_DEV says EBUSY while a vhost-vdpa fd,
 * anyone's, still holds the detached vDPA device: retry for up to secs.
 */
static int vd_teardown(struct thread *t, struct vd *v, double secs)
{
	double end = now() + secs;
	int ctl, err;

	/* Nobody answers from here on: let requests give up soon. */
	vd_attr(v, "msg_timeout", 1);
	err = nl_doit(t, VDPA_CMD_DEV_DEL, NULL, v->name, NULL);
	op_more(t, " del%d", err);
	if (!err)
		names_del(&devnames, v->name);
	close_fd(&v->fd);
	v->late = false;
	ctl = vd_ctl();
	if (ctl < 0) {
		err = ctl;
	} else {
		while ((err = vd_destroy(ctl, v->name)) == -EBUSY && now() < end)
			usleep(20000);
		close(ctl);
	}
	/* EINVAL: no such device; ENOENT: no vduse, which no device keeps */
	if (!err || err == -EINVAL || err == -ENOENT)
		vd_forget(v);
	return err;
}

/* vd.cleanup: nothing of the thread's may outlive the fuzzer. */
static void vd_cleanup(struct thread *t, double secs)
{
	int i;

	for (i = 0; i < NVD; i++) {
		if (!t->vd[i].name[0])
			continue;
		op_begin(t, C_VD, "cleanup %.40s", t->vd[i].name);
		res(t, vd_teardown(t, &t->vd[i], secs));
		op_end(t);
	}
}

/* What a device of that kind may offer; the kernel refuses the rest. */
static uint64_t vd_features(struct rng *r, bool blk)
{
	uint64_t f = (1ULL << VIRTIO_F_VERSION_1) |
		     (1ULL << VIRTIO_F_ACCESS_PLATFORM) | (rnd(r) & 0xffffff);

	if (chance(r, 30))
		f |= 1ULL << VIRTIO_F_RING_PACKED;
	if (chance(r, 30))
		f |= (1ULL << VIRTIO_RING_F_EVENT_IDX) |
		     (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	/* a control queue a stalled daemon would hang RTNL on; a cache mode */
	return f & ~(1ULL << (blk ? VIRTIO_BLK_F_CONFIG_WCE : VIRTIO_NET_F_CTRL_VQ));
}

/*
 * vd.create: the slot's device, plausible or mutated, on a fresh control
 * fd that may get an API version of its own first. A taken slot tries its
 * own name again: EEXIST, or whatever else is wrong first.
 */
static void op_vd_create(struct thread *t, struct vd *v)
{
	static const char * const bad[] = {
		"", ".", "..", "control", "fz/0", "fz 0", "fz\xff", "fz\n",
	};
	struct rng *r = &t->r;
	uint32_t len = chance(r, 90) ? below(r, 64) : below(r, PAGE + 1);
	/* the config bytes end at the hole after t->cfg */
	struct vduse_dev_config *c = (void *)((uintptr_t)(t->cfg + (64 << 10) -
							  len - sizeof(*c)) & ~7UL);
	bool blk = chance(r, 30), taken = v->name[0];
	const char *what = "";
	size_t n;
	uint64_t ver;
	int ctl, err;

	memset(c, 0, sizeof(*c));
	if (taken)
		memcpy(c->name, v->name, sizeof(c->name));
	else
		snprintf(c->name, sizeof(c->name), "fz%d-%d", t->id,
			 (int)(v - t->vd));
	c->device_id = blk ? VIRTIO_ID_BLOCK : VIRTIO_ID_NET;
	c->features = vd_features(r, blk);
	c->vq_num = 1 + below(r, 4);
	c->vq_align = 4096;
	c->config_size = len;
	rand_bytes(r, c->config, len);
	if (chance(r, 25)) {
		switch (below(r, 8)) {
		case 0:
			if (taken)
				break;
			snprintf(c->name, sizeof(c->name), "%s",
				 bad[below(r, ARRAY_SIZE(bad))]);
			what = " bad-name";
			break;
		case 1:		/* no NUL: the kernel takes 255 bytes of it */
			if (taken)
				break;
			n = strlen(c->name);
			memset(c->name + n, 'x', sizeof(c->name) - n);
			what = " long-name";
			break;
		case 2:
			c->vq_num = chance(r, 50) ? 0 : edge64(r);
			break;
		case 3:
			c->vq_align = edge64(r);
			break;
		case 4:		/* past our bytes, into the hole; or too big */
			c->config_size = chance(r, 50) ? len + 1 + below(r, 64) :
					 edge64(r);
			break;
		case 5:
			c->features ^= 1ULL << below(r, 64);
			break;
		case 6:
			c->reserved[below(r, ARRAY_SIZE(c->reserved))] =
				1 + below(r, 255);
			what = " reserved";
			break;
		default:
			c->device_id = edge64(r);
			c->vendor_id = rnd(r);
		}
	}
	op_begin(t, C_VD, "create %.40s id=%u vqs=%u align=%u cfg=%u f=%llx%s",
		 c->name, c->device_id, c->vq_num, c->vq_align, c->config_size,
		 (unsigned long long)c->features, what);
	ctl = vd_ctl();
	if (ctl < 0) {
		res(t, ctl);
		return;
	}
	if (chance(r, 20)) {
		ver = chance(r, 50) ? below(r, 3) : edge64(r);
		op_more(t, " api%llu:%d", (unsigned long long)ver,
			sys(ioctl(ctl, VDUSE_SET_API_VERSION, &ver)));
		op_more(t, "/%d", sys(ioctl(ctl, VDUSE_GET_API_VERSION, &ver)));
	}
	err = res(t, sys(ioctl(ctl, VDUSE_CREATE_DEV, c)));
	close(ctl);
	/* EEXIST on a free slot: ours from an earlier run, ours again */
	if (taken || (err && err != -EEXIST))
		return;
	c->name[VDUSE_NAME_MAX - 1] = 0;
	memcpy(v->name, c->name, sizeof(v->name));
	v->nvqs = c->vq_num;
	v->cfgsize = c->config_size;
	/*
	 * A request nobody answers waits msg_timeout, 30 s: as long as the
	 * watchdog. A small bounce window makes REG_UMEM of all of it cheap.
	 */
	err = vd_attr(v, "msg_timeout", 1 + below(r, 2));
	if (err) {
		op_more(t, " msg_timeout%d", err);
		res(t, vd_teardown(t, v, 0));
		return;
	}
	op_more(t, " bounce%d", vd_attr(v, "bounce_size",
					chance(r, 90) ? VD_BOUNCE : edge64(r)));
}

/*
 * vd.open: the daemon's node, where a second opener gets EBUSY; vd.close:
 * what was read and not answered goes to the next opener.
 */
static void op_vd_open(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	char path[VDUSE_NAME_MAX + 16];
	int flags = chance(r, 95) ? O_RDWR : chance(r, 50) ? O_RDONLY : O_WRONLY;
	int fd;

	if (v->fd >= 0 && chance(r, 70)) {
		op_begin(t, C_VD, "close %.40s fd=%d%s", v->name, v->fd,
			 v->late ? " (one unanswered)" : "");
		res(t, sys(close(v->fd)));
		v->fd = -1;
		v->late = false;
		return;
	}
	snprintf(path, sizeof(path), "/dev/vduse/%s", v->name);
	op_begin(t, C_VD, "open %.40s flags=%d%s", v->name, flags,
		 v->fd >= 0 ? " again" : "");
	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		res(t, -errno);
		return;
	}
	op_more(t, " fd=%d", fd);
	res(t, 0);
	if (v->fd >= 0)
		close(fd);
	else
		v->fd = fd;
}

/* vd.setup: the queues, their kick eventfds, what the driver chose. */
static void op_vd_setup(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	uint32_t n = (v->nvqs < NVQ ? v->nvqs : NVQ) + chance(r, 20), i;
	uint64_t f = 0;
	int err = 0, e;

	op_begin(t, C_VD, "setup %.40s fd=%d", v->name, v->fd);
	for (i = 0; i < n; i++) {
		struct vduse_vq_config q = { .index = chance(r, 95) ? i : edge64(r) };
		struct vduse_vq_info info = { .index = q.index };
		struct vduse_vq_eventfd efd = { .index = q.index };
		bool own = false;

		q.max_size = chance(r, 85) ? 64 + below(r, 193) :
			     chance(r, 50) ? 0 : rnd(r);
		if (chance(r, 5))
			q.reserved[below(r, ARRAY_SIZE(q.reserved))] = 1;
		e = sys(ioctl(v->fd, VDUSE_VQ_SETUP, &q));
		op_more(t, " q%u/%u:%d", q.index, q.max_size, e);
		err = err ?: e;
		ioctl(v->fd, VDUSE_VQ_GET_INFO, &info);
		switch (below(r, 5)) {
		case 0:
			efd.fd = VDUSE_EVENTFD_DEASSIGN;
			break;
		case 1:		/* whatever it is: a socket, a node, none */
			efd.fd = chance(r, 50) ? below(r, 40) : edge64(r);
			break;
		default:
			efd.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			own = true;
		}
		e = sys(ioctl(v->fd, VDUSE_VQ_SETUP_KICKFD, &efd));
		err = err ?: e;
		/* the kernel keeps a reference of its own */
		if (own && efd.fd >= 0)
			close(efd.fd);
	}
	e = sys(ioctl(v->fd, VDUSE_DEV_GET_FEATURES, &f));
	op_more(t, " f=%llx", (unsigned long long)f);
	res(t, err ?: e);
}

/*
 * vd.attach: "vdpa dev add name <name> mgmtdev vduse", maybe with a MAC it
 * refuses; vd.detach: "vdpa dev del".
 */
static void op_vd_attach(struct thread *t, struct vd *v)
{
	struct mgmtdev md = vduse_mgmt;
	bool attrs = chance(&t->r, 10);

	if (chance(&t->r, 35)) {
		op_begin(t, C_VD, "detach %.40s", v->name);
		if (!res(t, nl_doit(t, VDPA_CMD_DEV_DEL, NULL, v->name, NULL)))
			names_del(&devnames, v->name);
		return;
	}
	if (attrs)
		md.classes = 1ULL << VIRTIO_ID_NET;	/* nl_doit() adds them */
	op_begin(t, C_VD, "attach %.40s%s", v->name, attrs ? " +attrs" : "");
	if (!res(t, nl_doit(t, VDPA_CMD_DEV_NEW, &md, v->name,
			    attrs ? &t->r : NULL)))
		names_add(&devnames, v->name);
}

/*
 * vd.serve: read requests, answer them right, failed, with another id,
 * with reserved bytes, short, or not at all (the kernel gives up after
 * msg_timeout and the device is broken for good); maybe answer late one
 * left before.
 */
static void op_vd_serve(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	struct pollfd p = { .fd = v->fd, .events = POLLIN | POLLOUT };
	struct vduse_dev_request req;
	struct vduse_dev_response resp;
	unsigned int n = 1 + below(r, 4), i, how;
	ssize_t got;
	size_t len;
	int err;

	op_begin(t, C_VD, "serve %.40s fd=%d", v->name, v->fd);
	err = sys(poll(&p, 1, 0));
	op_more(t, " poll%d/%x", err, p.revents);
	if (v->late && chance(r, 30)) {
		memset(&resp, 0, sizeof(resp));
		resp.request_id = v->late_id;
		v->late = false;
		op_more(t, " late%u:%d", resp.request_id,
			sys(write(v->fd, &resp, sizeof(resp))));
	}
	for (i = 0; i < n; i++) {
		len = chance(r, 95) ? sizeof(req) : below(r, sizeof(req));
		/* into the hole: the request goes back to be read again */
		if (chance(r, 3))
			got = read(v->fd, t->cfg + (64 << 10) - 8, sizeof(req));
		else
			got = read(v->fd, &req, len);
		if (got != sizeof(req)) {
			err = got < 0 ? -errno : -EIO;
			break;
		}
		memset(&resp, 0, sizeof(resp));
		resp.request_id = req.request_id;
		if (req.type == VDUSE_GET_VQ_STATE) {
			resp.vq_state.index = req.vq_state.index;
			if (chance(r, 30))
				rand_bytes(r, &resp.vq_state.packed,
					   sizeof(resp.vq_state.packed));
		}
		how = below(r, 100);
		len = sizeof(resp);
		if (how < 60) {
			resp.result = VDUSE_REQ_RESULT_OK;
		} else if (how < 70) {
			resp.result = chance(r, 80) ? VDUSE_REQ_RESULT_FAILED : rnd(r);
		} else if (how < 76) {
			resp.request_id += chance(r, 50) ? 1 + below(r, 3) : rnd(r);
		} else if (how < 81) {
			resp.reserved[below(r, ARRAY_SIZE(resp.reserved))] = 1;
		} else if (how < 86) {
			len = below(r, sizeof(resp));
		} else {
			v->late = true;
			v->late_id = req.request_id;
			op_more(t, " r%u/t%u:-", req.request_id, req.type);
			continue;
		}
		op_more(t, " r%u/t%u:%d", req.request_id, req.type,
			sys(write(v->fd, &resp, len)));
	}
	res(t, err < 0 ? err : 0);
}

/* An IOVA range: reversed, all, in the bounce window, past it, vh.*'s. */
static void vd_range(struct rng *r, __u64 *start, __u64 *last)
{
	switch (below(r, 6)) {
	case 0:
		*last = rnd(r);
		*start = *last + 1 + below(r, PAGE);
		break;
	case 1:
		*start = 0;
		*last = UINT64_MAX;
		break;
	case 2:
		*start = below(r, VD_BOUNCE);
		*last = *start + below(r, 4 * PAGE);
		break;
	case 3:
		*start = VD_BOUNCE + below(r, 1ULL << 30);
		*last = *start + below(r, MEM_SIZE);
		break;
	case 4:
		*start = IOVA_BASE + below(r, 2 * MEM_SIZE);
		*last = *start + below(r, MEM_SIZE);
		break;
	default:
		*start = edge64(r);
		*last = edge64(r);
	}
}

/* Read, and write if asked, a byte of each page (16 at most). */
static int vd_touch(struct thread *t, uint8_t *p, size_t len, bool wr)
{
	return GUARDED(t, {
		size_t off;

		for (off = 0; off < len && off < 16 * PAGE; off += PAGE) {
			uint8_t b = __atomic_load_n(&p[off], __ATOMIC_RELAXED);

			if (wr)
				__atomic_store_n(&p[off], b ^ rnd(&t->r),
						 __ATOMIC_RELAXED);
		}
	});
}

/* vd.map: VDUSE_IOTLB_GET_FD on a range, and what it gives mapped, touched. */
static void op_vd_map(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	struct vduse_iotlb_entry e = { 0 };
	bool wr = chance(r, 60);
	uint64_t len, off;
	int fd, prot, err;
	void *p;

	vd_range(r, &e.start, &e.last);
	op_begin(t, C_VD, "map %.40s fd=%d [%llx,%llx]", v->name, v->fd,
		 (unsigned long long)e.start, (unsigned long long)e.last);
	fd = sys(ioctl(v->fd, VDUSE_IOTLB_GET_FD, &e));
	if (fd < 0) {
		res(t, fd);
		return;
	}
	len = e.last - e.start < 4 * PAGE ? ((e.last - e.start) | (PAGE - 1)) + 1 :
	      4 * PAGE;
	if (chance(r, 20))
		len = chance(r, 50) ? PAGE * (1 + below(r, 64)) : edge64(r);
	off = e.offset & ~(PAGE - 1);
	if (chance(r, 10))
		off = chance(r, 50) ? off + PAGE * (1 + below(r, 16)) : edge64(r);
	prot = e.perm & VDUSE_ACCESS_WO ? PROT_READ | PROT_WRITE : PROT_READ;
	if (chance(r, 10))
		prot = below(r, 8);	/* none, exec, write where read-only */
	op_more(t, " = fd%d [%llx,%llx]@%llx/p%u mmap %llx@%llx/%d", fd,
		(unsigned long long)e.start, (unsigned long long)e.last,
		(unsigned long long)e.offset, e.perm, (unsigned long long)len,
		(unsigned long long)off, prot);
	p = mmap(NULL, len, prot, chance(r, 90) ? MAP_SHARED : MAP_PRIVATE,
		 fd, off);
	err = p == MAP_FAILED ? -errno : 0;
	/* the mapping outlives the fd, or not */
	if (chance(r, 30))
		close_fd(&fd);
	if (!err) {
		err = vd_touch(t, p, len, wr && (prot & PROT_WRITE));
		munmap(p, len);
	}
	close_fd(&fd);
	res(t, err);
}

/* vd.iotlb: VDUSE_IOTLB_GET_INFO, REG_UMEM and DEREG_UMEM. */
static void op_vd_iotlb(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	struct vduse_iova_info info = { 0 };
	struct vduse_iova_umem u = { 0 };
	bool reg = chance(r, 60);

	if (chance(r, 40)) {
		vd_range(r, &info.start, &info.last);
		if (chance(r, 5))
			info.reserved[below(r, ARRAY_SIZE(info.reserved))] = 1;
		op_begin(t, C_VD, "GET_INFO %.40s [%llx,%llx]", v->name,
			 (unsigned long long)info.start,
			 (unsigned long long)info.last);
		if (!res(t, sys(ioctl(v->fd, VDUSE_IOTLB_GET_INFO, &info))))
			op_more(t, " [%llx,%llx] cap=%llx",
				(unsigned long long)info.start,
				(unsigned long long)info.last,
				(unsigned long long)info.capability);
		return;
	}
	/*
	 * All of the bounce window (the only size it takes), or not. Of our
	 * memory, only t->umem and t->shm come with a size it takes: a driver
	 * in the kernel would bounce into it.
	 */
	u.size = chance(r, 70) ? VD_BOUNCE : chance(r, 50) ? 2 * VD_BOUNCE :
		 edge64(r);
	u.iova = chance(r, 80) ? 0 : edge64(r);
	switch (below(r, 8)) {
	case 0:
		u.uaddr = (uintptr_t)t->umem + 1 + below(r, PAGE - 1);
		break;
	case 1:		/* 64 KiB, then the hole */
		u.uaddr = (uintptr_t)t->cfg;
		break;
	case 2:		/* a shared memfd, 1 MiB */
		u.uaddr = (uintptr_t)t->shm;
		break;
	case 3:
		u.uaddr = edge64(r) & ~(PAGE - 1);
		break;
	default:
		u.uaddr = (uintptr_t)t->umem;
	}
	if (chance(r, 5))
		u.reserved[below(r, ARRAY_SIZE(u.reserved))] = 1;
	op_begin(t, C_VD, "%sREG_UMEM %.40s iova=%llx size=%llx uaddr=%llx",
		 reg ? "" : "DE", v->name, (unsigned long long)u.iova,
		 (unsigned long long)u.size, (unsigned long long)u.uaddr);
	res(t, sys(ioctl(v->fd, reg ? VDUSE_IOTLB_REG_UMEM :
			 VDUSE_IOTLB_DEREG_UMEM, &u)));
}

/* vd.irq: queue and config interrupts and config changes, in bursts. */
static void op_vd_irq(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	struct vduse_config_data *d = (struct vduse_config_data *)t->cfg;
	unsigned int n = chance(r, 70) ? 1 : 2 + below(r, 31), i, ok = 0;
	uint32_t idx;
	int err = 0, e;

	op_begin(t, C_VD, "irq %.40s fd=%d n=%u", v->name, v->fd, n);
	for (i = 0; i < n; i++) {
		switch (below(r, 4)) {
		case 0:
		case 1:
			idx = chance(r, 80) ? below(r, v->nvqs ? v->nvqs : 1) :
			      chance(r, 50) ? v->nvqs : edge64(r);
			e = sys(ioctl(v->fd, VDUSE_VQ_INJECT_IRQ, &idx));
			break;
		case 2:
			e = sys(ioctl(v->fd, VDUSE_DEV_INJECT_CONFIG_IRQ));
			break;
		default:	/* past the end, overflowing, empty */
			d->offset = chance(r, 70) ? below(r, v->cfgsize + 1) : edge64(r);
			d->length = chance(r, 70) ? below(r, v->cfgsize + 8) : edge64(r);
			rand_bytes(r, d->buffer, 256);
			e = sys(ioctl(v->fd, VDUSE_DEV_SET_CONFIG, d));
			if (n == 1)
				op_more(t, " config %u+%u", d->offset, d->length);
		}
		ok += !e;
		err = err ?: e;
	}
	op_more(t, " ok=%u", ok);
	res(t, err);
}

/*
 * Used entries with random ids and lengths, a used index to match or not;
 * only among the first num entries, those the mapping holds.
 */
static int vd_scribble(struct thread *t, struct vring_used *u, uint32_t num)
{
	struct rng *r = &t->r;
	uint16_t n = 1 + below(r, 4);

	return GUARDED(t, {
		uint16_t k;

		for (k = 0; num && k < n; k++) {
			uint32_t i = (u->idx + k) % num;

			u->ring[i].id = chance(r, 50) ? below(r, num + 1) : rnd(r);
			u->ring[i].len = chance(r, 50) ? below(r, PAGE) : rnd(r);
		}
		u->idx = chance(r, 80) ? u->idx + n : rnd(r);
	});
}

/*
 * vd.rings: garbage in the used ring a driver set up, found as a daemon
 * finds it (VDUSE_VQ_GET_INFO, VDUSE_IOTLB_GET_FD), then its interrupt.
 */
static void op_vd_rings(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	struct vduse_vq_info info = {
		.index = below(r, v->nvqs ? (v->nvqs < NVQ ? v->nvqs : NVQ) : 1),
	};
	struct vduse_iotlb_entry e = { 0 };
	uint64_t at, fo, in, len;
	uint32_t idx = info.index, num;
	int fd, err;
	uint8_t *p;

	op_begin(t, C_VD, "rings %.40s fd=%d idx=%u", v->name, v->fd, idx);
	if (res(t, sys(ioctl(v->fd, VDUSE_VQ_GET_INFO, &info))))
		return;
	op_more(t, " num=%u used=%llx ready=%u", info.num,
		(unsigned long long)info.device_addr, info.ready);
	if (!info.ready && chance(r, 80)) {
		res(t, -EAGAIN);
		return;
	}
	e.start = info.device_addr;
	e.last = info.device_addr + 6 + 8ULL * info.num - 1;
	fd = sys(ioctl(v->fd, VDUSE_IOTLB_GET_FD, &e));
	if (fd < 0) {
		res(t, fd);
		return;
	}
	/* the first byte of the ring that is mapped, as a file offset */
	at = e.start > info.device_addr ? e.start : info.device_addr;
	fo = e.offset + (at - e.start);
	in = fo & (PAGE - 1);
	len = (in + 6 + 8ULL * info.num + PAGE - 1) & ~(PAGE - 1);
	if (len > 16 * PAGE)
		len = 16 * PAGE;
	/* a wild write would land in the fuzzer's own memory */
	num = (len - in - 4) / 8 < info.num ? (len - in - 4) / 8 : info.num;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, fo - in);
	err = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (!err) {
		err = vd_scribble(t, (struct vring_used *)(p + in), num);
		munmap(p, len);
	}
	res(t, err ?: sys(ioctl(v->fd, VDUSE_VQ_INJECT_IRQ, &idx)));
}

/*
 * vd.destroy: DESTROY_DEV (EBUSY while attached or open); or detach, close
 * and destroy, for a fresh device next; or a name that is nobody's.
 */
static void op_vd_destroy(struct thread *t, struct vd *v)
{
	struct rng *r = &t->r;
	char name[VDUSE_NAME_MAX];
	int ctl, err;

	switch (below(r, 4)) {
	case 0:
		/* rand_name() never makes "fz<n>-<n>", another worker's */
		rand_name(r, name, sizeof(name));
		op_begin(t, C_VD, "destroy %.40s (nobody's)", name);
		break;
	case 1:
		op_begin(t, C_VD, "recycle %.40s", v->name);
		res(t, vd_teardown(t, v, 0));
		return;
	default:
		snprintf(name, sizeof(name), "%s", v->name);
		op_begin(t, C_VD, "destroy %.40s", name);
	}
	ctl = vd_ctl();
	if (res(t, ctl < 0 ? ctl : 0))
		return;
	err = res(t, vd_destroy(ctl, name));
	close(ctl);
	if (!err && !strcmp(name, v->name))
		vd_forget(v);
}

/* ---- the workers -------------------------------------------------------- */

static void op_nl(struct thread *t)
{
	unsigned int p = below(&t->r, 100);

	if (t->nl >= 0 && chance(&t->r, 80))
		nl_drain(t);
	if (p < 72)
		op_nl_cmd(t);
	else if (p < 84)
		op_nl_raw(t);
	else if (p < 95)
		op_nl_burst(t);
	else
		op_nl_reopen(t);
}

typedef void (*vh_fn)(struct thread *, struct slot *);

static const struct {
	vh_fn fn;
	unsigned int weight;
} vh_ops[] = {
	{ op_vh_get, 6 }, { op_vh_vring, 20 }, { op_vh_ctl, 14 },
	{ op_vh_config, 5 }, { op_vh_asid, 3 }, { op_vh_iotlb, 12 },
	{ op_vh_batch, 5 }, { op_vh_setup, 6 }, { op_vh_rings, 8 },
	{ op_vh_kick, 4 }, { op_vh_io, 4 }, { op_vh_mmap, 3 },
	{ op_vh_doorbell, 5 }, { op_vh_mem, 2 }, { op_vh_close, 2 },
};

static void op_vh(struct thread *t)
{
	struct slot *s = &t->s[below(&t->r, NSLOT)];
	unsigned int total = 0, p, i;

	if (s->fd < 0) {
		op_vh_open(t, s);
		if (s->fd < 0 && chance(&t->r, 50))
			op_nl(t);	/* no node (yet): netlink instead */
		return;
	}
	for (i = 0; i < ARRAY_SIZE(vh_ops); i++)
		total += vh_ops[i].weight;
	p = below(&t->r, total);
	for (i = 0; i < ARRAY_SIZE(vh_ops); i++) {
		if (p < vh_ops[i].weight)
			break;
		p -= vh_ops[i].weight;
	}
	vh_ops[i].fn(t, s);
	/* The device went away: let go of it, most of the time. */
	if (strstr(t->cur, "-ENODEV") && chance(&t->r, 60))
		op_vh_close(t, s);
}

typedef void (*vd_fn)(struct thread *, struct vd *);

static const struct {
	vd_fn fn;
	unsigned int weight;
} vd_ops[] = {
	{ op_vd_create, 2 }, { op_vd_open, 6 }, { op_vd_setup, 10 },
	{ op_vd_attach, 9 }, { op_vd_serve, 24 }, { op_vd_map, 8 },
	{ op_vd_iotlb, 8 }, { op_vd_irq, 8 }, { op_vd_rings, 8 },
	{ op_vd_destroy, 4 },
};

static void op_vd(struct thread *t)
{
	struct vd *v = &t->vd[below(&t->r, NVD)];
	unsigned int total = 0, p, i;

	if (!v->name[0]) {
		op_vd_create(t, v);
		return;
	}
	if (v->fd < 0 && chance(&t->r, 70)) {
		op_vd_open(t, v);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(vd_ops); i++)
		total += vd_ops[i].weight;
	p = below(&t->r, total);
	for (i = 0; i < ARRAY_SIZE(vd_ops); i++) {
		if (p < vd_ops[i].weight)
			break;
		p -= vd_ops[i].weight;
	}
	vd_ops[i].fn(t, v);
}

/* Operations are counted as op_begin() starts them, every thread's. */
static bool budget_left(void)
{
	if (__atomic_load_n(&stop, __ATOMIC_RELAXED))
		return false;
	if (max_ops && __atomic_load_n(&ops_issued, __ATOMIC_RELAXED) >= max_ops) {
		__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

static void *worker(void *arg)
{
	struct thread *t = arg;
	int i;

	self = t;
	while (budget_left()) {
		if (t->chaos) {
			op_chaos(t);
			op_end(t);
			/* pace: leave the workers time with each state */
			usleep(20000 + below(&t->r, 200000));
			continue;
		}
		if (have_vduse && chance(&t->r, 12))
			op_vd(t);
		else if (chance(&t->r, 30))
			op_nl(t);
		else
			op_vh(t);
		op_end(t);
	}
	for (i = 0; i < NSLOT; i++)
		slot_forget(&t->s[i]);
	vd_cleanup(t, 5);
	nl_close(t);
	return NULL;
}

static int thread_init(struct thread *t, int id, bool is_chaos)
{
	uint64_t x = master_seed ^
		     (0x9e3779b97f4a7c15ULL * (id + (is_chaos ? 0 : seed_offset) + 1));
	int i, j, mfd;

	memset(t, 0, sizeof(*t));
	t->id = id;
	t->chaos = is_chaos;
	t->seed = splitmix64(&x);
	t->r.s = t->seed;
	t->nl = -1;
	for (i = 0; i < NSLOT; i++) {
		struct slot *s = &t->s[i];

		s->fd = s->cfg_call = s->log_fd = -1;
		for (j = 0; j < NVQ; j++)
			s->vq[j].kick = s->vq[j].call = -1;
		if (is_chaos)
			continue;
		s->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (s->mem == MAP_FAILED)
			return -errno;
	}
	for (i = 0; i < NVD; i++)
		t->vd[i].fd = -1;
	if (!is_chaos) {
		t->umem = mmap(NULL, VD_BOUNCE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->umem == MAP_FAILED)
			return -errno;
	}
	/* 64 KiB for ioctl arguments, then a hole a wrong length runs into */
	t->cfg = mmap(NULL, (64 << 10) + PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->cfg == MAP_FAILED)
		return -errno;
	mprotect(t->cfg + (64 << 10), PAGE, PROT_NONE);
	mfd = memfd_create("vdpa_fuzz", MFD_CLOEXEC);
	if (mfd < 0 || ftruncate(mfd, 1 << 20))
		return -errno;
	t->shm = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	close(mfd);
	if (t->shm == MAP_FAILED)
		return -errno;
	return 0;
}

/* ---- the watchdog and the kernel log ---------------------------------------- */

static const char * const splat_pat[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "Call Trace",
	"kernel BUG at", "Unable to handle kernel", "cut here",
	"KASAN", "UBSAN", "possible circular", "lockdep", "kmemleak",
	"ODEBUG", "list_add corruption", "list_del corruption", "refcount_t: ",
	"blocked for more than", "self-detected stall", "detected stalls",
	"soft lockup", "hard LOCKUP", "DMAR: .*fault (addr|index|status)",
	"IO_PAGE_FAULT", "unregister_netdevice: waiting for",
};
static const char * const benign_pat[] = {
	"kmemleak: Kernel memory leak detector initialized",
	"RCU lockdep checking is enabled",
};
static regex_t splat_re[ARRAY_SIZE(splat_pat)], benign_re[ARRAY_SIZE(benign_pat)];

static bool is_splat(const char *msg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(benign_pat); i++)
		if (!regexec(&benign_re[i], msg, 0, NULL, 0))
			return false;
	for (i = 0; i < ARRAY_SIZE(splat_pat); i++)
		if (!regexec(&splat_re[i], msg, 0, NULL, 0))
			return true;
	return false;
}

/* New kernel log records; on a splat, the last operations at once. */
static void kmsg_check(void)
{
	char rec[8192];
	ssize_t n;

	if (kmsg_fd < 0)
		return;
	for (;;) {
		char *msg, *nl;

		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			return;
		rec[n] = 0;
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = 0;
		if (!is_splat(msg))
			continue;
		if (__atomic_fetch_add(&splats, 1, __ATOMIC_RELAXED) == 0) {
			out("vdpa_fuzz: kernel splat: ");
			out(msg);
			out("\n");
			dump_rings("kernel splat");
			exit_code = 4;
			if (!keep_going)
				__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
		}
	}
}

static void *watchdog(void *arg)
{
	double last_progress = now();
	int i;

	(void)arg;
	for (;;) {
		double t_now = now();

		kmsg_check();
		if (max_secs && t_now - t_start > max_secs)
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
		for (i = 0; i < nall; i++) {
			double s = get_op_start(&threads[i]);
			/* rmmod and modprobe may take a while on a slow VM */
			double limit = threads[i].chaos ? 2 * watchdog_secs :
				       watchdog_secs;

			if (s && t_now - s > limit) {
				out("vdpa_fuzz: WATCHDOG: thread ");
				out_u64(i);
				out(" stuck in its operation for more than ");
				out_u64(limit);
				out("s: ");
				out(threads[i].cur ? threads[i].cur : "?");
				out("\n");
				dump_rings("watchdog");
				_exit(3);
			}
		}
		if (!quiet && t_now - last_progress >= 30) {
			uint64_t n = 0;

			for (i = 0; i < nall; i++)
				n += threads[i].nops;
			last_progress = t_now;
			pthread_mutex_lock(&out_lock);
			printf("vdpa_fuzz: %llu ops after %.0fs\n",
			       (unsigned long long)n, t_now - t_start);
			fflush(stdout);
			pthread_mutex_unlock(&out_lock);
		}
		usleep(100000);
	}
	return NULL;
}

static void on_signal(int sig)
{
	out("vdpa_fuzz: signal ");
	out_u64(sig);
	out("\n");
	dump_rings(sig == SIGALRM ? "SIGALRM: ran out of time" : "signal");
	_exit(2);
}

/* ---- main ------------------------------------------------------------------ */

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vdpa_fuzz [-s SEED] [-n OPS] [-t SECONDS] [-j THREADS]\n"
		"                 [-c dum] [-p DEVICES] [-m MOD,MOD] [-o K] [-w SECONDS]\n"
		"                 [-k] [-v] [-q]\n");
	exit(1);
}

static void summary(double secs)
{
	uint64_t total = 0;
	int order[NERR], n = 0, i, j;

	for (i = 0; i < C_NCLASS; i++)
		total += class_ops[i];
	printf("vdpa_fuzz: %llu ops in %.1fs (%.0f ops/s):",
	       (unsigned long long)total, secs, secs > 0 ? total / secs : 0);
	for (i = 0; i < C_NCLASS; i++)
		printf(" %s %llu", class_name[i],
		       (unsigned long long)class_ops[i]);
	printf("\nvdpa_fuzz: results:");
	for (i = 0; i < NERR; i++)
		if (errs[i])
			order[n++] = i;
	for (i = 1; i < n; i++)		/* most frequent first */
		for (j = i; j > 0 && errs[order[j]] > errs[order[j - 1]]; j--) {
			int x = order[j];

			order[j] = order[j - 1];
			order[j - 1] = x;
		}
	for (i = 0; i < n; i++)
		printf(" %s %llu", order[i] ? strerrorname_np(order[i]) ?: "?" : "ok",
		       (unsigned long long)errs[order[i]]);
	printf("\n");
	fflush(stdout);
}

/* At the start: learn the management devices and devices, make some. */
static void prepare(struct thread *t)
{
	char names[32][64], name[64];
	int i, n, err;

	err = resolve_family(t);
	if (err < 0)
		printf("vdpa_fuzz: no vdpa netlink family (%s): netlink ops will fail\n",
		       strerrorname_np(-err) ?: "?");
	refresh_mgmt(t);
	nl_doit(t, VDPA_CMD_DEV_GET, NULL, NULL, NULL);
	pthread_mutex_lock(&mgmt_lock);
	printf("vdpa_fuzz: management devices:");
	for (i = 0; i < nmgmt; i++)
		printf(" %s%s%s", mgmts[i].bus, *mgmts[i].bus ? "/" : "",
		       mgmts[i].dev);
	printf("%s\n", nmgmt ? "" : " none");
	pthread_mutex_unlock(&mgmt_lock);
	for (i = 0; i < 4 * populate && sys_devs(names, 32) < populate; i++) {
		op_begin(t, C_CHAOS, "populate");
		err = dev_add(t, i, name, sizeof(name));
		res(t, err);
		op_end(t);
	}
	n = sys_devs(names, 32);
	printf("vdpa_fuzz: %d vdpa devices:", n);
	for (i = 0; i < n; i++)
		printf(" %s", names[i]);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	pthread_t wd;
	char *mods, *tok, *save;
	unsigned int i;
	int c, err;

	master_seed = (uint64_t)time(NULL) * 1000003 ^ getpid() ^
		      ((uint64_t)(now() * 1e9) << 20);
	while ((c = getopt(argc, argv, "s:n:t:j:c:p:m:o:w:kvqh")) != -1) {
		switch (c) {
		case 's':
			master_seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			max_ops = strtoull(optarg, NULL, 0);
			break;
		case 't':
			max_secs = atof(optarg);
			break;
		case 'j':
			nthreads = atoi(optarg);
			break;
		case 'c':
			chaos = optarg;
			break;
		case 'p':
			populate = atoi(optarg);
			break;
		case 'm':
			modules = optarg;
			break;
		case 'o':
			seed_offset = atoi(optarg);
			break;
		case 'w':
			watchdog_secs = atof(optarg);
			break;
		case 'k':
			keep_going = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc || nthreads < 1 || nthreads > MAX_THREADS ||
	    strspn(chaos, "dum") != strlen(chaos) || watchdog_secs <= 0)
		print_usage();
	if (!max_ops && !max_secs)
		max_ops = 10000;
	mods = strdup(modules);
	for (tok = strtok_r(mods, ",", &save); tok && nmods < 16;
	     tok = strtok_r(NULL, ",", &save))
		snprintf(mod_list[nmods++], sizeof(mod_list[0]), "%s", tok);

	for (i = 0; i < ARRAY_SIZE(splat_pat); i++)
		regcomp(&splat_re[i], splat_pat[i], REG_EXTENDED | REG_NOSUB);
	for (i = 0; i < ARRAY_SIZE(benign_pat); i++)
		regcomp(&benign_re[i], benign_pat[i], REG_EXTENDED | REG_NOSUB);

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("vdpa_fuzz: seed 0x%llx, %d threads, chaos '%s', budget %llu ops / %.0fs\n",
	       (unsigned long long)master_seed, nthreads, chaos,
	       (unsigned long long)max_ops, max_secs);
	printf("vdpa_fuzz: reproduce with: vdpa_fuzz -s 0x%llx -j %d%s%s",
	       (unsigned long long)master_seed, nthreads, *chaos ? " -c " : "",
	       chaos);
	if (max_ops)
		printf(" -n %llu", (unsigned long long)max_ops);
	if (max_secs)
		printf(" -t %.0f", max_secs);
	printf("\n");

	nall = nthreads + (*chaos ? 1 : 0);
	for (i = 0; i < (unsigned int)nall; i++) {
		err = thread_init(&threads[i], i, i >= (unsigned int)nthreads);
		if (err) {
			fprintf(stderr, "vdpa_fuzz: setup: %s\n", strerror(-err));
			return 1;
		}
	}
	/* the log from now on: what the fuzzer makes the kernel say */
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg_fd >= 0)
		lseek(kmsg_fd, 0, SEEK_END);
	else
		printf("vdpa_fuzz: no /dev/kmsg (%s): splats are not watched\n",
		       strerror(errno));

	t_start = now();
	self = &threads[nthreads];	/* scratch for prepare(): the chaos slot */
	if (!*chaos)
		thread_init(self, nthreads, true);
	prepare(self);
	have_vduse = !access(VDUSE_CTL, F_OK);
	if (!have_vduse)
		printf("vdpa_fuzz: no %s: no vd ops\n", VDUSE_CTL);
	if (!*chaos)
		memset(self, 0, sizeof(*self));
	else
		thread_init(self, nthreads, true);

	/* a last resort, should the watchdog thread itself be stuck */
	if (max_secs)
		alarm(max_secs + 3 * watchdog_secs + 60);
	pthread_create(&wd, NULL, watchdog, NULL);
	for (i = 0; i < (unsigned int)nall; i++)
		pthread_create(&threads[i].tid, NULL, worker, &threads[i]);
	for (i = 0; i < (unsigned int)nall; i++)
		pthread_join(threads[i].tid, NULL);
	/* VDUSE devices another worker's vhost-vdpa fd held: none now. */
	for (i = 0; i < (unsigned int)nthreads; i++) {
		vd_cleanup(&threads[i], 10);
		nl_close(&threads[i]);
	}
	alarm(0);
	kmsg_check();

	summary(now() - t_start);
	if (!quiet || exit_code)
		dump_rings("end of run");
	if (splats)
		printf("vdpa_fuzz: %llu kernel splat line(s) while fuzzing\n",
		       (unsigned long long)splats);
	printf("vdpa_fuzz: seed 0x%llx: %s\n", (unsigned long long)master_seed,
	       exit_code ? "PROBLEM" : "done");
	return exit_code;
}
