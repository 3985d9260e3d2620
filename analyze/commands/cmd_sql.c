// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_sql.c - capanalyze sql: the user's own SQL over a database or
 * recordings, printed as a table, JSON or CSV.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input.h"
#include "output.h"

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

/*
 * A query that failed while running: the user's mistake (exit 2), unless
 * SQLite found the database damaged, which is named (a cache is removed, to
 * be rebuilt) and is an internal error.
 */
static int query_failed(struct analyze_session *s)
{
	char damaged[INPUT_ERROR_SIZE];

	if (input_cache_damaged(s->db, damaged, sizeof(damaged))) {
		fprintf(stderr, "capanalyze sql: %s\n", damaged);
		return EXIT_INTERNAL;
	}
	fprintf(stderr, "capanalyze sql: %s\n", sqlite3_errmsg(s->db));
	return EXIT_USAGE;
}

static int sql_run(struct analyze_session *s, void *state)
{
	const char *query = s->args[s->arg_count - 1], *tail;
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	int ret = EXIT_USAGE;

	(void)state;
	/* A cached database is writable by us; the user's query must not change it. */
	sqlite3_exec(s->db, "PRAGMA query_only = 1", NULL, NULL, NULL);
	for (tail = query; tail && *tail;) {
		int err;

		if (sqlite3_prepare_v2(s->db, tail, -1, &stmt, &tail) != SQLITE_OK) {
			ret = query_failed(s);
			goto cleanup;
		}
		if (!stmt) /* only whitespace or a comment was left */
			break;
		if (sqlite3_column_count(stmt) == 0) {
			int rc;

			while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
				;
			if (rc != SQLITE_DONE) {
				ret = query_failed(s);
				goto cleanup;
			}
		} else {
			o = output_new(stdout, s->format);
			if (!o) {
				fprintf(stderr, "capanalyze sql: out of memory\n");
				ret = EXIT_INTERNAL;
				goto cleanup;
			}
			err = output_query(o, stmt);
			if (err == -EPROTO) {
				ret = query_failed(s);
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
	return ret;
}

const struct command_ops sql_command = {
	.usage = sql_usage,
	.run = sql_run,
};
