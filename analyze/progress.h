/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * progress.h - a one-line progress bar on stderr for long loads, shown only
 * when stderr is a terminal (silence in pipes and logs).
 */
#ifndef CAPANALYZE_PROGRESS_H
#define CAPANALYZE_PROGRESS_H

#include <stdint.h>

struct progress;

/*
 * A bar for reading total bytes of label (total 0 = unknown: a byte count).
 * Returns NULL when stderr is not a terminal or memory is short: every
 * function below accepts NULL and then does nothing.
 */
struct progress *progress_new(const char *label, uint64_t total);

/* Matches load_progress_fn: ctx is the struct progress. */
void progress_update(void *ctx, uint64_t done);

/* Erases the bar and frees. */
void progress_free(struct progress *p);

#endif /* CAPANALYZE_PROGRESS_H */
