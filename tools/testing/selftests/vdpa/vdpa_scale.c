// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa_scale: how the cost of a vDPA device grows with the number of
 * devices, for the density benchmark (bench/density.sh).
 *
 *   vdpa_scale [-n N] [-m MGMTDEV] [-p PREFIX] [-o K] [-f MIB] [-t TAG]
 *              [-k | -d]
 *
 *   -n N        devices to create (default 1000), named PREFIX0..PREFIXN-1
 *   -m MGMTDEV  management device (default vdpasim_net)
 *   -p PREFIX   name prefix (default "s")
 *   -o K        open and close the /dev/vhost-vdpa-N node of K devices
 *               spread over all of them (default 0)
 *   -f MIB      stop creating when MemAvailable falls below MIB (default
 *               192): a guard against the OOM killer, which would take
 *               the benchmark down with it
 *   -t TAG      a word that starts every output line (default "scale")
 *   -k          keep the devices: create, dump and sample, do not delete
 *   -d          delete only: the N devices a run with -k left, after
 *               dumping them (every one of them must still be there)
 *
 * -k and -d split a run around what a test does with the devices in
 * between (tests/87-scale.sh: iproute2's dumps, vhost clients).
 *
 * On one generic netlink socket, one request at a time, each acked before
 * the next is sent: create N devices (VDPA_CMD_DEV_NEW), dump them all
 * (VDPA_CMD_DEV_GET with NLM_F_DUMP) checking that every name comes
 * exactly once across however many messages the dump takes, open and
 * close a sample of their vhost-vdpa nodes, delete them all. Creation
 * stops at the first request the kernel refuses (a limit reached: pids,
 * memory, minors); what was created is dumped and deleted all the same,
 * and the results say how far it got and why it stopped.
 *
 * Each request is timed alone with CLOCK_MONOTONIC, from just before it is
 * sent to its ACK; the costs are reported per tenth of the devices
 * created (the k-th tenth: the devices created, or deleted, while between
 * k/10 and (k+1)/10 of them existed), with the ratio of the last tenth to
 * the first. Lines "BENCH clock TAG PHASE SECONDS" carry the guest's clock
 * at each phase's start and end: run.sh stamps them with the host's, so a
 * guest clock that runs off under TCG shows.
 *
 * Memory per device is the fall of MemAvailable (and the growth of Slab,
 * SUnreclaim, KernelStack and Percpu) in /proc/meminfo from before
 * creation to after it, and what did not come back after deletion; each
 * reading follows a drop of the reclaimable caches (dentries and inodes
 * of sysfs and devtmpfs) and a fold of the per-cpu counters. Kernel
 * threads are the children of kthreadd, counted at the same points.
 *
 * The last line is "TAG result key=value ...", for the benchmark's
 * report. Exit status: 0 when every device it created was dumped exactly
 * once and (but with -k) deleted, 1 otherwise (a creation refused is not
 * an error: the result line says how many were created), 2 on bad usage.
 *
 * libc only, so it links statically into the test initramfs.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/vdpa.h>

#include "genl.h"

#define REQ_SIZE 1024
#define NAME_MAX_LEN 64
/* MemAvailable is read every so many creations, outside the timing. */
#define MEM_EVERY 32

struct meminfo {
	long long avail, slab, unrecl, stack, percpu;	/* KiB */
};

struct nl {
	struct genl g;
	u16 family;
	char err_msg[256];	/* the extack message of the last error */
};

static const char *tag = "scale";
static const char *prefix = "s";
static bool keep, delete_only;

static noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vdpa_scale: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static noreturn void sys_error(const char *what)
{
	printf("%s error: %s: %s\n", tag, what, strerror(errno));
	exit(1);
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* For run.sh to stamp with the host's clock. */
static void clock_mark(const char *phase)
{
	printf("BENCH clock %s %s %.6f\n", tag, phase, now_ns() / 1e9);
}

/* ---- netlink ----------------------------------------------------------- */

static void put_str(struct nlmsghdr *nlh, u16 type, const char *s)
{
	if (genl_put_str(nlh, REQ_SIZE, type, s))
		usage_error("request too large");
}

/* An ACK's extack message is kept, none or not; NLMSG_DONE keeps the last. */
static void keep_msg(struct nl *nl, const struct genl_reply *rep)
{
	if (!rep->done)
		snprintf(nl->err_msg, sizeof(nl->err_msg), "%s",
			 rep->msg ? rep->msg : "");
}

/*
 * Send @req and read to its end; @reads, if given, counts the reads that
 * brought data messages. Returns 0 or -errno.
 */
static int transact(struct nl *nl, struct nlmsghdr *req,
		    void (*cb)(const struct nlmsghdr *nlh, void *arg),
		    void *arg, unsigned long *reads)
{
	struct genl_reply rep;
	int err = genl_transact(&nl->g, req, cb, arg, &rep);

	keep_msg(nl, &rep);
	if (reads)
		*reads += rep.reads;
	return err;
}

static void nl_open(struct nl *nl)
{
	struct genl_reply rep;

	nl->g.sys_error = sys_error;
	genl_open(&nl->g);
	nl->family = genl_family(&nl->g, VDPA_GENL_NAME, &rep);
	keep_msg(nl, &rep);
	if (!nl->family) {
		printf("%s error: no generic netlink family '%s'\n", tag,
		       VDPA_GENL_NAME);
		exit(1);
	}
}

static void dev_name(char *buf, unsigned long i)
{
	snprintf(buf, NAME_MAX_LEN, "%s%lu", prefix, i);
}

/* DEV_NEW (@mgmtdev) or DEV_DEL of device @i; its time in *@ns. */
static int dev_cmd(struct nl *nl, u8 cmd, unsigned long i,
		   const char *mgmtdev, u64 *ns)
{
	static u64 buf[REQ_SIZE / sizeof(u64)];
	char name[NAME_MAX_LEN];
	struct nlmsghdr *req;
	u64 t0;
	int err;

	dev_name(name, i);
	req = genl_msg_init(buf, REQ_SIZE, nl->family, 0, cmd,
			    VDPA_GENL_VERSION);
	put_str(req, VDPA_ATTR_DEV_NAME, name);
	if (mgmtdev)
		put_str(req, VDPA_ATTR_MGMTDEV_DEV_NAME, mgmtdev);
	t0 = now_ns();
	err = transact(nl, req, NULL, NULL, NULL);
	*ns = now_ns() - t0;
	return err;
}

/* ---- the dump ---------------------------------------------------------- */

struct dump {
	unsigned long n;	/* devices that exist: prefix0..prefixn-1 */
	unsigned char *seen;
	unsigned long names, dups, strangers;
};

static void dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *nla = genl_find_attr(nlh, VDPA_ATTR_DEV_NAME);
	size_t plen = strlen(prefix);
	struct dump *d = arg;
	unsigned long i;
	const char *s;
	char *end;

	if (!nla || nla->nla_len <= NLA_HDRLEN ||
	    !memchr((const char *)nla + NLA_HDRLEN, '\0',
		    nla->nla_len - NLA_HDRLEN)) {
		d->strangers++;
		return;
	}
	s = (const char *)nla + NLA_HDRLEN;
	d->names++;
	if (strncmp(s, prefix, plen) || s[plen] < '0' || s[plen] > '9' ||
	    (s[plen] == '0' && s[plen + 1])) {
		d->strangers++;
		return;
	}
	errno = 0;
	i = strtoul(s + plen, &end, 10);
	if (errno || *end || i >= d->n) {
		d->strangers++;
		return;
	}
	if (d->seen[i]++)
		d->dups++;
}

/* ---- /proc ------------------------------------------------------------- */

/* Not every kernel has every knob: a reading stays valid without one. */
static bool write_proc(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

static long long meminfo_field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

static void read_meminfo(struct meminfo *m, bool settle)
{
	char buf[8192];
	ssize_t n;
	int fd;

	if (settle) {
		/* Caches are not what a device costs; freeing may lag. */
		write_proc("/proc/sys/vm/drop_caches", "2");
		write_proc("/proc/sys/vm/stat_refresh", "1");
	}
	fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		sys_error("/proc/meminfo");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		sys_error("/proc/meminfo");
	buf[n] = '\0';
	m->avail = meminfo_field(buf, "\nMemAvailable:");
	m->slab = meminfo_field(buf, "\nSlab:");
	m->unrecl = meminfo_field(buf, "\nSUnreclaim:");
	m->stack = meminfo_field(buf, "\nKernelStack:");
	m->percpu = meminfo_field(buf, "\nPercpu:");
}

/* Kernel threads: kthreadd (pid 2) and its children. */
static long count_kthreads(void)
{
	DIR *dir = opendir("/proc");
	struct dirent *de;
	long count = 0;

	if (!dir)
		sys_error("/proc");
	while ((de = readdir(dir))) {
		char path[300], buf[512], *p;
		long ppid;
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (!strcmp(de->d_name, "2")) {
			count++;
			continue;
		}
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;	/* gone meanwhile */
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "pid (comm) state ppid ...": comm may hold anything. */
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 1, " %*c %ld", &ppid) != 1)
			continue;
		if (ppid == 2)
			count++;
	}
	closedir(dir);
	return count;
}

