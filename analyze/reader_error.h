/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reader_error.h - one wording for the format reader's errors, wherever
 * capanalyze reports them (info, replay, load, every report).
 */
#ifndef CAPANALYZE_READER_ERROR_H
#define CAPANALYZE_READER_ERROR_H

#include <stddef.h>

#include "crf_reader.h"

/*
 * Writes "PATH: what went wrong" for status (a negative crf status) and its
 * details e (may be NULL): "not a caprec recording", the system error for
 * I/O, else the status name, the byte offset and the detail.
 */
void reader_error(char *out, size_t size, const char *path, int status,
		  const struct crf_error *e);

#endif /* CAPANALYZE_READER_ERROR_H */
