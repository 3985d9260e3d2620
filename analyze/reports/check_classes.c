// SPDX-License-Identifier: GPL-2.0-only
/* check_classes.c - classifying capability checks for policy and check (see check_classes.h). */
#include "check_classes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "syscall_names.h"

#define STR(x) #x
#define XSTR(x) STR(x)

/*
 * %s is the group expression, chosen by this file from a fixed list (never
 * user text). policy_aggregate holds the events already grouped with what
 * the rules need: the loader marked the checks of process images that later
 * exec'd (pre_exec) and kept each row's cgroup and container. Its exe_path
 * is processes.exe_path, where the loader already gave a forked child that
 * never exec'd its parent's path.
 */
static const char classes_sql[] =
	"WITH classified AS ("
	" SELECT %s AS grp, a.exe_path AS exe, a.cap,"
	"  CASE WHEN a.audit = 0 AND NOT ?2 THEN 2"
	"   WHEN a.syscall_nr IN (" XSTR(SYSCALL_NR_EXECVE) ", " XSTR(SYSCALL_NR_EXECVEAT) ")"
	"    THEN 3"
	"   WHEN a.pre_exec THEN 4"
	"   WHEN a.verdict = 'granted' THEN 0 ELSE 1 END AS class,"
	"  a.syscall_nr, a.user_stack_id, a.kernel_stack_id, a.count AS n"
	" FROM policy_aggregate a WHERE ?1 IS NULL OR exe_match(?1, a.exe_path)),"
	/* Group on ids first: stack texts are joined to the few groups, not to every row. */
	"counted AS ("
	" SELECT grp, cap, class, exe, syscall_nr, user_stack_id, kernel_stack_id, sum(n) AS n"
	" FROM classified"
	" GROUP BY grp, cap, class, exe, syscall_nr, user_stack_id, kernel_stack_id),"
	"named AS ("
	" SELECT c.grp, c.cap, c.class, c.exe, c.syscall_nr, c.n,"
	"  coalesce(us.text, '') AS user_stack, coalesce(ks.text, '') AS kernel_stack"
	" FROM counted c LEFT JOIN stacks us ON us.id = c.user_stack_id"
	" LEFT JOIN stacks ks ON ks.id = c.kernel_stack_id),"
	"ranked AS ("
	" SELECT named.*, sum(n) OVER (PARTITION BY grp, cap, class) AS total,"
	"  row_number() OVER (PARTITION BY grp, cap, class ORDER BY n DESC, exe, user_stack,"
	"  kernel_stack, syscall_nr) AS example"
	" FROM named) "
	"SELECT grp, cap, class, total, exe, syscall_nr, user_stack, kernel_stack FROM ranked"
	" WHERE example = 1 ORDER BY grp, cap, class";

static const char *const group_expressions[] = {
	[GROUP_EXE] = "a.exe_path",
	[GROUP_CONTAINER] = "coalesce(nullif(a.container_id, ''), '[host]')",
	[GROUP_CGROUP] = "coalesce(nullif(a.cgroup_path, ''), '[cgroup ' || a.cgroup_id || ']')",
};

const char *check_class_decision(enum check_class cls)
{
	switch (cls) {
	case CLASS_NEEDED:
		return "needed";
	case CLASS_DENIED:
		return "requested, denied";
	case CLASS_NONAUDIT:
	case CLASS_EXEC:
	case CLASS_PRE_EXEC:
		break;
	}
	return "ignored";
}

const char *check_class_reason(enum check_class cls)
{
	switch (cls) {
	case CLASS_NEEDED:
		return "audited check, granted";
	case CLASS_DENIED:
		return "audited check, denied: the program ran without it";
	case CLASS_NONAUDIT:
		return "non-audit check: a kernel probe, not a need";
	case CLASS_EXEC:
		return "made during execve: the kernel setting up the new image";
	case CLASS_PRE_EXEC:
		return "fork-exec window: before the process exec'd its own program";
	}
	return "unknown";
}

void class_rows_release(struct class_rows *rows)
{
	if (!rows)
		return;
	for (size_t i = 0; i < rows->count; i++) {
		free(rows->rows[i].group);
		free(rows->rows[i].exe);
		free(rows->rows[i].user_stack);
		free(rows->rows[i].kernel_stack);
	}
	free(rows->rows);
	rows->rows = NULL;
	rows->count = 0;
}

static char *dup_column(sqlite3_stmt *stmt, int column)
{
	const char *text = (const char *)sqlite3_column_text(stmt, column);

	return strdup(text ? text : "");
}

static int add_row(struct class_rows *out, size_t *capacity, sqlite3_stmt *stmt)
{
	struct class_row *row;

	if (out->count == *capacity) {
		size_t grown = *capacity ? *capacity * 2 : 32;
		struct class_row *rows = realloc(out->rows, grown * sizeof(*rows));

		if (!rows)
			return -ENOMEM;
		out->rows = rows;
		*capacity = grown;
	}
	row = &out->rows[out->count++];
	*row = (struct class_row){
		.group = dup_column(stmt, 0),
		.cap = sqlite3_column_int(stmt, 1),
		.cls = (enum check_class)sqlite3_column_int(stmt, 2),
		.checks = (uint64_t)sqlite3_column_int64(stmt, 3),
		.exe = dup_column(stmt, 4),
		.syscall_nr = sqlite3_column_int(stmt, 5),
		.user_stack = dup_column(stmt, 6),
		.kernel_stack = dup_column(stmt, 7),
	};
	if (!row->group || !row->exe || !row->user_stack || !row->kernel_stack)
		return -ENOMEM;
	return 0;
}

int check_classes_read(sqlite3 *db, enum group_by by, const char *exe_glob,
		       bool include_nonaudit, struct class_rows *out)
{
	sqlite3_stmt *stmt = NULL;
	size_t capacity = 0;
	char *sql = NULL;
	int rc;

	*out = (struct class_rows){ .rows = NULL };
	if (asprintf(&sql, classes_sql, group_expressions[by]) < 0)
		return -ENOMEM;
	rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
	if (!rc)
		rc = exe_glob ? sqlite3_bind_text(stmt, 1, exe_glob, -1, SQLITE_STATIC)
			      : sqlite3_bind_null(stmt, 1);
	if (!rc)
		rc = sqlite3_bind_int(stmt, 2, include_nonaudit);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = add_row(out, &capacity, stmt);
	if (rc == SQLITE_DONE)
		rc = 0;
	if (rc)
		class_rows_release(out);
	sqlite3_finalize(stmt);
	free(sql);
	return rc;
}

int class_row_write_path(struct output *o, const struct class_row *row, bool with_exe)
{
	char syscall[32];
	int rc = 0;

	if (with_exe)
		rc = output_text(o, row->exe);
	if (!rc)
		rc = output_text(o, syscall_format(row->syscall_nr, syscall, sizeof(syscall)));
	if (!rc)
		rc = output_text(o, row->user_stack);
	if (!rc)
		rc = output_text(o, row->kernel_stack);
	if (!rc)
		rc = output_end_row(o);
	return rc;
}
