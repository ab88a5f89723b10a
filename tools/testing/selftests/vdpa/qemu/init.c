// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the vDPA test VM.
 *
 * Mounts the usual filesystems, then, depending on vdpatest.mode= on the
 * kernel command line:
 *   test (default)  runs /tests/NN-*.sh (filtered by vdpatest.filter=) one
 *                   by one and prints KTAP; a test also fails when it made
 *                   the kernel log a splat (BUG, WARNING, KASAN, lockdep,
 *                   ...) or taint the kernel, or turned a checker off.
 *                   The boot is a result of its own, first; on a kernel
 *                   with kmemleak, a result says whether the tests leaked
 *                   memory; a last result covers what the kernel logs
 *                   once the tests are over;
 *   demo            runs /demo.sh straight to the console;
 *   bench           runs /bench/NAME.sh (vdpatest.bench=NAME) the same way;
 *   shell           gives a shell on the console.
 * and powers the VM off.
 *
 * `init --classify` (not as PID 1) reads kernel log lines on stdin and
 * prints those it takes for splats: the harness's self-check
 * (check-harness.sh) proves the patterns below with it.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#define TEST_DIR	"/tests"
#define MAX_TESTS	256
#define SKIP_STATUS	4
#define KMEMLEAK	"/sys/kernel/debug/kmemleak"
#define TAINTED		"/proc/sys/kernel/tainted"
#define LOCKDEP_STATS	"/proc/lockdep_stats"
#define ODEBUG_STATS	"/sys/kernel/debug/debug_objects/stats"
#define WARN_ONCE_RESET	"/sys/kernel/debug/clear_warn_once"
#define KMSG_ALLOW	"/run/vdpatest-kmsg-allow"	/* lib.sh's kmsg_allow */
#define MAX_ALLOW	16

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static char cmdline[4096];

static void poweroff(void)
{
	fflush(stdout);
	fflush(stderr);
	sync();
	reboot(RB_POWER_OFF);
	/* Only reached when reboot() failed: let the runner's timeout act. */
	for (;;)
		pause();
}

