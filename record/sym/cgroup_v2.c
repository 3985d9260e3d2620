// SPDX-License-Identifier: GPL-2.0-only
/* cgroup_v2.c - a cgroup v2 directory's id (see cgroup_v2.h). */
#include "cgroup_v2.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

/* Where systemd mounts the unified hierarchy: pure v2, then the hybrid layout. */
static const char *const cgroup_v2_mounts[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

int cgroup_v2_id(const char *cgroup_path, uint64_t *id)
{
	char path[PATH_MAX];
	struct statfs fs;
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(cgroup_v2_mounts) / sizeof(cgroup_v2_mounts[0]); i++) {
		if (snprintf(path, sizeof(path), "%s%s", cgroup_v2_mounts[i], cgroup_path) >=
		    (int)sizeof(path))
			return -ENOENT;
		/* The file system type first: a v1 hierarchy has its own inode numbers. */
		if (statfs(path, &fs) || fs.f_type != CGROUP2_SUPER_MAGIC)
			continue;
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		*id = st.st_ino;
		return 0;
	}
	return -ENOENT;
}
