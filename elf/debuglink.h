/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debuglink.h - finds a stripped binary's separate debug file by the name
 * and CRC-32 its .gnu_debuglink section holds (`objcopy
 * --add-gnu-debuglink`): how gdb finds debug files of binaries built
 * without a build-id, or whose debug file is not installed by build-id.
 *
 * The places, in gdb's order, for a binary at /usr/bin/app linking app.debug:
 *   /usr/bin/app.debug               beside the binary
 *   /usr/bin/.debug/app.debug        its .debug subdirectory
 *   ROOT/usr/bin/app.debug           each debug root + the binary's directory
 *                                    (/usr/lib/debug/usr/bin/app.debug)
 *   ROOT/app.debug                   each debug root itself, when asked: the
 *                                    analysis host has no copy of the
 *                                    recording host's directory tree
 * The link names a file, not a content: a candidate is used only when the
 * CRC-32 of its whole content equals the one stored in the link, so a
 * stale or damaged debug file never names anything.
 *
 * Errors are negative errno values.
 */
#ifndef CAPREC_DEBUGLINK_H
#define CAPREC_DEBUGLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEBUGLINK_NAME_MAX 255 /* longest file name a link may hold */

struct debuglink_search {
	const char *binary_path;  /* where the binary is (or was); "" or NULL: unknown */
	const char *name;         /* the file name the link holds */
	bool beside_binary;       /* try the binary's directory and its .debug/ */
	const char *const *roots; /* debug roots, in order */
	size_t root_count;
	bool root_basename;       /* also ROOT/NAME */
};

/* The CRC-32 (ISO 3309, zlib's crc32) of fd's whole content, read from its start. */
int debuglink_file_crc(int fd, uint32_t *crc);

/*
 * The index-th candidate path of s, in the order above, into out. Returns 0;
 * -ENOENT past the last one; -ENAMETOOLONG when this one does not fit (skip
 * it and go on with index + 1).
 */
int debuglink_candidate(const struct debuglink_search *s, size_t index, char *out, size_t size);

/*
 * Opens the first candidate of s whose content has CRC-32 crc. Returns an
 * open descriptor (the caller closes it) with its path in found; -ENOENT
 * when no candidate exists; -EBADMSG when candidates exist but none has that
 * CRC: rejected then holds the first of them (a stale or damaged debug file,
 * for the caller to name to the user). rejected is "" otherwise, also when a
 * later candidate matched.
 */
int debuglink_open(const struct debuglink_search *s, uint32_t crc, char *found, size_t found_size,
		   char *rejected, size_t rejected_size);

#endif /* CAPREC_DEBUGLINK_H */
