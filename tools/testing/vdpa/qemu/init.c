// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the vDPA test VM.
 *
 * Mounts the usual filesystems, then, depending on vdpatest.mode= on the
 * kernel command line:
 *   test (default)  runs /tests/NN-*.sh (filtered by vdpatest.filter=) one
 *                   by one and prints KTAP; a test also fails when it made
 *                   the kernel log a splat (BUG, WARNING, KASAN, lockdep,
 *                   ...); on a kernel with kmemleak, a last result says
 *                   whether the tests leaked memory;
 *   demo            runs /demo.sh straight to the console;
 *   bench           runs /bench/NAME.sh (vdpatest.bench=NAME) the same way;
 *   shell           gives a shell on the console.
 * and powers the VM off.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <poll.h>
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
 * matching one of these means the kernel hit a bug while the test ran.
 * Most checkers of the debug kernel start their report with "BUG:" or
 * "WARNING:"; the longer patterns name them so that they stay caught
 * should one change its first line.
 */
static const char * const splat[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "Call Trace",
	"BUG: KASAN", "KASAN", "UBSAN:", "UBSAN",
	"WARNING: possible circular locking", "possible circular", "lockdep",
	"kmemleak", "ODEBUG", "list_add corruption", "list_del corruption",
	"blocked for more than", "self-detected stall", "detected stalls",
};

/* Lines that match the patterns above but report no problem. */
static const char * const benign[] = {
	"kmemleak: Kernel memory leak detector initialized",
	"RCU lockdep checking is enabled",
};

static int kmsg_fd = -1;

static bool is_splat(const char *msg)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(benign); i++)
		if (strstr(msg, benign[i]))
			return false;
	for (i = 0; i < ARRAY_SIZE(splat); i++)
		if (strstr(msg, splat[i]))
			return true;
	return false;
}

/*
 * Read the records the kernel logged since the last call. Print them as
 * KTAP diagnostics from the first splat on (the splat and its trace), at
 * most max_lines of them. Returns the number of splat lines seen.
 */
static int kmsg_scan(const char *prefix, int max_lines)
{
	char rec[8192];
	int hits = 0, printed = 0;

	if (kmsg_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(kmsg_fd, rec, sizeof(rec) - 1);
		unsigned long long usec = 0;
		char *msg, *nl;

		if (n < 0) {
			if (errno == EPIPE)	/* overwritten: go on */
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
		if (sscanf(rec, "%*u,%*u,%llu", &usec) != 1)
			usec = 0;
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

static int run_tests(void)
{
	char *names[MAX_TESTS];
	const char *filter = param("vdpatest.filter", "");
	double timeout = atof(param("vdpatest.timeout", "600"));
	int n, i, pass = 0, fail = 0, skip = 0;
	bool leakcheck;

	n = find_tests(names, filter);
	printf("KTAP version 1\n");
	printf("# vdpa test suite, uptime %.2fs, filter '%s'\n", now(), filter);
	if (kmsg_scan("# boot: ", 200))
		printf("# boot: the kernel log had splats before any test ran\n");
	/*
	 * With kmemleak, forget what boot left behind: only the tests'
	 * leaks count, in a result of their own after the last test.
	 */
	leakcheck = !write_file(KMEMLEAK, "clear");
	printf("1..%d\n", n + leakcheck);

	for (i = 0; i < n; i++) {
		char path[512];
		double t0 = now(), dt;
		bool timed_out;
		int status, rc, splats;

		snprintf(path, sizeof(path), TEST_DIR "/%s.sh", names[i]);
		printf("# test: %s\n", names[i]);
		status = run_script(path, "# ", timeout, &timed_out);
		dt = now() - t0;
		/* Let deferred work (RCU, workqueues) log before we look. */
		usleep(200000);
		splats = kmsg_scan("# kernel: ", 150);

		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (timed_out)
			printf("# timed out after %.0fs\n", timeout);
		else if (rc && rc != SKIP_STATUS)
			printf("# exit status %d\n", rc);
		if (splats)
			printf("# kernel log: %d splat line(s) during this test\n",
			       splats);
		printf("# duration: %.2fs\n", dt);

		if (!timed_out && !splats && rc == 0) {
			printf("ok %d %s\n", i + 1, names[i]);
			pass++;
		} else if (!timed_out && !splats && rc == SKIP_STATUS) {
			printf("ok %d %s # SKIP %s\n", i + 1, names[i],
			       skip_reason);
			skip++;
		} else {
			printf("not ok %d %s\n", i + 1, names[i]);
			fail++;
		}
	}
	if (leakcheck) {
		double t0 = now();
		bool ok;

		printf("# test: kmemleak\n");
		ok = kmemleak_check();
		kmsg_scan("# kernel: ", 20);
		printf("# duration: %.2fs\n", now() - t0);
		printf("%sok %d kmemleak\n", ok ? "" : "not ", n + 1);
		if (ok)
			pass++;
		else
			fail++;
	}
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
	bool timed_out;
	int status, splats;

	printf("=== vdpa %s (uptime %.2fs) ===\n", what, now());
	kmsg_scan("boot: ", 50);
	status = run_script(path, "", 3600, &timed_out);
	splats = kmsg_scan("kernel: ", 150);
	if (splats)
		printf("kernel log: %d splat line(s) during the %s\n", splats,
		       what);
	if (!timed_out && WIFEXITED(status) && !WEXITSTATUS(status) && !splats) {
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

int main(void)
{
	const char *mode;
	int fd;

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
