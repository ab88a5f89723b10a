// SPDX-License-Identifier: GPL-2.0
/*
 * vduse_tool: the test suite's VDUSE daemon and ABI checker.
 *
 *   vduse_tool api                    every error of the VDUSE ABI the
 *                                     tests rely on: "ok:"/"FAIL:" lines
 *   vduse_tool net NAME [OPTION]...   a VDUSE net device that loops every
 *                                     frame its driver sends back to it
 *   vduse_tool destroy NAME           VDUSE_DESTROY_DEV
 *
 * "api" needs root and the vduse module; it makes devices named vt-api-*
 * and destroys them all before it exits, whatever failed.
 *
 * net options: --queues 1 (the only count: virtio_net needs a control
 * queue for more, and VDUSE refuses net devices with one), and hostile
 * behaviour for the robustness tests: --stall-after N (answer N messages,
 * then never read another), --garbage-used (used entries with ids and
 * lengths out of range), --irq-storm (inject queue and config interrupts
 * in a tight loop, ready or not), --bad-config (VDUSE_DEV_SET_CONFIG
 * beyond the config space, at creation and at DRIVER_OK; each answer on
 * stderr as "bad-config: ...").
 *
 * "net" prints "ready" once its queues are set up, serves until SIGTERM or
 * SIGINT, prints its counters to stderr and destroys its device: exit 0,
 * or 1 if it could not (EBUSY for 3 seconds: still attached).
 *
 * Only libc; the ABI from <linux/vduse.h> (API version 0). The datapath
 * is the simplest a virtio_net driver accepts: split rings, no event
 * index, no indirect descriptors, one RX buffer per frame. Memory comes
 * from the device's IOVA domain through VDUSE_IOTLB_GET_FD.
 *
 * Exit status: 0 success, 1 failure (a failed check for "api"), 2 usage.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include <linux/vduse.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT64(n)	(1ULL << (n))
#define CONTROL		"/dev/vduse/control"
#define API_PREFIX	"vt-api-"
#define NET_NVQS	2	/* rx 0, tx 1 */
#define NET_QSIZE	256
#define NET_HDR_LEN	12	/* struct virtio_net_hdr_v1: VERSION_1 */
#define MAX_FRAME	65536
#define MAX_REGIONS	64
#define IRQ_RETRIES	200	/* 10 ms apart */

static const char *prog = "vduse_tool";
static long page_size;

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

static int open_control(void)
{
	int fd = open(CONTROL, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open %s: %s (is the vduse module loaded?)", CONTROL,
		    strerror(errno));
	return fd;
}

/*
 * VDUSE_CREATE_DEV takes the header and config_size bytes after it;
 * @len bytes of @config are copied, the rest is zero. Returns 0 or -errno.
 */
static int create_dev(int ctl, const struct vduse_dev_config *cfg,
		      const void *config, size_t len)
{
	size_t size = cfg->config_size > len ? cfg->config_size : len;
	struct vduse_dev_config *buf = calloc(1, sizeof(*cfg) + size);
	int ret;

	if (!buf)
		die("out of memory");
	memcpy(buf, cfg, sizeof(*cfg));
	if (len)
		memcpy(buf->config, config, len);
	ret = ioctl(ctl, VDUSE_CREATE_DEV, buf) ? -errno : 0;
	free(buf);
	return ret;
}

/* DESTROY_DEV reads a whole VDUSE_NAME_MAX buffer. Returns 0 or -errno. */
static int destroy_dev(int ctl, const char *name)
{
	char buf[VDUSE_NAME_MAX] = "";

	snprintf(buf, sizeof(buf), "%s", name);
	return ioctl(ctl, VDUSE_DESTROY_DEV, buf) ? -errno : 0;
}

/* The node appears through devtmpfs, a moment after CREATE_DEV. */
static int open_dev(const char *name, int wait_ms)
{
	char path[VDUSE_NAME_MAX + 16];
	int fd;

	snprintf(path, sizeof(path), "/dev/vduse/%s", name);
	for (;;) {
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT || wait_ms <= 0)
			return fd < 0 ? -errno : fd;
		usleep(20000);
		wait_ms -= 20;
	}
}

/* ---- api: the ABI's corners ------------------------------------------- */

static int failures;
static char created[32][VDUSE_NAME_MAX];	/* to destroy at exit */
static int ncreated;
static int api_ctl = -1;
static int api_fds[8];
static int napi_fds;

/* What a syscall failed with (-1 and errno), or 0. */
static int sys(long ret)
{
	return ret == -1 ? errno : 0;
}

/* What one of our helpers failed with (-errno), or 0. */
static int neg(long ret)
{
	return ret < 0 ? -ret : 0;
}

static int io(int fd, unsigned long req, void *arg)
{
	return sys(ioctl(fd, req, arg));
}

/* @got and @err: 0 or an errno. */
static void check(const char *what, int got, int err)
{
	if (got == err) {
		printf("ok: %s -> %s\n", what, err ? strerror(err) : "success");
		return;
	}
	printf("FAIL: %s: got %s, expected %s\n", what,
	       got ? strerror(got) : "success", err ? strerror(err) : "success");
	failures++;
}

static void check_val(const char *what, unsigned long long got,
		      unsigned long long want)
{
	if (got == want) {
		printf("ok: %s = %llu\n", what, got);
		return;
	}
	printf("FAIL: %s: got %llu expected %llu\n", what, got, want);
	failures++;
}

static void note_created(const char *name)
{
	if (ncreated == ARRAY_SIZE(created))
		die("too many devices to remember");
	snprintf(created[ncreated++], VDUSE_NAME_MAX, "%s", name);
}

static void forget(const char *name)
{
	int i;

	for (i = 0; i < ncreated; i++)
		if (!strcmp(created[i], name))
			created[i][0] = '\0';
}

