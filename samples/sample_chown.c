// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_chown - gives a file it created to another user (uid 65534; 65533 when run as 65534).
 *
 * Capabilities it must produce (one check, from sample_chown_foreign_file):
 *   cap      CAP_CHOWN (0)
 *   syscall  fchownat (x86-64: 260)
 *   kernel   do_fchownat -> chown_common -> notify_change -> chown_ok
 *            -> capable_wrt_inode_uidgid -> ns_capable -> security_capable -> cap_capable
 *   audit    yes (not INSETID)
 *   verdict  root: granted (ret 0); --uid 1000 or --drop cap_chown: denied (ret -EPERM)
 * The file lives in a fresh private directory, so removing it afterwards
 * makes no further capability check (no sticky-bit directory involved).
 *
 * Usage: sample_chown [--uid UID] [--drop CAP]... [--wait]
 */
#include "sample_common.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FOREIGN_UID 65534

SAMPLE_NOINLINE long sample_chown_foreign_file(const char *path, long new_owner)
{
	long result = raw_syscall4(SYS_fchownat, AT_FDCWD, path, new_owner, -1);

	return sample_keep_frame(result);
}

int main(int argc, char **argv)
{
	struct sample_options opts;
	char dir[] = "/tmp/sample_chown.XXXXXX";
	char path[sizeof(dir) + 16];
	int exit_code = 1;
	long result;
	int fd, err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	err = sample_apply_options(&opts);
	if (err) {
		fprintf(stderr, "sample_chown: cannot apply options: %s\n", strerror(-err));
		return 1;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "sample_chown: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0600);
	if (fd < 0) {
		fprintf(stderr, "sample_chown: %s: %s\n", path, strerror(errno));
		goto cleanup;
	}
	close(fd);

	/* Giving a file to its owner makes no check: the new owner must differ from us. */
	result = sample_chown_foreign_file(path, geteuid() == FOREIGN_UID ? FOREIGN_UID - 1
									   : FOREIGN_UID);
	sample_report("sample_chown_foreign_file", 0, "fchownat", SYS_fchownat, result);
	exit_code = 0;
cleanup:
	unlink(path);
	rmdir(dir);
	return exit_code;
}