static void panic_msg(const char *what)
{
	printf("Bail out! init: %s: %s\n", what, strerror(errno));
	poweroff();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Returns 0, or -1 with errno set; callers may ignore a missing knob. */
static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static void mount_filesystems(void)
{
	static const struct {
		const char *type, *dir;
	} fs[] = {
		{ "devtmpfs", "/dev" },
		{ "proc", "/proc" },
		{ "sysfs", "/sys" },
		{ "debugfs", "/sys/kernel/debug" },
		{ "tmpfs", "/tmp" },
		{ "tmpfs", "/run" },
		{ "devpts", "/dev/pts" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fs); i++) {
		mkdir(fs[i].dir, 0755);
		/* devtmpfs may already be there; debugfs may be missing. */
		if (mount("none", fs[i].dir, fs[i].type, 0, NULL) &&
		    errno != EBUSY && strcmp(fs[i].type, "debugfs"))
			panic_msg(fs[i].dir);
	}
	symlink("/proc/self/fd", "/dev/fd");
}

/* stdin/stdout/stderr on the console, whatever the kernel left us. */
static void ensure_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Value of key=value on the kernel command line (malloc'd), or def. */
static const char *param(const char *key, const char *def)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while ((p = strstr(p, key))) {
		if ((p == cmdline || p[-1] == ' ') && p[klen] == '=')
			return strndup(p + klen + 1, strcspn(p + klen + 1, "\n "));
		p += klen;
	}
	return def;
}

/*
 * Kernel log watch. We read /dev/kmsg records after each test; a record
 * matching one of these (POSIX extended regular expressions) means the
 * kernel hit a bug while the test ran. Most checkers of the debug kernel
 * start their report with "BUG:" or "WARNING:"; the longer patterns name
 * them so that they stay caught should one change its first line. The
 * rest report a problem without a splat of their own.
 */
static const char * const splat[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "Call Trace",
	"kernel BUG at", "Unable to handle kernel",
	"cut here",	/* before a WARN()'s own message: show that too */
	"KASAN", "UBSAN", "possible circular", "lockdep", "kmemleak",
	"ODEBUG", "list_add corruption", "list_del corruption", "refcount_t: ",
	"blocked for more than", "self-detected stall", "detected stalls",
	"soft lockup", "hard LOCKUP",
	/* IOMMU faults: a device DMA'd where it had no mapping. */
	"DMAR: .*fault (addr|index|status)", "IO_PAGE_FAULT",
	/* A reference leaked on a netdev being unregistered. */
	"unregister_netdevice: waiting for",
	/* virtio_ring's BAD_RING(): the device broke the ring. */
	":id [0-9]+ (out of range|is not a head)",
	/* virtio_net: the control queue or the device refused a command. */
	"Failed to add sgs for command vq", "Failed to set mac address",
	"Failed to ack link announce", "Fail to set num of queue pairs",
	"Failed to set RX mode", "Failed to (en|dis)able (promisc|allmulti)",
	"Failed to set MAC filter", "Failed to (add|kill) VLAN ID",
	"Fail to set guest offload", "Failed to get hw stats",
	"committing RSS", "RSS disabled because committing failed",
	"Unexpected TXQ", "TX timeout on queue", "NETDEV WATCHDOG",
};

/* Lines that match the patterns above but report no problem. */
static const char * const benign[] = {
	"kmemleak: Kernel memory leak detector initialized",
	"RCU lockdep checking is enabled",
};

static regex_t splat_re[ARRAY_SIZE(splat)], benign_re[ARRAY_SIZE(benign)];

/*
 * What the running test said it provokes (lib.sh's kmsg_allow, e.g. an
 * error message under fault injection): one regular expression a line,
 * for that test only.
 */
static regex_t allow_re[MAX_ALLOW];
static int allow_n;

static void allow_load(void)
{
	char line[512];
	FILE *f = fopen(KMSG_ALLOW, "r");

	if (!f)
		return;
	while (allow_n < MAX_ALLOW && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (regcomp(&allow_re[allow_n], line, REG_EXTENDED | REG_NOSUB)) {
			printf("# kernel log: bad kmsg_allow pattern /%s/\n", line);
			continue;
		}
		printf("# kernel log: this test allows /%s/\n", line);
		allow_n++;
	}
	fclose(f);
}

static void allow_clear(void)
{
	while (allow_n)
		regfree(&allow_re[--allow_n]);
	unlink(KMSG_ALLOW);
}

static void compile_patterns(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(splat); i++)
		if (regcomp(&splat_re[i], splat[i], REG_EXTENDED | REG_NOSUB))
			panic_msg(splat[i]);
	for (i = 0; i < ARRAY_SIZE(benign); i++)
		if (regcomp(&benign_re[i], benign[i], REG_EXTENDED | REG_NOSUB))
			panic_msg(benign[i]);
}

static bool is_splat(const char *msg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(benign); i++)
		if (!regexec(&benign_re[i], msg, 0, NULL, 0))
			return false;
	for (i = 0; i < (unsigned int)allow_n; i++)
		if (!regexec(&allow_re[i], msg, 0, NULL, 0))
			return false;
	for (i = 0; i < ARRAY_SIZE(splat); i++)
		if (!regexec(&splat_re[i], msg, 0, NULL, 0))
			return true;
	return false;
}

static int kmsg_fd = -1;
static unsigned long long kmsg_next_seq;

/*
 * Read the records the kernel logged since the last call. Print them as
 * KTAP diagnostics from the first splat on (the splat and its trace), at
 * most max_lines of them. Returns the number of splat lines seen; *lost
 * counts the records the ring buffer overwrote before we read them (a
 * splat may have been among them).
 */
static int kmsg_scan(const char *prefix, int max_lines, int *lost)
{
	char rec[8192];
	int hits = 0, printed = 0;

	*lost = 0;
	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		unsigned long long seq, usec = 0;
		char *msg, *nl;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten: seq tells how many */
				continue;
			if (errno == EINTR)
				continue;
			break;		/* EAGAIN: no more */
		}
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		*msg++ = '\0';
		if (sscanf(rec, "%*u,%llu,%llu", &seq, &usec) == 2) {
			if (seq > kmsg_next_seq)
				*lost += seq - kmsg_next_seq;
			kmsg_next_seq = seq + 1;
		}
		nl = strchr(msg, '\n');	/* dictionary lines follow */
		if (nl)
			*nl = '\0';
		if (is_splat(msg))
			hits++;
		if (hits && printed < max_lines) {
			printf("%s[%5llu.%06llu] %s\n", prefix,
			       usec / 1000000, usec % 1000000, msg);
			printed++;
		}
	}
	return hits;
}