/* Whatever happened, no device of ours is left (a failed check included). */
static void api_cleanup(void)
{
	int i, err;

	for (i = 0; i < napi_fds; i++)
		close(api_fds[i]);
	napi_fds = 0;
	for (i = 0; i < ncreated; i++) {
		if (!created[i][0])
			continue;
		err = destroy_dev(api_ctl, created[i]);
		if (err && err != -EINVAL) {
			printf("FAIL: cleanup: destroy %s: %s\n", created[i],
			       strerror(-err));
			failures++;
		}
		created[i][0] = '\0';
	}
}

/* An open fd the cleanup closes before it destroys the devices. */
static int keep_fd(int fd)
{
	if (fd >= 0 && napi_fds < (int)ARRAY_SIZE(api_fds))
		api_fds[napi_fds++] = fd;
	return fd;
}

static void drop_fd(int fd)
{
	int i;

	for (i = 0; i < napi_fds; i++)
		if (api_fds[i] == fd)
			api_fds[i] = api_fds[--napi_fds];
	close(fd);
}

/* Whatever is created is destroyed at exit, refused or not. */
static int api_create(const struct vduse_dev_config *cfg, const void *config,
		      size_t len)
{
	int ret = create_dev(api_ctl, cfg, config, len);

	if (!ret)
		note_created(cfg->name);
	return ret;
}

static int api_destroy(const char *name)
{
	int ret = destroy_dev(api_ctl, name);

	if (!ret)
		forget(name);
	return ret;
}

/* A good block device: VERSION_1 | ACCESS_PLATFORM, one queue. */
static void blk_cfg(struct vduse_dev_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "%s", name);
	cfg->device_id = VIRTIO_ID_BLOCK;
	cfg->features = BIT64(VIRTIO_F_VERSION_1) |
			BIT64(VIRTIO_F_ACCESS_PLATFORM);
	cfg->vq_num = 1;
	cfg->vq_align = 4096;
	cfg->config_size = 60;
}

static void net_cfg(struct vduse_dev_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "%s", name);
	cfg->device_id = VIRTIO_ID_NET;
	cfg->features = BIT64(VIRTIO_F_VERSION_1) |
			BIT64(VIRTIO_F_ACCESS_PLATFORM);
	cfg->vq_num = 2;
	cfg->vq_align = 4096;
	cfg->config_size = sizeof(struct virtio_net_config);
}

static unsigned long long read_ull(const char *path)
{
	char buf[64] = "";
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("FAIL: open %s: %s\n", path, strerror(errno));
		failures++;
		return ~0ULL;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		printf("FAIL: read %s: %s\n", path, n ? strerror(errno) : "empty");
		failures++;
		return ~0ULL;
	}
	return strtoull(buf, NULL, 10);
}

/* Returns 0 or -1 with errno, as write(2) on a sysfs attribute answers. */
static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	err = errno;
	close(fd);
	errno = err;
	return n < 0 ? -1 : 0;
}

static unsigned long long module_refs(void)
{
	return read_ull("/sys/module/vduse/refcnt");
}

static void api_control(void)
{
	uint64_t v = ~0ULL;

	check("GET_API_VERSION", io(api_ctl, VDUSE_GET_API_VERSION, &v), 0);
	check_val("API version", v, 0);
	v = 1;
	check("SET_API_VERSION 1", io(api_ctl, VDUSE_SET_API_VERSION, &v),
	      EINVAL);
	v = 0;
	check("SET_API_VERSION 0", io(api_ctl, VDUSE_SET_API_VERSION, &v), 0);
	/* Upstream answers EINVAL there, not ENOTTY: libvduse expects it. */
	check("unknown ioctl on control",
	      io(api_ctl, _IO(VDUSE_BASE, 0x7f), NULL), EINVAL);
}

/* CREATE_DEV of @cfg (and a zeroed config space) must give EINVAL. */
static void refused(const char *what, const struct vduse_dev_config *cfg)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "CREATE_DEV %s", what);
	check(buf, neg(api_create(cfg, NULL, 0)), EINVAL);
}

static void api_create_refused(void)
{
	static const char * const bad_names[] = {
		"", "control", ".", "..", "a/b", "a b",
	};
	static const uint32_t bad_align[] = { 0, 2, 3 };
	struct vduse_dev_config cfg;
	char what[128];
	unsigned int i;

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.reserved[12] = 1;
	refused("reserved[12] != 0", &cfg);

	for (i = 0; i < ARRAY_SIZE(bad_align); i++) {
		blk_cfg(&cfg, API_PREFIX "bad");
		cfg.vq_align = bad_align[i];
		snprintf(what, sizeof(what), "vq_align %u", bad_align[i]);
		refused(what, &cfg);
	}
	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.vq_align = page_size * 2;
	refused("vq_align PAGE_SIZE * 2", &cfg);

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.config_size = page_size + 1;
	refused("config_size PAGE_SIZE + 1", &cfg);

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.vq_num = 65536;
	refused("vq_num 65536", &cfg);

	for (i = 0; i < ARRAY_SIZE(bad_names); i++) {
		blk_cfg(&cfg, bad_names[i]);
		snprintf(what, sizeof(what), "name \"%s\"", bad_names[i]);
		refused(what, &cfg);
	}

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.device_id = VIRTIO_ID_CONSOLE;
	refused("device_id 3 (console)", &cfg);

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.features &= ~BIT64(VIRTIO_F_ACCESS_PLATFORM);
	refused("without ACCESS_PLATFORM", &cfg);

	blk_cfg(&cfg, API_PREFIX "bad");
	cfg.features |= BIT64(VIRTIO_BLK_F_CONFIG_WCE);
	refused("blk with CONFIG_WCE", &cfg);

	net_cfg(&cfg, API_PREFIX "bad");
	cfg.features |= BIT64(VIRTIO_NET_F_CTRL_VQ);
	refused("net with CTRL_VQ", &cfg);

	net_cfg(&cfg, API_PREFIX "bad");
	cfg.features &= ~BIT64(VIRTIO_F_VERSION_1);
	refused("net without VERSION_1", &cfg);
}

