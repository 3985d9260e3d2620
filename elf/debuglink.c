// SPDX-License-Identifier: GPL-2.0-only
/*
 * debuglink.c - the places a .gnu_debuglink names, and the CRC-32 check of
 * what is found there (see debuglink.h).
 */
#include "debuglink.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

int debuglink_file_crc(int fd, uint32_t *crc)
{
	unsigned char buf[64 * 1024];
	uLong sum = crc32(0L, Z_NULL, 0);
	off_t at = 0;

	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), at);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!n)
			break;
		sum = crc32(sum, buf, (uInt)n);
		at += n;
	}
	*crc = (uint32_t)sum;
	return 0;
}

/* Length of the directory part of path, without the last slash; 0 for "/x" or "x". */
static size_t dir_length(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? (size_t)(slash - path) : 0;
}

static int put(char *out, size_t size, const char *fmt, int dir_len, const char *dir,
	       const char *name)
{
	int n = snprintf(out, size, fmt, dir_len, dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int put_root(char *out, size_t size, const char *root, int dir_len, const char *dir,
		    const char *name)
{
	int n = snprintf(out, size, "%s%.*s/%s", root, dir_len, dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int debuglink_candidate(const struct debuglink_search *s, size_t index, char *out, size_t size)
{
	const char *bin = s->binary_path ? s->binary_path : "";
	bool has_dir = bin[0] == '/';
	int dir_len = has_dir ? (int)dir_length(bin) : 0;
	size_t per_root = s->root_basename ? 2 : 1;

	if (!s->name || !s->name[0] || strchr(s->name, '/'))
		return -ENOENT; /* a link names a file in a directory, never a path */
	if (s->beside_binary && has_dir) {
		if (index == 0)
			return put(out, size, "%.*s/%s", dir_len, bin, s->name);
		if (index == 1)
			return put(out, size, "%.*s/.debug/%s", dir_len, bin, s->name);
		index -= 2;
	}
	if (index / per_root >= s->root_count)
		return -ENOENT;
	if (index % per_root == 0) {
		/* Without the recorded directory, ROOT + dir is ROOT/NAME: tried once, below. */
		if (!has_dir)
			return -ENAMETOOLONG;
		return put_root(out, size, s->roots[index / per_root], dir_len, bin, s->name);
	}
	return put_root(out, size, s->roots[index / per_root], 0, "", s->name);
}

int debuglink_open(const struct debuglink_search *s, uint32_t crc, char *found, size_t found_size,
		   char *rejected, size_t rejected_size)
{
	char path[PATH_MAX];
	bool any = false;
	int err;

	if (rejected_size)
		rejected[0] = '\0';
	for (size_t i = 0; (err = debuglink_candidate(s, i, path, sizeof(path))) != -ENOENT; i++) {
		struct stat st;
		uint32_t got;
		int fd;

		if (err)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* A link named "." or "..", or a device: not a debug file, and not worth reading. */
		if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
			close(fd);
			continue;
		}
		if (debuglink_file_crc(fd, &got) || got != crc) {
			if (!any && rejected_size)
				snprintf(rejected, rejected_size, "%s", path);
			any = true;
			close(fd);
			continue;
		}
		/* A stale copy earlier in the order does not matter once the right one is found. */
		if (rejected_size)
			rejected[0] = '\0';
		if (found_size)
			snprintf(found, found_size, "%s", path);
		return fd;
	}
	return any ? -EBADMSG : -ENOENT;
}
