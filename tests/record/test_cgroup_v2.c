// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_cgroup_v2.c - cgroup v2 ids from the host's cgroup2 mount: the
 * process's own cgroup names the inode of its directory, a missing path is
 * -ENOENT. Skips (77) where no cgroup2 file system is mounted where
 * cgroup_v2_id() looks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup_v2.h"
#include "proc_info.h"

/* The mount point of the cgroup2 file system, from /proc/self/mounts. */
static int cgroup2_mount(char *out, size_t size)
{
	char line[4096], dev[256], dir[1024], type[64];
	FILE *f = fopen("/proc/self/mounts", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %1023s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(out, size, "%s", dir);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static void own_cgroup_is_its_directory_inode(void **state)
{
	char mount[1024], path[4096];
	struct proc_info info;
	struct stat st;
	uint64_t id = 0;

	(void)state;
	assert_true(cgroup2_mount(mount, sizeof(mount)));
	assert_int_equal(proc_info_read(&info, (uint32_t)getpid()), 0);
	assert_non_null(info.cgroup_path);
	snprintf(path, sizeof(path), "%s%s", mount, info.cgroup_path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(cgroup_v2_id(info.cgroup_path, &id), 0);
	assert_int_equal(id, (uint64_t)st.st_ino);
	/* proc_info_read() fills it too; the test proc roots of proc_info_read_at() never do. */
	assert_int_equal(info.cgroup_id, (uint64_t)st.st_ino);
	proc_info_release(&info);
}

static void missing_cgroup_is_enoent(void **state)
{
	uint64_t id = 42;

	(void)state;
	assert_int_equal(cgroup_v2_id("/no-such-cgroup-caprec-test", &id), -ENOENT);
	assert_int_equal(id, 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(own_cgroup_is_its_directory_inode),
		cmocka_unit_test(missing_cgroup_is_enoent),
	};
	char mount[1024];

	if (!cgroup2_mount(mount, sizeof(mount)) ||
	    (strcmp(mount, "/sys/fs/cgroup") && strcmp(mount, "/sys/fs/cgroup/unified"))) {
		printf("SKIP: no cgroup2 file system at /sys/fs/cgroup[/unified] on this host\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