/* ---- vhost-vdpa nodes -------------------------------------------------- */

/*
 * As libvirt finds it: the child of the vdpa device in sysfs whose name
 * starts with "vhost-vdpa" names the node in /dev.
 */
static bool vhost_node(unsigned long i, char *node, size_t len)
{
	char name[NAME_MAX_LEN], path[128];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dev_name(name, i);
	snprintf(path, sizeof(path), "/sys/bus/vdpa/devices/%s", name);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		if (!strncmp(de->d_name, "vhost-vdpa", 10)) {
			snprintf(node, len, "/dev/%s", de->d_name);
			found = true;
			break;
		}
	}
	closedir(dir);
	return found;
}

/* ---- per tenth --------------------------------------------------------- */

/* Mean of @ns[] over tenth @k of @n, in microseconds; -1 when empty. */
static double tenth_us(const u64 *ns, unsigned long n, int k)
{
	unsigned long a = n * k / 10, b = n * (k + 1) / 10, i;
	u64 sum = 0;

	if (b <= a)
		return -1;
	for (i = a; i < b; i++)
		sum += ns[i];
	return sum / 1e3 / (b - a);
}

static double total_s(const u64 *ns, unsigned long n)
{
	unsigned long i;
	u64 sum = 0;

	for (i = 0; i < n; i++)
		sum += ns[i];
	return sum / 1e9;
}

