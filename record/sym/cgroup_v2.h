/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroup_v2.h - the id of a cgroup v2 directory, as BPF's
 * bpf_get_current_cgroup_id() names it: the directory's inode number.
 * Lets a process seen only through /proc (caprec's own -- CMD runner, a -p
 * process before its first check) carry the same cgroup id as its checks.
 */
#ifndef CAPREC_CGROUP_V2_H
#define CAPREC_CGROUP_V2_H

#include <stdint.h>

/*
 * *id of cgroup_path ("/system.slice/x.service", as the "0::" line of
 * /proc/PID/cgroup shows it) under the cgroup v2 mount at /sys/fs/cgroup
 * (or /sys/fs/cgroup/unified on hybrid systems). Returns 0, or -ENOENT when
 * no cgroup v2 file system holds that path (the cgroup is gone, or cgroup v2
 * is mounted elsewhere).
 */
int cgroup_v2_id(const char *cgroup_path, uint64_t *id);

#endif /* CAPREC_CGROUP_V2_H */
