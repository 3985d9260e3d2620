/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * completeness.h - whether the recordings behind a verdict are whole.
 *
 * A gate must not pass because checks were never seen: 500,000 lost events
 * and one recorded pass any allow list. policy, check and diff read this
 * first, print what is missing at the top of their output and exit with
 * EXIT_INCOMPLETE unless the user accepts it (--allow-incomplete).
 */
#ifndef REPORTS_COMPLETENESS_H
#define REPORTS_COMPLETENESS_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "strbuf.h"

/* The exit status of policy, check and diff over incomplete recordings. */
#define EXIT_INCOMPLETE 4

struct completeness {
	uint64_t recordings;
	uint64_t lost_events;       /* dropped by the kernel side (LOSS blocks) */
	uint64_t unknown_process;   /* checks whose process record was lost */
	uint64_t lost_process_records; /* fork/exec/exit records dropped (LOSS blocks) */
	uint64_t lost_stacks;       /* stacks not taken (LOSS blocks): a note, not a gap */
	uint64_t unresolved_refs;   /* references to definitions that were never read */
	uint64_t truncated;         /* recordings that end inside a block */
	uint64_t damaged;           /* damaged regions skipped */
	uint64_t no_end;            /* recordings without an end block */
};

/* Returns 0 or a positive SQLite code. */
int completeness_read(sqlite3 *db, struct completeness *out);

bool completeness_whole(const struct completeness *c);

/*
 * Appends one line per problem, each starting with "incomplete: ", for the
 * top of a report, then "note: " lines for what is lost without making the
 * verdict incomplete (stacks not taken). Appends nothing when nothing was lost.
 */
void completeness_describe(const struct completeness *c, struct strbuf *sb);

#endif /* REPORTS_COMPLETENESS_H */
