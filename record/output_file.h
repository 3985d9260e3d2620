/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output_file.h - creating one recording file (-o FILE and its rotation
 * parts) so that nobody else can steer where a root recorder writes.
 */
#ifndef CAPREC_OUTPUT_FILE_H
#define CAPREC_OUTPUT_FILE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Creates path as a new file of mode 0600 owned by the caller and locks it
 * (flock, held while the descriptor is open) so a second recorder on the
 * same path is refused. Never follows a symbolic link, never writes into an
 * existing file: an existing path is refused, or with force, when it is the
 * caller's own unlocked regular file with no other link, replaced by a new
 * file (created beside it, then renamed over it). Returns the descriptor,
 * or a negative errno with a one-line reason naming path in errbuf.
 */
int output_file_create(const char *path, bool force, char *errbuf, size_t errsize);

#endif /* CAPREC_OUTPUT_FILE_H */
