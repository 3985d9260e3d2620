/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * stack_rows.h - the weighted stacks behind folded and flamegraph.
 *
 * Each row of check_aggregate that passes the filter becomes one stack,
 * root first:
 *
 *   executable path ; user frames (outermost first) ;
 *   kernel frames (outermost first), each with the suffix "_[k]" ;
 *   the capability ("CAP_CHOWN", or "CAP_CHOWN:denied" for a denied check)
 *
 * weighted by its check count. The capability is the leaf because the check
 * is what the innermost kernel frame (cap_capable) did; a flame graph then
 * shows each capability as the tip of the code paths that asked for it.
 */
#ifndef REPORTS_STACK_ROWS_H
#define REPORTS_STACK_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "report_filter.h"

/* Gets frames[0..depth) (valid during the call), the weight and the capability number. */
typedef int (*stack_row_fn)(void *ctx, const char *const *frames, size_t depth, uint64_t count,
			    int cap);

/*
 * Calls fn for every stack that passes the filter, in a stable order.
 * Returns 0, fn's first non-zero return, -ENOMEM, or a positive SQLite code
 * (sqlite3_errmsg(db) says why).
 */
int stack_rows_walk(sqlite3 *db, const struct report_filter *filter, stack_row_fn fn, void *ctx);

#endif /* REPORTS_STACK_ROWS_H */
