/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Make the N-th fault-injection point one syscall reaches fail, through
 * /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION; the debug kernel
 * enables failslab for it). A test raises N from 1 until the call no longer
 * reaches an N-th point: then every allocation on the path has failed once.
 *
 * The file is opened before arming, because opening it allocates; reading
 * and writing it do not.
 */
#ifndef _VDPA_TEST_FAIL_NTH_H
#define _VDPA_TEST_FAIL_NTH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fail_nth_fd = -1;

/* Arm for the next call if $VDPA_FAIL_NTH is set; returns whether armed. */
static inline int fail_nth_arm(void)
{
	const char *n = getenv("VDPA_FAIL_NTH");

	if (!n || !*n)
		return 0;
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fail_nth_fd < 0 || pwrite(fail_nth_fd, n, strlen(n), 0) < 0) {
		perror("fail-nth");
		exit(2);
	}
	return 1;
}

/*
 * Disarm after the call, and say on stderr whether the fault was injected
 * ("fail-nth: injected") or the call reached fewer points ("fail-nth: not
 * reached"). Returns 1 if injected.
 */
static inline int fail_nth_disarm(void)
{
	char buf[16] = "";
	int hit;

	if (fail_nth_fd < 0)
		return 0;
	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0 ||
	    pwrite(fail_nth_fd, "0", 1, 0) < 0) {
		perror("fail-nth");
		exit(2);
	}
	close(fail_nth_fd);
	fail_nth_fd = -1;
	hit = atoi(buf) == 0;
	fprintf(stderr, "fail-nth: %s\n", hit ? "injected" : "not reached");
	return hit;
}

#endif /* _VDPA_TEST_FAIL_NTH_H */
