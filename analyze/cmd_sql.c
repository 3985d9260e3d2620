// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_sql.c - capanalyze sql: the user's own SQL over a database or
 * recordings, printed as a table, JSON or CSV.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input.h"
#include "output.h"
#include "report_args.h"

static const char sql_usage[] =
	"usage: capanalyze sql [--format table|json|csv] DB|REC... QUERY\n"
	"\n"
	"Runs QUERY (one or more SQL statements; the rows of each SELECT are\n"
	"printed) over a database made by capanalyze load, or over recordings\n"
	"(loaded into a cached database first). The database is opened read-only.\n"
	"The schema is described in schemas/SCHEMA.md; start with the views\n"
	"v_events and v_checks. Example:\n"
	"  capanalyze sql app.caprec \"SELECT cap_name, count(*) FROM v_events GROUP BY 1\"\n"
	"\n"
	"  -f, --format FMT  table (default), json or csv\n"
	"  -h, --help        this text\n"
	"\n"
	"exit status: 0 success; 2 usage error, unreadable input, or an error in\n"
	"QUERY; 3 internal error.\n";

int cmd_sql(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = OUTPUT_TABLE;
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	const char *query, *tail;
	sqlite3 *db = NULL;
	int opt, ret = EXIT_USAGE;

	while ((opt = getopt_long(argc, argv, "f:h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (report_parse_format("sql", optarg, &format))
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(sql_usage, stdout);
			return EXIT_OK;
		default:
			fputs(sql_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 2) {
		fputs(sql_usage, stderr);
		return EXIT_USAGE;
	}
	query = argv[argc - 1];
	if (report_open("sql", argv + optind, argc - optind - 1, &db))
		return EXIT_USAGE;
	/* A cached database is writable by us; the user's query must not change it. */
	sqlite3_exec(db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	for (tail = query; tail && *tail;) {
		int err;

		if (sqlite3_prepare_v2(db, tail, -1, &stmt, &tail) != SQLITE_OK) {
			fprintf(stderr, "capanalyze sql: %s\n", sqlite3_errmsg(db));
			goto cleanup;
		}
		if (!stmt) /* only whitespace or a comment was left */
			break;
		if (sqlite3_column_count(stmt) == 0) {
			int rc;

			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				fprintf(stderr, "capanalyze sql: %s\n", sqlite3_errmsg(db));
				goto cleanup;
			}
		} else {
			o = output_new(stdout, format);
			if (!o) {
				fprintf(stderr, "capanalyze sql: out of memory\n");
				ret = EXIT_INTERNAL;
				goto cleanup;
			}
			err = output_query(o, stmt);
			if (err == -EPROTO) {
				fprintf(stderr, "capanalyze sql: %s\n", sqlite3_errmsg(db));
				goto cleanup;
			} else if (err) {
				fprintf(stderr, "capanalyze sql: cannot write the output: %s\n",
					strerror(-err));
				ret = EXIT_INTERNAL;
				goto cleanup;
			}
			output_free(o);
			o = NULL;
		}
		sqlite3_finalize(stmt);
		stmt = NULL;
	}
	ret = EXIT_OK;
cleanup:
	output_free(o);
	sqlite3_finalize(stmt);
	input_close(db);
	return ret;
}