static void print_tenths(const char *what, const u64 *ns, unsigned long n)
{
	int k;

	printf("%s %s us/device by tenth:", tag, what);
	for (k = 0; k < 10; k++) {
		double us = tenth_us(ns, n, k);

		if (us < 0)
			printf(" -");
		else
			printf(" %.1f", us);
	}
	printf("\n");
}

static double growth(const u64 *ns, unsigned long n)
{
	double first = tenth_us(ns, n, 0), last = tenth_us(ns, n, 9);

	return first > 0 && last >= 0 ? last / first : -1;
}

static double per_dev(long long before, long long after, unsigned long n)
{
	return n ? (double)(before - after) / n : 0;
}

/* ---- main -------------------------------------------------------------- */

static unsigned long parse_ulong(const char *s, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max)
		usage_error("bad number '%s' (at most %lu)", s, max);
	return v;
}

struct results {
	unsigned long requested, created, deleted;
	char stop[320];
	struct meminfo m0, m1, m2;
	long threads0, threads1, threads2;
	double dump_s;
	unsigned long dump_msgs;
	struct dump dump;
	unsigned long opened, sampled;
	u64 open_ns, find_ns;
};

static void create_all(struct nl *nl, const char *mgmtdev, long long floor_kib,
		       u64 *ns, struct results *r)
{
	unsigned long i, tenth = r->requested / 10 ? r->requested / 10 : 1;
	struct meminfo m;
	int err;

	clock_mark("create-begin");
	for (i = 0; i < r->requested; i++) {
		if (i % MEM_EVERY == 0) {
			read_meminfo(&m, false);
			if (m.avail >= 0 && m.avail < floor_kib) {
				snprintf(r->stop, sizeof(r->stop),
					 "MemAvailable %lld KiB < %lld KiB (-f)",
					 m.avail, floor_kib);
				break;
			}
		}
		err = dev_cmd(nl, VDPA_CMD_DEV_NEW, i, mgmtdev, &ns[i]);
		if (err) {
			snprintf(r->stop, sizeof(r->stop), "%s%s%s",
				 strerror(-err), nl->err_msg[0] ? ": " : "",
				 nl->err_msg);
			break;
		}
		if ((i + 1) % tenth == 0)
			printf("%s created %lu (%.1f us/device in the last %lu)\n",
			       tag, i + 1,
			       (total_s(ns + i + 1 - tenth, tenth) * 1e6) / tenth,
			       tenth);
	}
	r->created = i;
	clock_mark("create-end");
	if (r->created < r->requested)
		printf("%s stopped at %lu of %lu: %s\n", tag, r->created,
		       r->requested, r->stop);
}

