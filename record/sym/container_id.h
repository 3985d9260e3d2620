/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * container_id.h - names the container (or systemd service) a process runs
 * in, from its cgroup v2 path alone. Part of proc_info; a pure function so it
 * can be tested on a table of real-world paths.
 *
 * Results, first match wins, path components read from the innermost out:
 *   "docker:<id>"      docker-<id>.scope, /docker/<id>
 *   "containerd:<id>"  cri-containerd-<id>.scope (the CRI plugin, systemd driver)
 *   "crio:<id>"        crio-<id>.scope
 *   "podman:<id>"      libpod-<id>.scope, /libpod_parent/libpod-<id>
 *   "lxc:<name>"       /lxc.payload.<name>, /lxc/<name>
 * then, when no runtime names the container:
 *   "kubepods:<pod uid>[/<container id>]"  kubepods pod cgroups (systemd or
 *                      cgroupfs driver; underscores in the uid become dashes)
 *   "systemd:<unit>"   the innermost component ending in ".service"
 * <id> is the 64-hex container id as written in the path.
 */
#ifndef CAPREC_CONTAINER_ID_H
#define CAPREC_CONTAINER_ID_H

#include <stddef.h>

/*
 * Writes the container id of cgroup_path into out (NUL-terminated).
 * Returns 1 when found, 0 when the path names no container or service (out
 * is then ""), -ENOSPC when out_size is too small, -EINVAL for NULL input.
 */
int container_id_from_cgroup(const char *cgroup_path, char *out, size_t out_size);

/* Large enough for every result of container_id_from_cgroup(). */
#define CONTAINER_ID_MAX 256

#endif /* CAPREC_CONTAINER_ID_H */
