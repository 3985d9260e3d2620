// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc_info.c - reads a process's identity from /proc/PID/{stat,status,exe,
 * cmdline,cgroup}.
 */
#include "proc_info.h"
#include "cgroup_v2.h"
#include "container_id.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* /proc files read whole are small; a bound keeps a hostile cmdline from costing much. */
#define PROC_FILE_MAX (64u << 10)

/*
 * Reads at most max bytes of path into a new NUL-terminated buffer.
 * Returns the length read or a negative errno.
 */
static ssize_t read_small_file(const char *path, size_t max, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = NULL, *p;
	ssize_t n, ret;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(cap + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto cleanup;
	}
	for (;;) {
		if (len == cap && cap < max) {
			cap = cap * 2 < max ? cap * 2 : max;
			p = realloc(buf, cap + 1);
			if (!p) {
				ret = -ENOMEM;
				goto cleanup;
			}
			buf = p;
		}
		if (len == cap)
			break;
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto cleanup;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	ret = (ssize_t)len;
cleanup:
	free(buf);
	close(fd);
	return ret;
}

/*
 * Appends byte c to out (capacity cap, length *len) escaped: printable ASCII
 * except backslash as is, everything else as \xHH. Returns 0, or -ENOSPC when
 * the escaped byte would not fit with room left for reserve more bytes and a NUL.
 */
static int put_escaped(char *out, size_t cap, size_t *len, unsigned char c, size_t reserve)
{
	char tmp[5];
	size_t n;

	if (c >= 0x20 && c < 0x7f && c != '\\') {
		tmp[0] = (char)c;
		n = 1;
	} else if (c == '\\') {
		tmp[0] = '\\';
		tmp[1] = '\\';
		n = 2;
	} else {
		snprintf(tmp, sizeof(tmp), "\\x%02x", c);
		n = 4;
	}
	if (*len + n + reserve + 1 > cap)
		return -ENOSPC;
	memcpy(out + *len, tmp, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

int proc_info_parse_stat(struct proc_info *info, const char *stat_text)
{
	const char *open_paren, *close_paren, *p;
	unsigned long long pid, value = 0;
	size_t comm_len = 0, field;
	char *end;

	open_paren = strchr(stat_text, '(');
	close_paren = strrchr(stat_text, ')'); /* comm may itself contain ')' */
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -EINVAL;
	errno = 0;
	pid = strtoull(stat_text, &end, 10);
	if (errno || end == stat_text || pid > UINT32_MAX)
		return -EINVAL;
	info->pid = (uint32_t)pid;
	info->comm[0] = '\0';
	for (p = open_paren + 1; p < close_paren; p++)
		if (put_escaped(info->comm, sizeof(info->comm), &comm_len, (unsigned char)*p, 0))
			break;

	/*
	 * Field 3 (state) follows ") "; ppid is field 4, starttime 22, then
	 * startcode 26 and endcode 27, which old or crafted files may lack.
	 */
	info->start_code = 0;
	info->end_code = 0;
	p = close_paren + 1;
	for (field = 3; field <= 27; field++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n') {
			if (field <= 22)
				return -EINVAL;
			break;
		}
		if (field == 4 || field == 22 || field == 26 || field == 27) {
			errno = 0;
			value = strtoull(p, &end, 10);
			if (errno || end == p)
				return -EINVAL;
			if (field == 4 && value > UINT32_MAX)
				return -EINVAL;
			if (field == 4)
				info->ppid = (uint32_t)value;
			else if (field == 22)
				info->start_ticks = value;
			/* 1 stands for "hidden from you" (no ptrace access): unknown. */
			else if (field == 26)
				info->start_code = value > 1 ? value : 0;
			else
				info->end_code = value > 1 ? value : 0;
		}
		p += strcspn(p, " \n");
	}
	if (info->end_code <= info->start_code)
		info->start_code = info->end_code = 0;
	info->start_time_ns = info->start_ticks * (1000000000ull / proc_info_ticks_per_second());
	return 0;
}

uint64_t proc_info_ticks_per_second(void)
{
	static uint64_t ticks;

	if (!ticks) {
		long t = sysconf(_SC_CLK_TCK);

		ticks = t > 0 ? (uint64_t)t : 100;
	}
	return ticks;
}

bool proc_info_start_matches(uint64_t start_time_ns, uint64_t start_ticks)
{
	return start_time_ns / (1000000000ull / proc_info_ticks_per_second()) == start_ticks;
}

static int read_stat(const char *proc_root, uint32_t pid, struct proc_info *info)
{
	char path[PATH_MAX], *text = NULL;
	ssize_t n;
	int err;

	snprintf(path, sizeof(path), "%s/%" PRIu32 "/stat", proc_root, pid);
	n = read_small_file(path, PROC_FILE_MAX, &text);
	if (n == -ENOENT)
		return -ESRCH;
	if (n < 0)
		return (int)n;
	err = proc_info_parse_stat(info, text);
	free(text);
	return err;
}

int proc_info_start_ticks(uint32_t pid, uint64_t *ticks)
{
	struct proc_info info = { 0 };
	int err;

	err = read_stat("/proc", pid, &info);
	if (err == -ESRCH)
		return -ENOENT;
	if (err)
		return err;
	*ticks = info.start_ticks;
	return 0;
}

static int read_uid(const char *proc_root, uint32_t pid, uint32_t *uid)
{
	char path[PATH_MAX], *text = NULL, *line;
	unsigned long value;
	ssize_t n;
	int err = -EINVAL;

	snprintf(path, sizeof(path), "%s/%" PRIu32 "/status", proc_root, pid);
	n = read_small_file(path, PROC_FILE_MAX, &text);
	if (n < 0)
		return (int)n;
	for (line = text; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, "Uid:", 4))
			continue;
		errno = 0;
		value = strtoul(line + 4, NULL, 10); /* real, effective, saved, fs: the first */
		if (!errno && value <= UINT32_MAX) {
			*uid = (uint32_t)value;
			err = 0;
		}
		break;
	}
	free(text);
	return err;
}