/* The good net device, and the same one without CAP_NET_ADMIN. */
static void api_net(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	struct vduse_dev_config cfg;
	unsigned long long before;
	int status, ret;
	pid_t pid;

	/* So that the refusals above were for what they tested. */
	net_cfg(&cfg, API_PREFIX "1");
	before = module_refs();
	check("CREATE_DEV good net device", neg(api_create(&cfg, NULL, 0)), 0);
	check_val("module refcnt after a second device", module_refs(), before + 1);
	check("DESTROY_DEV net device", neg(api_destroy(cfg.name)), 0);
	check_val("module refcnt after its destroy", module_refs(), before);

	net_cfg(&cfg, API_PREFIX "2");
	/* Should the kernel take it all the same, the cleanup destroys it. */
	note_created(cfg.name);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		/* Empty effective set: capable() looks at nothing else. */
		if (syscall(SYS_capset, &hdr, data))
			_exit(200);
		ret = create_dev(api_ctl, &cfg, NULL, 0);
		_exit(ret ? -ret : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		die("waitpid: child did not exit");
	if (WEXITSTATUS(status) == 200)
		die("capset failed in the child");
	check("CREATE_DEV net without CAP_NET_ADMIN",
	      WEXITSTATUS(status), EPERM);
}

static void api_device_ioctls(int fd)
{
	struct {
		struct vduse_config_data hdr;
		uint8_t buf[16];
	} set;
	struct vduse_iotlb_entry entry = { .start = 0, .last = 4095 };
	struct vduse_iova_info iinfo = { .start = 0, .last = 4095 };
	struct vduse_iova_umem umem = { .size = 64 << 20 };
	struct vduse_vq_config vqc = { .index = 1, .max_size = 256 };
	struct vduse_vq_eventfd efd = { .index = 0 };
	struct vduse_vq_info info = { .index = 1 };
	uint64_t features = ~0ULL;
	uint32_t index;
	int closed, efd_fd, null_fd;
	void *mem;

	check("VQ_SETUP index 1 of 1", io(fd, VDUSE_VQ_SETUP, &vqc), EINVAL);
	vqc.index = 0;
	vqc.reserved[0] = 1;
	check("VQ_SETUP reserved[0] != 0", io(fd, VDUSE_VQ_SETUP, &vqc),
	      EINVAL);
	vqc.reserved[0] = 0;
	check("VQ_SETUP index 0 max_size 256", io(fd, VDUSE_VQ_SETUP, &vqc),
	      0);

	check("VQ_GET_INFO index 1 of 1", io(fd, VDUSE_VQ_GET_INFO, &info),
	      EINVAL);
	memset(&info, 0xff, sizeof(info));
	info.index = 0;
	check("VQ_GET_INFO index 0", io(fd, VDUSE_VQ_GET_INFO, &info), 0);
	check_val("VQ_GET_INFO num", info.num, 0);
	check_val("VQ_GET_INFO ready", info.ready, 0);

	check("DEV_GET_FEATURES", io(fd, VDUSE_DEV_GET_FEATURES, &features),
	      0);
	check_val("driver features before negotiation", features, 0);

	memset(&set, 0, sizeof(set));
	set.hdr.offset = 61;
	set.hdr.length = 1;
	check("DEV_SET_CONFIG offset 61 > config_size 60",
	      io(fd, VDUSE_DEV_SET_CONFIG, &set), EINVAL);
	set.hdr.offset = 0;
	set.hdr.length = 0;
	check("DEV_SET_CONFIG length 0", io(fd, VDUSE_DEV_SET_CONFIG, &set),
	      EINVAL);
	set.hdr.offset = 56;
	set.hdr.length = 8;
	check("DEV_SET_CONFIG offset 56 length 8 (past the end)",
	      io(fd, VDUSE_DEV_SET_CONFIG, &set), EINVAL);
	set.hdr.offset = 0;
	set.hdr.length = 8;
	set.buf[1] = 0x10;	/* capacity 4096 sectors */
	check("DEV_SET_CONFIG capacity", io(fd, VDUSE_DEV_SET_CONFIG, &set),
	      0);

	check("DEV_INJECT_CONFIG_IRQ without DRIVER_OK",
	      io(fd, VDUSE_DEV_INJECT_CONFIG_IRQ, NULL), EINVAL);
	index = 0;
	check("VQ_INJECT_IRQ 0 without DRIVER_OK",
	      io(fd, VDUSE_VQ_INJECT_IRQ, &index), EINVAL);
	index = 1;
	check("VQ_INJECT_IRQ index 1 of 1",
	      io(fd, VDUSE_VQ_INJECT_IRQ, &index), EINVAL);

	efd.fd = -1;
	check("VQ_SETUP_KICKFD -1", io(fd, VDUSE_VQ_SETUP_KICKFD, &efd), 0);
	/* Upstream ignores the other negative values, and so must we. */
	efd.fd = -5;
	check("VQ_SETUP_KICKFD -5", io(fd, VDUSE_VQ_SETUP_KICKFD, &efd), 0);
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null_fd < 0)
		die("open /dev/null: %s", strerror(errno));
	efd.fd = null_fd;
	check("VQ_SETUP_KICKFD /dev/null", io(fd, VDUSE_VQ_SETUP_KICKFD, &efd),
	      EINVAL);
	/* A number that was an fd a moment ago. */
	closed = dup(null_fd);
	close(closed);
	close(null_fd);
	efd.fd = closed;
	check("VQ_SETUP_KICKFD closed fd", io(fd, VDUSE_VQ_SETUP_KICKFD, &efd),
	      EBADF);
	efd_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd_fd < 0)
		die("eventfd: %s", strerror(errno));
	efd.fd = efd_fd;
	check("VQ_SETUP_KICKFD eventfd", io(fd, VDUSE_VQ_SETUP_KICKFD, &efd),
	      0);
	efd.fd = -1;
	check("VQ_SETUP_KICKFD -1 after an eventfd",
	      io(fd, VDUSE_VQ_SETUP_KICKFD, &efd), 0);
	close(efd_fd);
	efd.index = 1;
	check("VQ_SETUP_KICKFD index 1 of 1",
	      io(fd, VDUSE_VQ_SETUP_KICKFD, &efd), EINVAL);

	/* No IOVA domain until the first attach. */
	check("IOTLB_GET_FD before any attach",
	      io(fd, VDUSE_IOTLB_GET_FD, &entry), EINVAL);
	check("IOTLB_GET_INFO before any attach",
	      io(fd, VDUSE_IOTLB_GET_INFO, &iinfo), EINVAL);
	mem = mmap(NULL, umem.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	umem.uaddr = (uintptr_t)mem;
	check("IOTLB_REG_UMEM before any attach",
	      io(fd, VDUSE_IOTLB_REG_UMEM, &umem), EINVAL);
	munmap(mem, umem.size);

	check("unknown ioctl on the device",
	      io(fd, _IO(VDUSE_BASE, 0x7f), NULL), ENOTTY);
}

