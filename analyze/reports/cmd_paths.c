// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_paths.c - `capanalyze paths`: which call paths demand which
 * capability. Every distinct (executable, verdict, audit, syscall, user
 * stack, kernel stack) that checked a capability is one row, ranked within
 * its capability by check count, summed over every recording in the input.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cap_set.h"
#include "commands.h"
#include "exe_match.h"
#include "input.h"
#include "output.h"
#include "report_args.h"
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

int cmd_paths(int argc, char **argv)
{
	static const struct option options[] = {
		REPORT_FILTER_LONG_OPTIONS,
		{ "limit", required_argument, NULL, FILTER_LIMIT },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const columns[] = { "capability", "rank", "checks", "processes",
					       "verdict", "audit", "exe", "syscall",
					       "user_stack", "kernel_stack" };
	enum output_format format = OUTPUT_TABLE;
	struct report_filter filter;
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	sqlite3 *db = NULL;
	int status = EXIT_USAGE, opt, rc;

	report_filter_init(&filter);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (report_parse_format("paths", optarg, &format))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(paths_usage, stdout);
			return EXIT_OK;
		case FILTER_CAP:
		case FILTER_EXE:
		case FILTER_VERDICT:
		case FILTER_SYSCALL:
		case FILTER_LIMIT:
			if (report_filter_option(&filter, "paths", opt, optarg))
				return EXIT_USAGE;
			break;
		default:
			fputs(paths_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "capanalyze paths: name a database or recordings\n");
		fputs(paths_usage, stderr);
		return EXIT_USAGE;
	}
	if (report_open("paths", argv + optind, argc - optind, &db))
		return EXIT_USAGE;
	rc = exe_match_register(db);
	if (!rc)
		rc = sqlite3_prepare_v2(db, paths_sql, -1, &stmt, NULL);
	if (!rc)
		rc = report_filter_bind(&filter, stmt);
	if (!rc)
		rc = filter.limit ? sqlite3_bind_int64(stmt, 5, filter.limit)
				  : sqlite3_bind_null(stmt, 5);
	if (rc) {
		status = report_sql_error("paths", db, "preparing the query");
		goto cleanup;
	}
	o = output_new(stdout, format);
	if (!o || output_columns(o, 10, columns)) {
		fprintf(stderr, "capanalyze paths: out of memory\n");
		status = EXIT_INTERNAL;
		goto cleanup;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (write_row(o, stmt)) {
			fprintf(stderr, "capanalyze paths: writing the output failed\n");
			status = EXIT_INTERNAL;
			goto cleanup;
		}
	}
	if (rc != SQLITE_DONE) {
		status = report_sql_error("paths", db, "reading paths");
		goto cleanup;
	}
	if (output_finish(o)) {
		fprintf(stderr, "capanalyze paths: writing the output failed\n");
		status = EXIT_INTERNAL;
		goto cleanup;
	}
	status = EXIT_OK;
cleanup:
	output_free(o);
	sqlite3_finalize(stmt);
	input_close(db);
	return status;
}