/* Returns 0 with *out NULL when the link cannot be read (kernel thread, permission). */
static int read_exe(const char *proc_root, uint32_t pid, char **out)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/exe", proc_root, pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	*out = strdup(target);
	return *out ? 0 : -ENOMEM;
}

/* Arguments joined by spaces, escaped, at most PROC_INFO_CMDLINE_MAX bytes with the NUL. */
static int read_cmdline(const char *proc_root, uint32_t pid, char **out)
{
	static const char ellipsis[] = "...";
	char path[PATH_MAX], *raw = NULL, *text = NULL;
	size_t len = 0, i;
	ssize_t n;
	int err = 0;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/cmdline", proc_root, pid);
	n = read_small_file(path, PROC_INFO_CMDLINE_MAX * 2, &raw);
	if (n <= 0)
		goto cleanup; /* kernel threads have an empty cmdline: no command line */
	while (n > 0 && raw[n - 1] == '\0')
		n--;
	text = malloc(PROC_INFO_CMDLINE_MAX);
	if (!text) {
		err = -ENOMEM;
		goto cleanup;
	}
	text[0] = '\0';
	for (i = 0; i < (size_t)n; i++) {
		unsigned char c = raw[i] ? (unsigned char)raw[i] : ' ';

		if (put_escaped(text, PROC_INFO_CMDLINE_MAX, &len, c, sizeof(ellipsis) - 1)) {
			memcpy(text + len, ellipsis, sizeof(ellipsis));
			break;
		}
	}
	*out = text;
	text = NULL;
cleanup:
	free(raw);
	free(text);
	return err;
}

/*
 * The cgroup v2 line "0::/path"; on a v1-only system, the name=systemd
 * hierarchy. *is_v2 tells which.
 */
static int read_cgroup(const char *proc_root, uint32_t pid, char **out, bool *is_v2)
{
	char path[PATH_MAX], *text = NULL, *line, *found = NULL;
	ssize_t n;
	size_t len;

	*out = NULL;
	*is_v2 = false;
	snprintf(path, sizeof(path), "%s/%" PRIu32 "/cgroup", proc_root, pid);
	n = read_small_file(path, PROC_FILE_MAX, &text);
	if (n <= 0) {
		free(text);
		return 0;
	}
	/* Lines are "hierarchy-id:controllers:path". */
	for (line = text; *line; line += len + (line[len] == '\n')) {
		char *controllers = memchr(line, ':', strcspn(line, "\n"));

		len = strcspn(line, "\n");
		if (!strncmp(line, "0::", 3)) {
			found = line + 3;
			*is_v2 = true;
			break;
		}
		if (!found && controllers && !strncmp(controllers, ":name=systemd:", 14))
			found = controllers + 14;
	}
	if (found) {
		found[strcspn(found, "\n")] = '\0';
		*out = strdup(found);
	}
	free(text);
	return found && !*out ? -ENOMEM : 0;
}

/* The cgroup v2 id is read from this host's cgroup mount: only with the real /proc. */
static int read_at(struct proc_info *info, const char *proc_root, uint32_t pid,
		   bool want_cgroup_id)
{
	char container[CONTAINER_ID_MAX];
	bool is_v2;
	int err;

	memset(info, 0, sizeof(*info));
	err = read_stat(proc_root, pid, info);
	if (err)
		goto cleanup;
	/* Optional fields: a process may exit between reads, or hide them from us. */
	if (read_uid(proc_root, pid, &info->uid))
		info->uid = PROC_INFO_UID_UNKNOWN;
	err = read_exe(proc_root, pid, &info->exe_path);
	if (err)
		goto cleanup;
	err = read_cmdline(proc_root, pid, &info->cmdline);
	if (err)
		goto cleanup;
	err = read_cgroup(proc_root, pid, &info->cgroup_path, &is_v2);
	if (err)
		goto cleanup;
	if (want_cgroup_id && is_v2 && info->cgroup_path &&
	    cgroup_v2_id(info->cgroup_path, &info->cgroup_id))
		info->cgroup_id = 0;
	if (info->cgroup_path &&
	    container_id_from_cgroup(info->cgroup_path, container, sizeof(container)) > 0) {
		info->container_id = strdup(container);
		if (!info->container_id) {
			err = -ENOMEM;
			goto cleanup;
		}
	}
	return 0;
cleanup:
	proc_info_release(info);
	return err;
}

int proc_info_read_at(struct proc_info *info, const char *proc_root, uint32_t pid)
{
	return read_at(info, proc_root, pid, false);
}

int proc_info_read(struct proc_info *info, uint32_t pid)
{
	return read_at(info, "/proc", pid, true);
}

void proc_info_release(struct proc_info *info)
{
	if (!info)
		return;
	free(info->exe_path);
	free(info->cmdline);
	free(info->cgroup_path);
	free(info->container_id);
	memset(info, 0, sizeof(*info));
}