static void api_messages(int fd)
{
	struct vduse_dev_request req;
	struct vduse_dev_response resp = { .request_id = 0x5eed };
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	char small[100];
	int flags, ret;

	check("read() of 100 bytes", sys(read(fd, small, sizeof(small))),
	      EINVAL);
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	check("O_NONBLOCK read() with nothing pending",
	      sys(read(fd, &req, sizeof(req))), EAGAIN);
	fcntl(fd, F_SETFL, flags);
	check("write() of a reply to no request",
	      sys(write(fd, &resp, sizeof(resp))), ENOENT);
	resp.reserved[0] = 1;
	check("write() with reserved[0] != 0",
	      sys(write(fd, &resp, sizeof(resp))), EINVAL);
	ret = poll(&pfd, 1, 0);
	check("poll()", sys(ret), 0);
	check_val("poll() ready descriptors", ret < 0 ? 0 : ret, 0);
	check_val("poll() revents", pfd.revents, 0);
}

static void api_sysfs(const char *name)
{
	char path[VDUSE_NAME_MAX + 64];

	snprintf(path, sizeof(path), "/sys/class/vduse/%s/bounce_size", name);
	check("bounce_size = 4096 (below 1 MiB)", sys(write_str(path, "4096")),
	      EINVAL);
	check("bounce_size = 2097152", sys(write_str(path, "2097152")), 0);
	check_val("bounce_size", read_ull(path), 2097152);
	snprintf(path, sizeof(path), "/sys/class/vduse/%s/msg_timeout", name);
	check("msg_timeout = 5", sys(write_str(path, "5")), 0);
	check_val("msg_timeout", read_ull(path), 5);
}

static int cmd_api(void)
{
	const char *name = API_PREFIX "0";
	struct vduse_dev_config cfg;
	uint8_t config[60] = { 0 };
	char path[VDUSE_NAME_MAX + 64];
	unsigned long long before;
	int fd, fd2, i;

	api_ctl = open_control();
	atexit(api_cleanup);

	api_control();
	api_create_refused();

	blk_cfg(&cfg, name);
	config[1] = 0x08;	/* capacity 2048 sectors */
	before = module_refs();
	check("CREATE_DEV good blk device",
	      neg(api_create(&cfg, config, sizeof(config))), 0);
	check_val("module refcnt after a device", module_refs(), before + 1);
	check("CREATE_DEV same name again",
	      neg(api_create(&cfg, config, sizeof(config))), EEXIST);
	check("DESTROY_DEV unknown name", neg(api_destroy(API_PREFIX "none")),
	      EINVAL);

	snprintf(path, sizeof(path), "/sys/class/vduse/%s/msg_timeout", name);
	check_val("msg_timeout default", read_ull(path), 30);
	snprintf(path, sizeof(path), "/sys/class/vduse/%s/bounce_size", name);
	check_val("bounce_size default", read_ull(path), 67108864);

	fd = open_dev(name, 2000);
	check("open /dev/vduse/" API_PREFIX "0", neg(fd), 0);
	if (fd >= 0) {
		keep_fd(fd);
		fd2 = keep_fd(open_dev(name, 0));
		check("second open", neg(fd2), EBUSY);
		if (fd2 >= 0)
			drop_fd(fd2);
		check("DESTROY_DEV while open", neg(api_destroy(name)), EBUSY);
		api_device_ioctls(fd);
		api_messages(fd);
		drop_fd(fd);
	}
	api_sysfs(name);

	api_net();

	check("DESTROY_DEV", neg(api_destroy(name)), 0);
	check_val("module refcnt after destroy", module_refs(), before);
	snprintf(path, sizeof(path), "/sys/class/vduse/%s", name);
	check("class device gone after destroy", sys(access(path, F_OK)),
	      ENOENT);
	snprintf(path, sizeof(path), "/dev/vduse/%s", name);
	for (i = 0; i < 100 && !access(path, F_OK); i++)
		usleep(20000);
	check("node gone after destroy", sys(access(path, F_OK)), ENOENT);

	api_cleanup();
	printf("%s: %d check(s) failed\n", prog, failures);
	return failures ? 1 : 0;
}

/* ---- net: a loopback net device ----------------------------------------- */

/* A piece of the IOVA domain, mapped from the file VDUSE_IOTLB_GET_FD gave. */
struct region {
	uint64_t start, last;
	uint8_t *base;		/* where start is mapped */
	void *map;		/* what to munmap */
	size_t map_len;
};

struct queue {
	int started;
	int broken;		/* its avail index made no sense */
	uint32_t num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_addr, driver_addr, device_addr;
	uint16_t last_avail;	/* next avail entry to take */
	uint16_t used_idx;	/* next used entry to fill */
	uint16_t published;	/* used_idx the driver was shown */
	int kick;		/* eventfd, or -1 */
	int irq_retry;		/* injections refused so far, see net_irq() */
};

