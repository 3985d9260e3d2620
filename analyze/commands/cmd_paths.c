// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_paths.c - `capanalyze paths`: which call paths demand which
 * capability. Every distinct (executable, verdict, audit, syscall, user
 * stack, kernel stack) that checked a capability is one row, ranked within
 * its capability by check count, summed over every recording in the input.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cap_set.h"
#include "commands.h"
#include "output.h"
#include "report_filter.h"
#include "syscall_names.h"

static const char paths_usage[] =
	"usage: capanalyze paths [options] DB|RECORDING...\n"
	"\n"
	"Lists the call paths that made capability checks, ranked per capability by\n"
	"how many checks each made. Stacks are written outermost frame first, frames\n"
	"joined by ';' (user: main;do_chown;chown, kernel: entry_SYSCALL_64;...;\n"
	"cap_capable). Columns: capability, rank, checks, processes (summed over\n"
	"recordings), verdict, audit (0: a non-audit check), exe, syscall,\n"
	"user_stack, kernel_stack.\n"
	"\n"
	"options:\n"
	REPORT_FILTER_HELP
	"  --limit N          the N most frequent paths of each capability\n"
	"  --format F         table (default), json or csv\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error.\n";

static const char paths_sql[] =
	"WITH agg AS ("
	" SELECT a.cap, a.exe_path, a.verdict, a.audit, a.syscall_nr, a.user_stack_id,"
	"  a.kernel_stack_id, sum(a.count) AS checks, sum(a.processes) AS processes"
	" FROM check_aggregate a WHERE " REPORT_FILTER_WHERE
	" GROUP BY a.cap, a.exe_path, a.verdict, a.audit, a.syscall_nr, a.user_stack_id,"
	"  a.kernel_stack_id),"
	"named AS ("
	" SELECT agg.*, coalesce(us.text, '') AS user_stack, coalesce(ks.text, '') AS kernel_stack"
	" FROM agg LEFT JOIN stacks us ON us.id = agg.user_stack_id"
	" LEFT JOIN stacks ks ON ks.id = agg.kernel_stack_id),"
	"ranked AS ("
	" SELECT named.*, row_number() OVER (PARTITION BY cap ORDER BY checks DESC, exe_path,"
	"  user_stack, kernel_stack, verdict, audit, syscall_nr) AS rank FROM named) "
	"SELECT cap, rank, checks, processes, verdict, audit, exe_path, syscall_nr, user_stack,"
	" kernel_stack FROM ranked WHERE ?5 IS NULL OR rank <= ?5 ORDER BY cap, rank";

static int write_row(struct output *o, sqlite3_stmt *stmt)
{
	char cap_name[32], syscall[32];
	int rc;

	rc = output_text(o, cap_format(sqlite3_column_int(stmt, 0), cap_name, sizeof(cap_name)));
	for (int column = 1; column <= 3 && !rc; column++)
		rc = output_int(o, sqlite3_column_int64(stmt, column));
	if (!rc)
		rc = output_text(o, (const char *)sqlite3_column_text(stmt, 4));
	if (!rc)
		rc = output_int(o, sqlite3_column_int64(stmt, 5));
	if (!rc)
		rc = output_text(o, (const char *)sqlite3_column_text(stmt, 6));
	if (!rc)
		rc = output_text(o, syscall_format(sqlite3_column_int(stmt, 7), syscall,
						   sizeof(syscall)));
	if (!rc)
		rc = output_text(o, (const char *)sqlite3_column_text(stmt, 8));
	if (!rc)
		rc = output_text(o, (const char *)sqlite3_column_text(stmt, 9));
	if (!rc)
		rc = output_end_row(o);
	return rc;
}

static int paths_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	return report_filter_option(state, s->cmd, opt, arg) ? EXIT_USAGE : SESSION_CONTINUE;
}

static int paths_run(struct analyze_session *s, void *state)
{
	static const char *const columns[] = { "capability", "rank", "checks", "processes",
					       "verdict", "audit", "exe", "syscall",
					       "user_stack", "kernel_stack" };
	struct report_filter *filter = state;
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	int status = EXIT_INTERNAL, rc, write_rc = 0;

	filter->caps = s->caps;
	filter->exe_glob = s->exe_glob;
	rc = sqlite3_prepare_v2(s->db, paths_sql, -1, &stmt, NULL);
	if (!rc)
		rc = report_filter_bind(filter, stmt);
	if (!rc)
		rc = filter->limit ? sqlite3_bind_int64(stmt, 5, filter->limit)
				   : sqlite3_bind_null(stmt, 5);
	if (rc) {
		status = session_sql_error(s, s->db, "preparing the query");
		goto cleanup;
	}
	o = output_new(stdout, s->format);
	if (!o || output_columns(o, 10, columns)) {
		fprintf(stderr, "capanalyze paths: out of memory\n");
		goto cleanup;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		write_rc = write_row(o, stmt);
		if (write_rc)
			goto write_failed;
	}
	if (rc != SQLITE_DONE) {
		status = session_sql_error(s, s->db, "reading paths");
		goto cleanup;
	}
	write_rc = output_finish(o);
	if (write_rc)
		goto write_failed;
	status = EXIT_OK;
	goto cleanup;
write_failed:
	fprintf(stderr, "capanalyze paths: writing the output failed: %s\n",
		strerror(write_rc < 0 ? -write_rc : EIO));
cleanup:
	output_free(o);
	sqlite3_finalize(stmt);
	return status;
}

static const struct option paths_options[] = {
	REPORT_FILTER_LONG_OPTIONS,
	{ "limit", required_argument, NULL, FILTER_LIMIT },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops paths_command = {
	.usage = paths_usage,
	.options = paths_options,
	.state_size = sizeof(struct report_filter),
	.option = paths_option,
	.run = paths_run,
};
