// SPDX-License-Identifier: GPL-2.0-only
/*
 * output_file.c - see output_file.h.
 *
 * caprec runs as root and its -o path often lies in a directory others can
 * write (/tmp). Opening with O_TRUNC would follow a symbolic link planted
 * there into /etc/passwd, write into a FIFO or a device, or keep a file
 * another user created with mode 0666 readable by them. So a recording is
 * always a new inode made by O_CREAT|O_EXCL (which refuses any existing
 * name, a dangling symbolic link included) with mode 0600. Replacing a file
 * (--force) creates the new inode beside it and renames it over the old
 * name: rename() replaces the directory entry and never writes through it,
 * so even a file swapped in between the checks and the rename is not
 * written into. The checks only decide whether replacing is what the user
 * meant: their own regular file, not one another recorder holds.
 */
#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int refuse(char *errbuf, size_t errsize, int err, const char *path, const char *why)
{
	snprintf(errbuf, errsize, "%s: %s", path, why);
	return err;
}

/* A lock every recorder takes on its file: a second one on the same file is told. */
static int lock_recording(int fd)
{
	return flock(fd, LOCK_EX | LOCK_NB) ? -errno : 0;
}

/*
 * Checks what exists at path. Returns 0 when force may replace it, with
 * *held the descriptor whose lock keeps another recorder from starting
 * until the replacement is in place; else the reason in errbuf.
 */
static int check_existing(const char *path, bool force, int *held, char *errbuf, size_t errsize)
{
	struct stat named, opened;
	int fd;

	*held = -1;
	if (lstat(path, &named))
		return refuse(errbuf, errsize, -errno, path, strerror(errno));
	if (S_ISLNK(named.st_mode))
		return refuse(errbuf, errsize, -ELOOP, path,
			      "is a symbolic link: refusing to write through it");
	if (!S_ISREG(named.st_mode))
		return refuse(errbuf, errsize, -EEXIST, path,
			      "exists and is not a regular file: refusing to write into it");
	/* Opened only to test the lock: O_NONBLOCK and O_NOFOLLOW in case it changed since. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return refuse(errbuf, errsize, -errno, path, strerror(errno));
	if (fstat(fd, &opened) || opened.st_dev != named.st_dev || opened.st_ino != named.st_ino ||
	    !S_ISREG(opened.st_mode)) {
		close(fd);
		return refuse(errbuf, errsize, -EAGAIN, path, "changed while being checked");
	}
	if (lock_recording(fd)) {
		close(fd);
		return refuse(errbuf, errsize, -EBUSY, path,
			      "another caprec is recording into this file");
	}
	if (!force) {
		close(fd);
		return refuse(errbuf, errsize, -EEXIST, path,
			      "already exists: caprec never overwrites a file "
			      "(--force replaces a regular file of your own)");
	}
	if (opened.st_uid != geteuid()) {
		close(fd);
		snprintf(errbuf, errsize, "%s: owned by uid %u, not by you: refusing to replace it",
			 path, (unsigned int)opened.st_uid);
		return -EPERM;
	}
	if (opened.st_nlink > 1) {
		close(fd);
		return refuse(errbuf, errsize, -EPERM, path,
			      "has other hard links: refusing to replace it");
	}
	*held = fd;
	return 0;
}

/* --force: a new 0600 file beside path, locked, then renamed over it. */
static int replace(const char *path, char *errbuf, size_t errsize)
{
	char tmp[PATH_MAX];
	int fd, err;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp))
		return refuse(errbuf, errsize, -ENAMETOOLONG, path, "file name too long");
	fd = mkostemp(tmp, O_CLOEXEC); /* O_CREAT|O_EXCL, mode 0600 */
	if (fd < 0)
		return refuse(errbuf, errsize, -errno, path, strerror(errno));
	err = lock_recording(fd);
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		snprintf(errbuf, errsize, "%s: replacing it: %s", path, strerror(-err));
		unlink(tmp);
		close(fd);
		return err;
	}
	return fd;
}

int output_file_create(const char *path, bool force, char *errbuf, size_t errsize)
{
	int fd, err, held;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		err = lock_recording(fd);
		if (err) {
			close(fd);
			return refuse(errbuf, errsize, err, path, strerror(-err));
		}
		return fd;
	}
	if (errno != EEXIST)
		return refuse(errbuf, errsize, -errno, path, strerror(errno));
	err = check_existing(path, force, &held, errbuf, errsize);
	if (err)
		return err;
	fd = replace(path, errbuf, errsize);
	close(held);
	return fd;
}