struct net {
	const char *name;
	int ctl, fd;
	int running;		/* DRIVER_OK accepted, rings mapped */
	uint64_t features;
	struct queue q[NET_NVQS];
	struct region reg[MAX_REGIONS];
	int nreg;
	/* options */
	long stall_after;	/* -1: never */
	int garbage_used, irq_storm, bad_config;
	/* counters */
	unsigned long long looped, dropped, bad, msgs, irqs, storm_ok;
};

static struct net *the_net;
static int stop;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
}

static void net_unmap_all(struct net *n)
{
	int i;

	for (i = 0; i < n->nreg; i++)
		munmap(n->reg[i].map, n->reg[i].map_len);
	n->nreg = 0;
}

/* Drop the mappings overlapping [start, last] (UPDATE_IOTLB). */
static void net_unmap_range(struct net *n, uint64_t start, uint64_t last)
{
	int i = 0;

	while (i < n->nreg) {
		struct region *r = &n->reg[i];

		if (r->last < start || r->start > last) {
			i++;
			continue;
		}
		munmap(r->map, r->map_len);
		*r = n->reg[--n->nreg];
	}
}

/* The mapped region holding @iova, mapped now if it was not. */
static struct region *net_region(struct net *n, uint64_t iova)
{
	struct vduse_iotlb_entry e = { .start = iova, .last = iova };
	uint64_t delta;
	struct region *r;
	int i, fd, prot;
	void *p;

	for (i = 0; i < n->nreg; i++)
		if (n->reg[i].start <= iova && iova <= n->reg[i].last)
			return &n->reg[i];
	if (n->nreg == MAX_REGIONS) {
		fprintf(stderr, "%s: more than %d IOVA regions\n", prog,
			MAX_REGIONS);
		return NULL;
	}
	fd = ioctl(n->fd, VDUSE_IOTLB_GET_FD, &e);
	if (fd < 0) {
		fprintf(stderr, "%s: IOTLB_GET_FD %#llx: %s\n", prog,
			(unsigned long long)iova, strerror(errno));
		return NULL;
	}
	if (e.start > iova || e.last < iova || !e.perm) {
		fprintf(stderr, "%s: IOTLB_GET_FD %#llx gave [%#llx, %#llx] perm %u\n",
			prog, (unsigned long long)iova,
			(unsigned long long)e.start, (unsigned long long)e.last,
			e.perm);
		close(fd);
		return NULL;
	}
	/* The file offset of e.start; mmap wants it page aligned. */
	delta = e.offset & (page_size - 1);
	prot = PROT_READ | (e.perm & VDUSE_ACCESS_WO ? PROT_WRITE : 0);
	r = &n->reg[n->nreg];
	r->map_len = e.last - e.start + 1 + delta;
	p = mmap(NULL, r->map_len, prot, MAP_SHARED, fd, e.offset - delta);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: mmap of [%#llx, %#llx] at offset %#llx: %s\n",
			prog, (unsigned long long)e.start,
			(unsigned long long)e.last,
			(unsigned long long)e.offset, strerror(errno));
		return NULL;
	}
	r->map = p;
	r->base = (uint8_t *)p + delta;
	r->start = e.start;
	r->last = e.last;
	n->nreg++;
	return r;
}

/* A ring area: must lie within one region. */
static void *net_map_area(struct net *n, uint64_t iova, uint64_t len)
{
	struct region *r = net_region(n, iova);

	if (!r)
		return NULL;
	if (len - 1 > r->last - iova) {
		fprintf(stderr, "%s: ring area [%#llx, +%llu] crosses %#llx\n",
			prog, (unsigned long long)iova,
			(unsigned long long)len, (unsigned long long)r->last);
		return NULL;
	}
	return r->base + (iova - r->start);
}

