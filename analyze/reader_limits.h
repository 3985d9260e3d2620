/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reader_limits.h - the resource budget every recording capanalyze reads is
 * held to (FORMAT.md "Reader limits": decompressed bytes, expansion,
 * events, definitions, ids ahead), the format library's defaults unless
 * the user raised one with --reader-limit NAME=N. One set per process: a
 * command reads its recordings under the same limits wherever it opens them
 * (load, the cache, info, replay).
 */
#ifndef CAPANALYZE_READER_LIMITS_H
#define CAPANALYZE_READER_LIMITS_H

#include <stddef.h>

#include "crf_reader.h"

/*
 * Parses "NAME=N" (N a count with an optional K, M, G or T suffix, powers
 * of 1024, or "none" for no limit) and sets that limit. NAME is one of
 * decompressed-bytes, expansion, events, definitions, ids-ahead. Returns 0,
 * or -1 with a one-line message in err.
 */
int reader_limits_set(const char *spec, char *err, size_t err_size);

/* Applies the limits to a reader just opened. Returns its status (CRF_OK). */
int reader_limits_apply(struct crf_reader *r);

/*
 * The option that raises the limit a CRF_ERR_LIMIT detail names
 * ("--reader-limit events=N"), or NULL when it names none.
 */
const char *reader_limits_hint(const char *detail);

#endif /* CAPANALYZE_READER_LIMITS_H */