/*
 * The state of the checkers that report once and then go quiet or turn
 * themselves off: what the kernel log alone cannot tell.
 */
struct checkers {
	unsigned long taint;	/* /proc/sys/kernel/tainted */
	int debug_locks;	/* lockdep still on: 1, off: 0, absent: -1 */
	long odebug_warnings;	/* debugobjects counts past its print limit */
};

/*
 * Taint flags that mean the kernel found a bug: B bad page (KASAN too),
 * D oops, L soft lockup, M machine check, R forced rmmod (it hides a
 * leaked reference), W warning. O, E (our modules on Debian's kernel) and
 * N (KUnit ran) do not.
 */
#define BAD_TAINT	((1UL << 3) | (1UL << 4) | (1UL << 5) | (1UL << 7) | \
			 (1UL << 9) | (1UL << 14))
static const char taint_letters[] = "PFSRMBUDAWCIOELKXTN";

/* The value of "key" in a file of "key: value" lines, or def. */
static long stat_value(const char *path, const char *key, long def)
{
	char line[256];
	size_t klen = strlen(key);
	long val = def;
	FILE *f = fopen(path, "r");

	if (!f)
		return def;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (!strncmp(p, key, klen) && strchr(p + klen, ':')) {
			val = strtol(strchr(p + klen, ':') + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return val;
}

static void checkers_read(struct checkers *c)
{
	FILE *f = fopen(TAINTED, "r");

	c->taint = 0;
	if (f) {
		if (fscanf(f, "%lu", &c->taint) != 1)
			c->taint = 0;
		fclose(f);
	}
	c->debug_locks = stat_value(LOCKDEP_STATS, "debug_locks", -1);
	c->odebug_warnings = stat_value(ODEBUG_STATS, "warnings", 0);
}

/*
 * Compare the checkers after a result with before it (for the boot: a
 * kernel that never reported); print what went wrong as diagnostics.
 * Returns the number of problems.
 */
static int checkers_report(const struct checkers *before,
			   const struct checkers *after)
{
	unsigned long bad = after->taint & ~before->taint & BAD_TAINT;
	int problems = 0;

	if (bad) {
		char letters[32];
		unsigned int i, n = 0;

		for (i = 0; i < sizeof(taint_letters) - 1; i++)
			if (bad & (1UL << i))
				letters[n++] = taint_letters[i];
		letters[n] = '\0';
		printf("# kernel tainted: %s (taint %lu)\n", letters,
		       after->taint);
		problems++;
	}
	if (after->debug_locks == 0 && before->debug_locks != 0) {
		printf("# lockdep turned itself off: lock bugs go unseen from here on\n");
		problems++;
	}
	if (after->odebug_warnings > before->odebug_warnings) {
		printf("# debugobjects: %ld warning(s) (it prints only the first few of a boot)\n",
		       after->odebug_warnings - before->odebug_warnings);
		problems++;
	}
	return problems;
}

/*
 * The hung task detector neither stops after 10 reports nor waits 2
 * minutes (Debian's default; debug.config has the same 30 seconds).
 */
static void checkers_setup(void)
{
	write_file("/proc/sys/kernel/hung_task_timeout_secs", "30");
	write_file("/proc/sys/kernel/hung_task_warnings", "-1");
}

/* WARN_ONCE() and friends fire again: each test is judged on its own. */
static void checkers_rearm(void)
{
	write_file(WARN_ONCE_RESET, "1");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/*
 * The tests to run: NN-name.sh in TEST_DIR, sorted, matching the filter
 * (comma-separated shell patterns, or name prefixes).
 */
static int find_tests(char **names, const char *filter)
{
	DIR *d = opendir(TEST_DIR);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_TESTS) {
		size_t len = strlen(e->d_name);
		char *name, *pat, *save = NULL, *f;
		bool match = !*filter;

		if (len < 4 || strcmp(e->d_name + len - 3, ".sh") ||
		    e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		name = strndup(e->d_name, len - 3);
		f = strdup(filter);
		for (pat = strtok_r(f, ",", &save); pat && !match;
		     pat = strtok_r(NULL, ",", &save))
			match = !fnmatch(pat, name, 0) ||
				!fnmatch(pat, e->d_name, 0) ||
				/* no wildcard: a prefix, as in "40" */
				(!strpbrk(pat, "*?[") &&
				 !strncmp(name, pat, strlen(pat)));
		free(f);
		if (match)
			names[n++] = name;
		else
			free(name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	return n;
}

/*
 * As PID 1 we inherit every orphan: reap them all, noting whether the one
 * we wait for, child, is among them.
 */
static void reap(pid_t child, int *status, bool *exited)
{
	pid_t p;
	int st;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == child) {
			*status = st;
			*exited = true;
		}
	}
}

static char skip_reason[256];

static void print_line(const char *prefix, const char *line)
{
	printf("%s%s\n", prefix, line);
	if (!strncmp(line, "SKIP: ", 6))
		snprintf(skip_reason, sizeof(skip_reason), "%.200s", line + 6);
}

/*
 * Run one test script with its output on a pipe that we print as "# "
 * diagnostics. Returns its wait status; *timed_out tells whether we had
 * to kill it. A "SKIP: reason" line is kept in skip_reason.
 */
static int run_script(const char *path, const char *prefix, double timeout,
		      bool *timed_out)
{
	char buf[4096], line[4096];
	size_t llen = 0;
	int pfd[2], status = 0;
	bool exited = false, eof = false;
	double deadline = now() + timeout, drain_end = 0;
	pid_t pid;

	*timed_out = false;
	skip_reason[0] = '\0';
	if (pipe2(pfd, O_CLOEXEC))
		panic_msg("pipe");
	pid = fork();
	if (pid < 0)
		panic_msg("fork");
	if (!pid) {
		int devnull = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		dup2(devnull, 0);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execl("/bin/sh", "sh", path, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);

	while (!eof) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		double left = (exited ? drain_end : deadline) - now();
		int r;

		if (left <= 0) {
			if (exited)
				break;	/* a straggler keeps the pipe open */
			*timed_out = true;
			kill(-pid, SIGKILL);
			deadline = now() + 5;
			continue;
		}
		r = poll(&p, 1, left > 0.2 ? 200 : (int)(left * 1000) + 1);
		if (r > 0) {
			ssize_t n = read(pfd[0], buf, sizeof(buf));
			ssize_t i;

			if (n <= 0) {
				eof = true;
				n = 0;
			}
			for (i = 0; i < n; i++) {
				if (buf[i] == '\n' || llen == sizeof(line) - 1) {
					line[llen] = '\0';
					print_line(prefix, line);
					llen = 0;
					if (buf[i] == '\n')
						continue;
				}
				line[llen++] = buf[i];
			}
		}
		if (!exited) {
			reap(pid, &status, &exited);
			if (exited) {
				/* Jobs the test left behind die with it. */
				kill(-pid, SIGKILL);
				drain_end = now() + 2;
			}
		}
	}
	if (llen) {
		line[llen] = '\0';
		print_line(prefix, line);
	}
	close(pfd[0]);
	if (!exited) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	reap(0, &status, &exited);	/* orphans only */
	return status;
}

/*
 * The leaks kmemleak finds once the tests are over, as one more result.
 * An object is only reported once it is older than 5 seconds and was
 * found unreferenced by a scan: wait, then scan twice, a few seconds
 * apart. Prints the report as diagnostics; returns true when it is empty.
 */
static bool kmemleak_check(void)
{
	char line[512];
	int leaks = 0, printed = 0, err;
	FILE *f;

	sleep(5);
	err = write_file(KMEMLEAK, "scan");
	if (!err) {
		sleep(5);
		err = write_file(KMEMLEAK, "scan");
	}
	if (err) {
		/* kmemleak turns itself off on an internal error. */
		printf("# kmemleak: scan failed (%s): is it disabled?\n",
		       strerror(errno));
		return false;
	}
	f = fopen(KMEMLEAK, "r");
	if (!f) {
		printf("# kmemleak: %s: %s\n", KMEMLEAK, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "unreferenced object", 19))
			leaks++;
		if (printed++ < 300)
			printf("# %s", line);
	}
	fclose(f);
	if (leaks)
		printf("# kmemleak: %d unreferenced object(s)\n", leaks);
	return !leaks;
}

/*
 * What the kernel said during a result: splats logged, records lost,
 * checkers tripped or turned off. Prints it as diagnostics, then re-arms
 * the one-shot checkers. Returns the number of problems.
 */
static int kernel_problems(const char *prefix, const char *during,
			   struct checkers *state, int max_lines)
{
	struct checkers before = *state;
	int lost, splats, problems;

	allow_load();
	splats = kmsg_scan(prefix, max_lines, &lost);
	allow_clear();
	checkers_read(state);
	problems = checkers_report(&before, state);
	if (splats)
		printf("# kernel log: %d splat line(s) %s\n", splats, during);
	if (lost) {
		printf("# kernel log: %d record(s) overwritten before we read them %s\n",
		       lost, during);
		problems++;
	}
	checkers_rearm();
	return problems + splats;
}

static int result_no, pass, fail, skip;

static void result(bool ok, const char *name, const char *skip_why)
{
	result_no++;
	if (!ok) {
		printf("not ok %d %s\n", result_no, name);
		fail++;
	} else if (skip_why) {
		printf("ok %d %s # SKIP %s\n", result_no, name, skip_why);
		skip++;
	} else {
		printf("ok %d %s\n", result_no, name);
		pass++;
	}
}

/* A harness self-check (check-harness.sh): a splat before any test. */
static void inject_boot_splat(void)
{
	static const char msg[] =
		"<4>WARNING: vdpatest.inject=boot-splat: a splat at boot\n";

	if (strcmp(param("vdpatest.inject", ""), "boot-splat"))
		return;
	if (write_file("/dev/kmsg", msg))
		printf("# vdpatest.inject: /dev/kmsg: %s\n", strerror(errno));
}

/*
 * A test that needs longer than the suite's timeout says so in its header,
 * "# vdpatest-timeout: SECONDS" (QEMU migrating a nested guest takes
 * minutes): the longer of the two applies.
 */
static double script_timeout(const char *path, double timeout)
{
	static const char key[] = "\n# vdpatest-timeout: ";
	char buf[4096], *p;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return timeout;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return timeout;
	buf[n] = 0;
	p = strstr(buf, key);
	if (p && atof(p + sizeof(key) - 1) > timeout)
		return atof(p + sizeof(key) - 1);
	return timeout;
}

static int run_tests(void)
{
	char *names[MAX_TESTS];
	const char *filter = param("vdpatest.filter", "");
	double timeout = atof(param("vdpatest.timeout", "600"));
	struct checkers state = { .debug_locks = -1 };
	int n, i;
	bool leakcheck;

	n = find_tests(names, filter);
	printf("KTAP version 1\n");
	printf("# vdpa test suite, uptime %.2fs, filter '%s'\n", now(), filter);
	if (!n) {
		printf("1..0\n");
		printf("Bail out! no test matches the filter '%s'\n", filter);
		return 1;
	}
	leakcheck = !access(KMEMLEAK, F_OK);
	/* boot, the tests, kmemleak, after-tests */
	printf("1..%d\n", 1 + n + leakcheck + 1);

	/*
	 * The boot is judged like a test: a splat there counts, and it
	 * would leave one-shot checkers (lockdep, debugobjects) blind for
	 * the whole run.
	 */
	printf("# test: boot\n");
	checkers_setup();
	inject_boot_splat();
	result(!kernel_problems("# boot: ", "before any test", &state, 200),
	       "boot", NULL);
	/*
	 * With kmemleak, forget what boot left behind: only the tests'
	 * leaks count, in a result of their own after the last test.
	 */
	if (leakcheck && write_file(KMEMLEAK, "clear"))
		printf("# kmemleak: clear: %s\n", strerror(errno));

	for (i = 0; i < n; i++) {
		char path[512];
		double t0 = now(), dt;
		bool timed_out, skipped = false;
		int status, rc, problems;

		snprintf(path, sizeof(path), TEST_DIR "/%s.sh", names[i]);
		printf("# test: %s\n", names[i]);
		status = run_script(path, "# ", script_timeout(path, timeout),
				    &timed_out);
		dt = now() - t0;
		/* Let deferred work (RCU, workqueues) log before we look. */
		usleep(200000);
		problems = kernel_problems("# kernel: ", "during this test",
					   &state, 150);

		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (timed_out) {
			printf("# timed out after %.0fs\n",
			       script_timeout(path, timeout));
		} else if (rc == SKIP_STATUS && skip_reason[0]) {
			skipped = true;
		} else if (rc == SKIP_STATUS) {
			/* set -e passes on any command's status 4 */
			printf("# exit status %d, not from skip() (no \"SKIP:\" line)\n",
			       rc);
		} else if (rc) {
			printf("# exit status %d\n", rc);
		}
		printf("# duration: %.2fs\n", dt);
		result(!timed_out && !problems && (!rc || skipped), names[i],
		       skipped ? skip_reason : NULL);
	}
	if (leakcheck) {
		double t0 = now();
		bool ok;

		printf("# test: kmemleak\n");
		ok = kmemleak_check();
		/* Its own "suspected memory leaks" line fails it anyway. */
		ok = !kernel_problems("# kernel: ", "during the scan", &state,
				      20) && ok;
		printf("# duration: %.2fs\n", now() - t0);
		result(ok, "kmemleak", NULL);
	}
	/*
	 * What the last test left running (RCU callbacks, workqueues,
	 * network namespace cleanup) gets a few seconds to log.
	 */
	printf("# test: after-tests\n");
	sleep(3);
	result(!kernel_problems("# kernel: ", "after the last test", &state,
				150), "after-tests", NULL);
	printf("# Totals: pass:%d fail:%d skip:%d\n", pass, fail, skip);
	return fail ? 1 : 0;
}

/*
 * The demo and the benchmarks: one script, its output straight to the
 * console, a verdict line the host looks for.
 */
static int run_console_script(const char *what, const char *path,
			      const char *ok, const char *failed)
{
	struct checkers state = { .debug_locks = -1 };
	char during[64];
	bool timed_out;
	int status, problems;

	printf("=== vdpa %s (uptime %.2fs) ===\n", what, now());
	checkers_setup();
	problems = kernel_problems("boot: ", "at boot", &state, 50);
	status = run_script(path, "", 3600, &timed_out);
	snprintf(during, sizeof(during), "during the %s", what);
	problems += kernel_problems("kernel: ", during, &state, 150);
	if (!timed_out && WIFEXITED(status) && !WEXITSTATUS(status) && !problems) {
		printf("%s\n", ok);
		return 0;
	}
	printf("%s\n", failed);
	return 1;
}

static int run_bench(void)
{
	const char *name = param("vdpatest.bench", "");
	char path[256];

	if (!*name || strchr(name, '/') ||
	    snprintf(path, sizeof(path), "/bench/%s.sh", name) >= (int)sizeof(path)) {
		printf("=== BENCH FAILED === (bad vdpatest.bench=%s)\n", name);
		return 1;
	}
	return run_console_script("bench", path, "=== BENCH OK ===",
				  "=== BENCH FAILED ===");
}

static void run_shell(void)
{
	pid_t pid = fork();

	if (!pid) {
		/*
		 * /dev/console cannot be a controlling tty: cttyhack opens
		 * the real one (ttyS0) so that job control and ^C work.
		 */
		setsid();
		execl("/bin/busybox", "cttyhack", "/bin/sh", "-l", (char *)NULL);
		_exit(127);
	}
	while (waitpid(-1, NULL, 0) != pid)
		;
}

/* init --classify: the lines of stdin that are splats, for check-harness.sh. */
static int classify(void)
{
	char line[4096];

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		if (is_splat(line))
			printf("%s\n", line);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode;
	int fd;

	compile_patterns();
	if (getpid() != 1 && argc == 2 && !strcmp(argv[1], "--classify"))
		return classify();

	mount_filesystems();
	ensure_console();

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cmdline, sizeof(cmdline) - 1);

		cmdline[n > 0 ? n : 0] = '\0';
		close(fd);
	}

	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/tmp", 1);
	setenv("TMPDIR", "/tmp", 1);
	setenv("TERM", "dumb", 1);
	sethostname("vdpa-vm", 7);

	/*
	 * Keep the kernel's chatter off the console: it would interleave
	 * with KTAP. Splats reach us through /dev/kmsg; oopses and panics
	 * raise the console level themselves, and critical messages (such
	 * as "kernel BUG at", printed just before the oops) still show.
	 */
	write_file("/proc/sys/kernel/printk", "3");
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	mode = param("vdpatest.mode", "test");
	if (!strcmp(mode, "demo"))
		run_console_script("demo", "/demo.sh", "=== DEMO OK ===",
				   "=== DEMO FAILED ===");
	else if (!strcmp(mode, "bench"))
		run_bench();
	else if (!strcmp(mode, "shell"))
		run_shell();
	else
		run_tests();

	printf("# init: powering off (uptime %.2fs)\n", now());
	poweroff();
	return 0;
}