/* Copy between our memory and IOVAs, across as many regions as it spans. */
static int net_copy(struct net *n, uint64_t iova, void *buf, uint32_t len,
		    int to_iova)
{
	uint8_t *p = buf;

	while (len) {
		struct region *r = net_region(n, iova);
		uint64_t chunk;

		if (!r)
			return -1;
		chunk = r->last - iova + 1;
		if (chunk > len || !chunk)	/* !chunk: the whole 2^64 */
			chunk = len;
		if (to_iova)
			memcpy(r->base + (iova - r->start), p, chunk);
		else
			memcpy(p, r->base + (iova - r->start), chunk);
		p += chunk;
		iova += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * Walk a chain from @head: every descriptor driver-readable (@writable 0)
 * or device-writable (1); no indirect ones, we did not offer them. Reads
 * the chain into @buf (TX), or writes @len bytes of @buf into it (RX).
 * Returns the bytes read or written, -1 for a broken chain, -2 for an RX
 * chain too short for @len.
 */
static long net_chain(struct net *n, struct queue *q, uint16_t head,
		      uint8_t *buf, size_t len, int writable)
{
	uint16_t i = head;
	uint32_t count = 0;
	size_t done = 0;

	for (;;) {
		struct vring_desc d;
		uint16_t flags;
		uint32_t dlen;
		int wr;

		if (i >= q->num || ++count > q->num)
			return -1;
		d = q->desc[i];
		flags = le16toh(d.flags);
		dlen = le32toh(d.len);
		wr = !!(flags & VRING_DESC_F_WRITE);
		if ((flags & VRING_DESC_F_INDIRECT) || wr != writable)
			return -1;
		if (dlen > len - done)
			dlen = len - done;
		if (!writable && dlen < le32toh(d.len))
			return -1;	/* a frame bigger than MAX_FRAME */
		if (dlen && net_copy(n, le64toh(d.addr), buf + done, dlen,
				     writable))
			return -1;
		done += dlen;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = le16toh(d.next);
	}
	if (writable && done < len)
		return -2;
	return done;
}

/*
 * Number of new avail entries. An index more than a ring ahead is the
 * driver's bug (or ours): say so once and leave the queue alone.
 */
static int net_avail(struct net *n, struct queue *q)
{
	uint16_t idx, new;

	if (!q->started || q->broken)
		return 0;
	idx = le16toh(__atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE));
	new = idx - q->last_avail;
	if (new <= q->num)
		return new;
	fprintf(stderr, "%s: queue %td: avail index %u, last seen %u: ignoring the queue\n",
		prog, q - n->q, idx, q->last_avail);
	q->broken = 1;
	n->bad++;
	return 0;
}

static uint16_t net_take(struct queue *q)
{
	uint16_t head = le16toh(q->avail->ring[q->last_avail % q->num]);

	q->last_avail++;
	return head;
}

static void net_put_used(struct net *n, struct queue *q, uint32_t id,
			 uint32_t len)
{
	struct vring_used_elem *e = &q->used->ring[q->used_idx % q->num];

	if (n->garbage_used) {
		/* Ids past the ring, lengths past any buffer. */
		id = q->num + (q->used_idx & 1 ? 0x7fff : 0);
		len = q->used_idx & 2 ? 0xffffffff : 0x10000;
	}
	e->id = htole32(id);
	e->len = htole32(len);
	q->used_idx++;
}

static void net_irq(struct net *n, struct queue *q)
{
	uint32_t index = q - n->q;

	if (!ioctl(n->fd, VDUSE_VQ_INJECT_IRQ, &index)) {
		n->irqs++;
		q->irq_retry = 0;
		return;
	}
	/*
	 * The kernel records DRIVER_OK only once we answered it: an
	 * interrupt right after gets EINVAL. Try again shortly.
	 */
	if (errno == EINVAL && ++q->irq_retry < IRQ_RETRIES)
		return;
	fprintf(stderr, "%s: VQ_INJECT_IRQ %u: %s\n", prog, index,
		strerror(errno));
	q->irq_retry = 0;
}

/* Show the driver what was used; interrupt it unless it said not to. */
static void net_publish(struct net *n, struct queue *q)
{
	uint16_t flags;

	if (q->published != q->used_idx) {
		/* The entries before the index that exposes them. */
		__atomic_store_n(&q->used->idx, htole16(q->used_idx),
				 __ATOMIC_RELEASE);
		q->published = q->used_idx;
		/* The index before the flags: or we miss a re-enable. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		flags = le16toh(__atomic_load_n(&q->avail->flags,
						__ATOMIC_RELAXED));
		if (!(flags & VRING_AVAIL_F_NO_INTERRUPT))
			q->irq_retry = 1;
	}
	if (q->irq_retry)
		net_irq(n, q);
}

static uint8_t frame[NET_HDR_LEN + MAX_FRAME];

/* One frame sent: into the next RX buffer, or dropped. */
static void net_deliver(struct net *n, size_t len)
{
	struct queue *rx = &n->q[0];
	struct virtio_net_hdr_v1 *hdr = (void *)frame;
	uint16_t head;
	long ret;
	int avail;

	avail = net_avail(n, rx);
	if (!avail) {
		n->dropped++;
		return;
	}
	head = net_take(rx);
	/* What the frame came with means nothing on the way back. */
	memset(hdr, 0, sizeof(*hdr));
	hdr->num_buffers = htole16(1);
	ret = net_chain(n, rx, head, frame, len, 1);
	if (ret < 0) {
		n->dropped++;
		n->bad += ret == -1;
		net_put_used(n, rx, head, 0);
		return;
	}
	net_put_used(n, rx, head, ret);
	n->looped++;
}

/* Every frame the driver made available on TX goes back to it on RX. */
static void net_tx(struct net *n)
{
	struct queue *tx = &n->q[1];
	int avail;
	long len;

	while ((avail = net_avail(n, tx))) {
		while (avail--) {
			uint16_t head = net_take(tx);

			len = net_chain(n, tx, head, frame, sizeof(frame), 0);
			if (len < NET_HDR_LEN)
				n->bad++;
			else
				net_deliver(n, len);
			net_put_used(n, tx, head, 0);
		}
	}
	net_publish(n, &n->q[0]);
	net_publish(n, tx);
}

static void net_stop(struct net *n)
{
	struct vduse_vq_eventfd efd = { .fd = VDUSE_EVENTFD_DEASSIGN };
	uint32_t i;

	for (i = 0; i < NET_NVQS; i++) {
		struct queue *q = &n->q[i];

		if (q->kick >= 0) {
			efd.index = i;
			if (ioctl(n->fd, VDUSE_VQ_SETUP_KICKFD, &efd))
				fprintf(stderr, "%s: VQ_SETUP_KICKFD %u -1: %s\n",
					prog, i, strerror(errno));
			close(q->kick);
		}
		memset(q, 0, sizeof(*q));
		q->kick = -1;
	}
	net_unmap_all(n);
	n->running = 0;
}

static int net_map_rings(struct net *n, struct queue *q)
{
	q->desc = net_map_area(n, q->desc_addr, 16ULL * q->num);
	q->avail = net_map_area(n, q->driver_addr, 4 + 2ULL * q->num);
	q->used = net_map_area(n, q->device_addr, 4 + 8ULL * q->num);
	return q->desc && q->avail && q->used ? 0 : -1;
}

static int net_start_queue(struct net *n, uint32_t index)
{
	struct vduse_vq_info info = { .index = index };
	struct vduse_vq_eventfd efd = { .index = index };
	struct queue *q = &n->q[index];

	if (ioctl(n->fd, VDUSE_VQ_GET_INFO, &info)) {
		fprintf(stderr, "%s: VQ_GET_INFO %u: %s\n", prog, index,
			strerror(errno));
		return -1;
	}
	if (!info.ready)
		return 0;
	if (!info.num || info.num > 32768) {
		fprintf(stderr, "%s: queue %u has size %u\n", prog, index,
			info.num);
		return -1;
	}
	q->num = info.num;
	q->desc_addr = info.desc_addr;
	q->driver_addr = info.driver_addr;
	q->device_addr = info.device_addr;
	if (net_map_rings(n, q))
		return -1;
	q->last_avail = info.split.avail_index;
	q->used_idx = le16toh(q->used->idx);
	q->published = q->used_idx;
	q->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kick < 0)
		die("eventfd: %s", strerror(errno));
	efd.fd = q->kick;
	if (ioctl(n->fd, VDUSE_VQ_SETUP_KICKFD, &efd)) {
		fprintf(stderr, "%s: VQ_SETUP_KICKFD %u: %s\n", prog, index,
			strerror(errno));
		return -1;
	}
	q->started = 1;
	return 0;
}

static void net_bad_config(struct net *n)
{
	static const struct { uint32_t offset, length; } bad[] = {
		{ sizeof(struct virtio_net_config), 1 },
		{ 0, sizeof(struct virtio_net_config) + 1 },
		{ 0, 0 },
		{ 2, 0xffffffff },
		{ 0xffffffff, 2 },
		{ 0xfffffffe, 4 },
	};
	struct {
		struct vduse_config_data hdr;
		uint8_t buf[64];
	} set;
	unsigned int i;

	memset(&set, 0, sizeof(set));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		set.hdr.offset = bad[i].offset;
		set.hdr.length = bad[i].length;
		if (ioctl(n->fd, VDUSE_DEV_SET_CONFIG, &set))
			fprintf(stderr, "bad-config: offset %u length %u: %s\n",
				bad[i].offset, bad[i].length, strerror(errno));
		else
			fprintf(stderr, "bad-config: offset %u length %u: accepted\n",
				bad[i].offset, bad[i].length);
	}
}

static int net_start(struct net *n)
{
	uint32_t i;

	if (ioctl(n->fd, VDUSE_DEV_GET_FEATURES, &n->features)) {
		fprintf(stderr, "%s: DEV_GET_FEATURES: %s\n", prog,
			strerror(errno));
		return -1;
	}
	for (i = 0; i < NET_NVQS; i++) {
		if (net_start_queue(n, i)) {
			net_stop(n);
			return -1;
		}
	}
	n->running = 1;
	if (n->bad_config)
		net_bad_config(n);
	/* Frames made available before we had a kick eventfd. */
	net_tx(n);
	return 0;
}

static uint32_t net_set_status(struct net *n, uint8_t status)
{
	uint64_t features = 0;

	if (!status) {
		net_stop(n);
		return VDUSE_REQ_RESULT_OK;
	}
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    (ioctl(n->fd, VDUSE_DEV_GET_FEATURES, &features) ||
	     !(features & BIT64(VIRTIO_F_VERSION_1)))) {
		/* Our header layout is VERSION_1's. */
		fprintf(stderr, "%s: refusing features %#llx\n", prog,
			(unsigned long long)features);
		return VDUSE_REQ_RESULT_FAILED;
	}
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !n->running &&
	    net_start(n))
		return VDUSE_REQ_RESULT_FAILED;
	return VDUSE_REQ_RESULT_OK;
}