static void dump_all(struct nl *nl, struct results *r)
{
	static u64 buf[REQ_SIZE / sizeof(u64)];
	struct nlmsghdr *req;
	u64 t0;
	int err;

	r->dump.n = r->created;
	r->dump.seen = calloc(r->created + 1, 1);
	if (!r->dump.seen)
		sys_error("calloc");
	req = genl_msg_init(buf, REQ_SIZE, nl->family, NLM_F_DUMP,
			    VDPA_CMD_DEV_GET, VDPA_GENL_VERSION);
	clock_mark("dump-begin");
	t0 = now_ns();
	err = transact(nl, req, dump_cb, &r->dump, &r->dump_msgs);
	r->dump_s = (now_ns() - t0) / 1e9;
	clock_mark("dump-end");
	if (err)
		printf("%s dump failed: %s %s\n", tag, strerror(-err),
		       nl->err_msg);
}

static unsigned long dump_missing(const struct results *r)
{
	unsigned long i, missing = 0;

	for (i = 0; i < r->created; i++)
		missing += !r->dump.seen[i];
	return missing;
}

static void open_sample(unsigned long k, struct results *r)
{
	char node[300];
	unsigned long j;

	if (!k || !r->created)
		return;
	if (k > r->created)
		k = r->created;
	clock_mark("open-begin");
	for (j = 0; j < k; j++) {
		unsigned long i = k > 1 ? j * (r->created - 1) / (k - 1) : 0;
		u64 t0 = now_ns(), t1;
		int fd;

		r->sampled++;
		if (!vhost_node(i, node, sizeof(node)))
			continue;
		t1 = now_ns();
		r->find_ns += t1 - t0;
		fd = open(node, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			printf("%s open %s: %s\n", tag, node, strerror(errno));
			continue;
		}
		close(fd);
		r->open_ns += now_ns() - t1;
		r->opened++;
	}
	clock_mark("open-end");
}

static void delete_all(struct nl *nl, u64 *ns, struct results *r)
{
	unsigned long i, tenth = r->created / 10 ? r->created / 10 : 1;
	int err;

	clock_mark("delete-begin");
	/* In creation order: the oldest device goes first. */
	for (i = 0; i < r->created; i++) {
		err = dev_cmd(nl, VDPA_CMD_DEV_DEL, i, NULL, &ns[i]);
		if (err) {
			printf("%s delete %s%lu: %s %s\n", tag, prefix, i,
			       strerror(-err), nl->err_msg);
			continue;
		}
		r->deleted++;
		if ((i + 1) % tenth == 0)
			printf("%s deleted %lu (%.1f us/device in the last %lu)\n",
			       tag, i + 1,
			       (total_s(ns + i + 1 - tenth, tenth) * 1e6) / tenth,
			       tenth);
	}
	clock_mark("delete-end");
}

