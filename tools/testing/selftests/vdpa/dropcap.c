// SPDX-License-Identifier: GPL-2.0
/*
 * dropcap: run a command with no capabilities at all, still as uid 0.
 *
 *   dropcap CMD [ARG]...
 *
 * Lets the tests check that privileged vdpa netlink commands are refused
 * for lack of CAP_NET_ADMIN (and not merely for lack of uid 0). busybox has
 * no capsh, hence this.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <linux/securebits.h>

int main(int argc, char *argv[])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
	int cap;

	if (argc < 2) {
		fprintf(stderr, "usage: dropcap CMD [ARG]...\n");
		return 2;
	}

	/*
	 * uid 0 regains every capability on execve() unless NOROOT is set;
	 * lock it so the command cannot undo it.
	 */
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
		  SECBIT_NO_SETUID_FIXUP | SECBIT_NO_SETUID_FIXUP_LOCKED |
		  SECBIT_KEEP_CAPS_LOCKED, 0, 0, 0)) {
		perror("dropcap: PR_SET_SECUREBITS");
		return 1;
	}
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
			perror("dropcap: PR_CAPBSET_DROP");
			return 1;
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) &&
	    errno != EINVAL) {
		perror("dropcap: PR_CAP_AMBIENT_CLEAR_ALL");
		return 1;
	}
	/* Empty effective, permitted and inheritable sets. */
	if (syscall(SYS_capset, &hdr, data)) {
		perror("dropcap: capset");
		return 1;
	}

	execvp(argv[1], argv + 1);
	fprintf(stderr, "dropcap: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