static void net_message(struct net *n)
{
	struct vduse_dev_request req;
	struct vduse_dev_response resp;
	uint32_t i;
	ssize_t len;

	len = read(n->fd, &req, sizeof(req));
	if (len < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (len != sizeof(req))
		die("read of a request: %s", len < 0 ? strerror(errno) : "short");
	n->msgs++;
	memset(&resp, 0, sizeof(resp));
	resp.request_id = req.request_id;
	resp.result = VDUSE_REQ_RESULT_OK;
	switch (req.type) {
	case VDUSE_SET_STATUS:
		resp.result = net_set_status(n, req.s.status);
		break;
	case VDUSE_GET_VQ_STATE:
		i = req.vq_state.index;
		if (i >= NET_NVQS) {
			resp.result = VDUSE_REQ_RESULT_FAILED;
			break;
		}
		resp.vq_state.index = i;
		resp.vq_state.split.avail_index = n->q[i].last_avail;
		break;
	case VDUSE_UPDATE_IOTLB:
		net_unmap_range(n, req.iova.start, req.iova.last);
		/* The rings may have been in the range: map them again. */
		for (i = 0; i < NET_NVQS; i++)
			if (n->q[i].started && net_map_rings(n, &n->q[i]))
				resp.result = VDUSE_REQ_RESULT_FAILED;
		break;
	default:
		resp.result = VDUSE_REQ_RESULT_FAILED;
		break;
	}
	/* ENOENT: the kernel gave up waiting (msg_timeout) meanwhile. */
	if (write(n->fd, &resp, sizeof(resp)) != sizeof(resp))
		fprintf(stderr, "%s: reply to request %u (type %u): %s\n", prog,
			req.request_id, req.type, strerror(errno));
}

/* Interrupts of every kind, for every queue and some that do not exist. */
static void net_storm(struct net *n)
{
	uint32_t index;
	int i;

	for (i = 0; i < 64; i++) {
		for (index = 0; index <= NET_NVQS; index++)
			if (!ioctl(n->fd, VDUSE_VQ_INJECT_IRQ, &index))
				n->storm_ok++;
		if (!ioctl(n->fd, VDUSE_DEV_INJECT_CONFIG_IRQ))
			n->storm_ok++;
	}
}

static void net_drain(int fd)
{
	uint64_t v;

	while (read(fd, &v, sizeof(v)) == sizeof(v))
		;
}

static void net_serve(struct net *n)
{
	struct timespec retry = { 0, 10 * 1000 * 1000 }, now = { 0, 0 };
	struct pollfd pfd[1 + NET_NVQS];
	sigset_t unblocked;
	int i, nfds, wait;

	sigprocmask(SIG_SETMASK, NULL, &unblocked);
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		nfds = 0;
		if (n->stall_after < 0 || (long)n->msgs < n->stall_after) {
			pfd[nfds].fd = n->fd;
			pfd[nfds++].events = POLLIN;
		}
		for (i = 0; i < NET_NVQS; i++) {
			if (n->q[i].kick < 0)
				continue;
			pfd[nfds].fd = n->q[i].kick;
			pfd[nfds++].events = POLLIN;
		}
		wait = n->q[0].irq_retry || n->q[1].irq_retry;
		/* Signals only get through while we wait here. */
		if (ppoll(pfd, nfds, n->irq_storm ? &now : wait ? &retry : NULL,
			  &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			die("ppoll: %s", strerror(errno));
		}
		for (i = 0; i < nfds; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == n->fd) {
				if (pfd[i].revents & POLLERR)
					die("the device is broken (a request timed out)");
				net_message(n);
			} else {
				net_drain(pfd[i].fd);
			}
		}
		/* A TX kick, or something to retry: look at the ring again. */
		if (n->running)
			net_tx(n);
		if (n->irq_storm)
			net_storm(n);
	}
}