static void report(const struct results *r, const u64 *cns, const u64 *dns)
{
	unsigned long n = r->created, missing = dump_missing(r);

	if (!delete_only)
		print_tenths("create", cns, n);
	if (!keep)
		print_tenths("delete", dns, n);
	printf("%s memory KiB, before -> created -> deleted:", tag);
	printf(" MemAvailable %lld -> %lld -> %lld,",
	       r->m0.avail, r->m1.avail, r->m2.avail);
	printf(" Slab %lld -> %lld -> %lld,", r->m0.slab, r->m1.slab, r->m2.slab);
	printf(" SUnreclaim %lld -> %lld -> %lld,",
	       r->m0.unrecl, r->m1.unrecl, r->m2.unrecl);
	printf(" KernelStack %lld -> %lld -> %lld,",
	       r->m0.stack, r->m1.stack, r->m2.stack);
	printf(" Percpu %lld -> %lld -> %lld\n",
	       r->m0.percpu, r->m1.percpu, r->m2.percpu);
	printf("%s kernel threads: %ld -> %ld -> %ld\n", tag, r->threads0,
	       r->threads1, r->threads2);
	printf("%s dump: %lu names in %lu messages, %.3f s;", tag,
	       r->dump.names, r->dump_msgs, r->dump_s);
	printf(" missing %lu, twice %lu, strangers %lu\n", missing,
	       r->dump.dups, r->dump.strangers);
	if (r->sampled)
		printf("%s nodes: %lu of %lu opened and closed, %.1f us each, %.1f us to find\n",
		       tag, r->opened, r->sampled,
		       r->opened ? r->open_ns / 1e3 / r->opened : 0.0,
		       r->opened ? r->find_ns / 1e3 / r->opened : 0.0);

	printf("%s result requested=%lu created=%lu deleted=%lu", tag,
	       r->requested, n, r->deleted);
	printf(" create_s=%.3f create_first_us=%.1f create_last_us=%.1f create_growth=%.2f",
	       total_s(cns, n), tenth_us(cns, n, 0), tenth_us(cns, n, 9),
	       growth(cns, n));
	printf(" delete_s=%.3f delete_first_us=%.1f delete_last_us=%.1f delete_growth=%.2f",
	       total_s(dns, n), tenth_us(dns, n, 0), tenth_us(dns, n, 9),
	       growth(dns, n));
	printf(" kib=%.2f slab_kib=%.2f unrecl_kib=%.2f",
	       per_dev(r->m0.avail, r->m1.avail, n),
	       per_dev(r->m1.slab, r->m0.slab, n),
	       per_dev(r->m1.unrecl, r->m0.unrecl, n));
	printf(" stack_kib=%.2f percpu_kib=%.2f kept_kib=%lld",
	       per_dev(r->m1.stack, r->m0.stack, n),
	       per_dev(r->m1.percpu, r->m0.percpu, n),
	       r->m0.avail - r->m2.avail);
	printf(" threads=%.3f threads_kept=%ld", n ?
	       (double)(r->threads1 - r->threads0) / n : 0.0,
	       r->threads2 - r->threads0);
	printf(" dump_s=%.3f dump_msgs=%lu dump_missing=%lu dump_dups=%lu",
	       r->dump_s, r->dump_msgs, missing, r->dump.dups);
	printf(" open_us=%.1f opened=%lu/%lu",
	       r->opened ? r->open_ns / 1e3 / r->opened : -1.0,
	       r->opened, r->sampled);
	/* Last: the reason may hold spaces. */
	printf(" stop=%s\n", r->stop[0] ? r->stop : "-");
}

int main(int argc, char **argv)
{
	const char *mgmtdev = "vdpasim_net";
	unsigned long sample = 0;
	long long floor_kib = 192 * 1024;
	static struct results r;
	u64 *cns, *dns;
	struct nl nl = { 0 };
	int opt;

	r.requested = 1000;
	while ((opt = getopt(argc, argv, "n:m:p:o:f:t:kd")) != -1) {
		switch (opt) {
		case 'n':
			r.requested = parse_ulong(optarg, 100000000);
			break;
		case 'm':
			mgmtdev = optarg;
			break;
		case 'p':
			prefix = optarg;
			if (strlen(prefix) > 32)
				usage_error("prefix too long");
			break;
		case 'o':
			sample = parse_ulong(optarg, 100000000);
			break;
		case 'f':
			floor_kib = parse_ulong(optarg, 1 << 30) * 1024;
			break;
		case 't':
			tag = optarg;
			break;
		case 'k':
			keep = true;
			break;
		case 'd':
			delete_only = true;
			break;
		default:
			usage_error("usage: vdpa_scale [-n N] [-m MGMTDEV] [-p PREFIX]\n"
				    "       [-o K] [-f MIB] [-t TAG] [-k | -d]");
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (keep && delete_only)
		usage_error("-k and -d exclude each other");
	/* Marks and progress must reach the console as they happen. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	cns = calloc(r.requested + 1, sizeof(*cns));
	dns = calloc(r.requested + 1, sizeof(*dns));
	if (!cns || !dns)
		sys_error("calloc");
	nl_open(&nl);

	read_meminfo(&r.m0, true);
	r.threads0 = count_kthreads();
	if (delete_only)
		r.created = r.requested;
	else
		create_all(&nl, mgmtdev, floor_kib, cns, &r);
	read_meminfo(&r.m1, true);
	r.threads1 = count_kthreads();

	dump_all(&nl, &r);
	open_sample(sample, &r);
	if (!keep) {
		delete_all(&nl, dns, &r);
		/* RCU-deferred frees and the workqueues behind them. */
		sleep(2);
	}
	read_meminfo(&r.m2, true);
	r.threads2 = count_kthreads();

	report(&r, cns, dns);
	return (keep || r.deleted == r.created) && !dump_missing(&r) &&
	       !r.dump.dups && !r.dump.strangers ? 0 : 1;
}
