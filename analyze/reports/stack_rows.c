// SPDX-License-Identifier: GPL-2.0-only
/* stack_rows.c - filtered, weighted stacks for folded and flamegraph (see stack_rows.h). */
#include "stack_rows.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_set.h"
#include "stack_frames.h"
#include "strbuf.h"

/* One extra each for the executable and the capability. */
#define MAX_FRAMES (2 * 256 + 2)

static const char stack_rows_sql[] =
	"SELECT a.exe_path, a.cap, a.verdict, a.user_stack_id, a.kernel_stack_id, "
	"sum(a.count) FROM check_aggregate a WHERE " REPORT_FILTER_WHERE " "
	"GROUP BY a.exe_path, a.cap, a.verdict, a.user_stack_id, a.kernel_stack_id "
	"ORDER BY a.cap, a.exe_path, a.verdict, a.user_stack_id, a.kernel_stack_id";

/* Kernel frame names with the suffix, kept for the duration of one row. */
struct kernel_names {
	char *names[MAX_FRAMES];
	size_t count;
};

static void kernel_names_clear(struct kernel_names *k)
{
	for (size_t i = 0; i < k->count; i++)
		free(k->names[i]);
	k->count = 0;
}

static int emit_row(sqlite3_stmt *stmt, struct stack_frames *user, struct stack_frames *kernel,
		    struct kernel_names *knames, stack_row_fn fn, void *ctx)
{
	const char *frames[MAX_FRAMES];
	const char *const *names;
	const char *exe = (const char *)sqlite3_column_text(stmt, 0);
	const char *verdict = (const char *)sqlite3_column_text(stmt, 2);
	int cap = sqlite3_column_int(stmt, 1);
	char cap_name[48], leaf[64];
	size_t depth = 0, n;
	int rc;

	frames[depth++] = exe && *exe ? exe : "[unknown]";
	rc = stack_frames_read(user, sqlite3_column_int64(stmt, 3), &names, &n, NULL);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && depth < MAX_FRAMES - 1; i++)
		frames[depth++] = names[i];
	rc = stack_frames_read(kernel, sqlite3_column_int64(stmt, 4), &names, &n, NULL);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && depth < MAX_FRAMES - 1; i++) {
		size_t len = strlen(names[i]);
		char *name = malloc(len + 5);

		if (!name)
			return -ENOMEM;
		memcpy(name, names[i], len);
		memcpy(name + len, "_[k]", 5);
		knames->names[knames->count++] = name;
		frames[depth++] = name;
	}
	cap_format(cap, cap_name, sizeof(cap_name));
	snprintf(leaf, sizeof(leaf), "%s%s", cap_name,
		 verdict && !strcmp(verdict, "denied") ? ":denied" : "");
	frames[depth++] = leaf;
	return fn(ctx, frames, depth, (uint64_t)sqlite3_column_int64(stmt, 5), cap);
}

int stack_rows_walk(sqlite3 *db, const struct report_filter *filter, stack_row_fn fn, void *ctx)
{
	struct stack_frames *user = NULL, *kernel = NULL;
	struct kernel_names knames = { .count = 0 };
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, stack_rows_sql, -1, &stmt, NULL);
	if (!rc)
		rc = report_filter_bind(filter, stmt);
	if (!rc)
		rc = stack_frames_new(db, &user);
	if (!rc)
		rc = stack_frames_new(db, &kernel);
	if (rc)
		goto cleanup;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		rc = emit_row(stmt, user, kernel, &knames, fn, ctx);
		kernel_names_clear(&knames);
		if (rc)
			goto cleanup;
	}
	rc = rc == SQLITE_DONE ? 0 : rc;
cleanup:
	kernel_names_clear(&knames);
	stack_frames_free(user);
	stack_frames_free(kernel);
	sqlite3_finalize(stmt);
	return rc;
}