/* On any exit: nothing mapped, the node closed, the device destroyed. */
static void net_exit(void)
{
	struct net *n = the_net;

	if (!n)
		return;
	the_net = NULL;
	if (n->fd >= 0) {
		net_stop(n);
		close(n->fd);
	}
	destroy_dev(n->ctl, n->name);
}

static int cmd_net(struct net *n)
{
	struct vduse_vq_config vqc = { .max_size = NET_QSIZE };
	struct virtio_net_config config;
	struct vduse_dev_config cfg;
	struct sigaction sa;
	sigset_t block;
	int err, i;

	memset(&config, 0, sizeof(config));
	memcpy(config.mac, "\x02\x00\x00\x00\x00\x0a", 6);
	config.status = htole16(VIRTIO_NET_S_LINK_UP);
	config.max_virtqueue_pairs = htole16(1);
	config.mtu = htole16(1500);
	net_cfg(&cfg, n->name);
	cfg.features |= BIT64(VIRTIO_NET_F_MAC) | BIT64(VIRTIO_NET_F_STATUS) |
			BIT64(VIRTIO_NET_F_MTU);
	if (strlen(n->name) >= VDUSE_NAME_MAX)
		die("name too long");

	/* Blocked but while waiting in ppoll(), so no signal is missed. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);

	n->ctl = open_control();
	n->fd = -1;
	for (i = 0; i < NET_NVQS; i++)
		n->q[i].kick = -1;
	err = create_dev(n->ctl, &cfg, &config, sizeof(config));
	if (err)
		die("CREATE_DEV %s: %s", n->name, strerror(-err));
	the_net = n;
	atexit(net_exit);
	n->fd = open_dev(n->name, 2000);
	if (n->fd < 0)
		die("open /dev/vduse/%s: %s", n->name, strerror(-n->fd));
	for (i = 0; i < NET_NVQS; i++) {
		vqc.index = i;
		if (ioctl(n->fd, VDUSE_VQ_SETUP, &vqc))
			die("VQ_SETUP %d: %s", i, strerror(errno));
	}
	if (n->bad_config)
		net_bad_config(n);
	printf("ready\n");
	fflush(stdout);

	net_serve(n);

	fprintf(stderr, "%s: %s: frames looped %llu, dropped %llu, bad %llu",
		prog, n->name, n->looped, n->dropped, n->bad);
	fprintf(stderr, ", messages %llu, interrupts %llu", n->msgs, n->irqs);
	if (n->irq_storm)
		fprintf(stderr, ", storm interrupts taken %llu", n->storm_ok);
	fputc('\n', stderr);
	the_net = NULL;
	net_stop(n);
	close(n->fd);
	/*
	 * The vDPA device lets go of ours when its last reference goes,
	 * which may be a moment after "vdpa dev del" returned.
	 */
	for (i = 0; i < 30; i++) {
		err = destroy_dev(n->ctl, n->name);
		if (err != -EBUSY)
			break;
		usleep(100000);
	}
	if (err) {
		fprintf(stderr, "%s: DESTROY_DEV %s: %s\n", prog, n->name,
			strerror(-err));
		return 1;
	}
	return 0;
}

static int cmd_destroy(const char *name)
{
	int err = destroy_dev(open_control(), name);

	if (err) {
		fprintf(stderr, "%s: DESTROY_DEV %s: %s\n", prog, name,
			strerror(-err));
		return 1;
	}
	return 0;
}

static void help(void)
{
	fprintf(stderr,
		"usage: %s api\n"
		"       %s net NAME [--queues 1] [--stall-after N] [--garbage-used]\n"
		"                   [--irq-storm] [--bad-config]\n"
		"       %s destroy NAME\n", prog, prog, prog);
	exit(2);
}

static long number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0)
		help();
	return v;
}

int main(int argc, char **argv)
{
	static struct net n = { .stall_after = -1 };
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "api"))
		return cmd_api();
	if (argc == 3 && !strcmp(argv[1], "destroy"))
		return cmd_destroy(argv[2]);
	if (argc < 3 || strcmp(argv[1], "net"))
		help();
	n.name = argv[2];
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--queues") && i + 1 < argc) {
			if (number(argv[++i]) != 1)
				/* MQ needs CTRL_VQ, which VDUSE refuses. */
				die("--queues: only 1 queue pair");
		} else if (!strcmp(argv[i], "--stall-after") && i + 1 < argc) {
			n.stall_after = number(argv[++i]);
		} else if (!strcmp(argv[i], "--garbage-used")) {
			n.garbage_used = 1;
		} else if (!strcmp(argv[i], "--irq-storm")) {
			n.irq_storm = 1;
		} else if (!strcmp(argv[i], "--bad-config")) {
			n.bad_config = 1;
		} else {
			help();
		}
	}
	return cmd_net(&n);
}
