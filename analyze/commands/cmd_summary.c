// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_summary.c - capanalyze summary: per executable, the capabilities it
 * used and was denied, audited and non-audit checks, processes, first and
 * last seen; and the recordings they came from.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "output.h"

static const char summary_usage[] =
	"usage: capanalyze summary [--format table|json|csv] [--exe GLOB] [--recordings]\n"
	"                          DB|REC...\n"
	"\n"
	"Per host and executable: the capabilities used (audited checks, granted)\n"
	"and denied (audited, denied); probed: capabilities seen only in non-audit\n"
	"checks (kernel probes such as the memory-overcommit check, not needs);\n"
	"audited and non-audit check counts, processes, first and last seen (UTC).\n"
	"In the table format the recordings (host, kernel, attach mode, span,\n"
	"events, lost, integrity) are listed first; --recordings prints only them\n"
	"(in any format).\n"
	"\n"
	"  -f, --format FMT   table (default), json or csv\n"
	"  -e, --exe GLOB     only executables matching GLOB (with a '/': the full\n"
	"                     path, else the base name; fnmatch(3) syntax)\n"
	"  -r, --recordings   the recordings instead of the executables\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success; 2 usage error or unreadable input; 3 internal error.\n";

#define WALL(ns) "strftime('%Y-%m-%d %H:%M:%f', (" ns ") / 1e9, 'unixepoch')"

static const char recordings_sql[] =
	"SELECT r.id AS recording, r.path, r.hostname AS host, r.kernel_release AS kernel, "
	"r.boot_id, r.attach_mode AS attach, " WALL("r.first_wall_ns") " AS start, "
	"round((r.last_ns - r.first_ns) / 1e9, 3) AS duration_s, r.events, r.lost, "
	"CASE WHEN i.blocks_skipped > 0 THEN i.blocks_skipped || ' damaged blocks skipped, ' "
	"ELSE '' END || CASE WHEN i.truncated THEN 'truncated at byte ' || i.truncated_at "
	"WHEN r.clean_end THEN 'clean end' ELSE 'no end block' END AS integrity "
	"FROM recordings r LEFT JOIN import_stats i ON i.recording_id = r.id ORDER BY r.id";

/* The distinct capability names of one summary row's checks that match cond. */
#define CAP_LIST(cond) \
	"  (SELECT group_concat(name, ',') FROM (SELECT DISTINCT k.cap, " \
	"   coalesce(n.name, 'cap_' || k.cap) AS name FROM caps k " \
	"   LEFT JOIN cap_names n ON n.cap = k.cap WHERE k.host IS c.host " \
	"   AND k.exe_path = c.exe_path AND " cond " ORDER BY k.cap))"

/*
 * Capabilities are listed by number (the kernel's order) within each list.
 * ?1 is the --exe glob (exe_match.h; NULL when not given): a bound
 * parameter, never text.
 */
static const char executables_sql[] =
	"WITH checks AS ("
	"  SELECT r.hostname AS host, a.recording_id, a.exe_path, a.cap, a.verdict, a.audit, "
	"         a.count, a.first_ns + r.wall_offset_ns AS first_wall, "
	"         a.last_ns + r.wall_offset_ns AS last_wall "
	"  FROM check_aggregate a JOIN recordings r ON r.id = a.recording_id "
	"  WHERE ?1 IS NULL OR exe_match(?1, a.exe_path)), "
	"caps AS ("
	"  SELECT host, exe_path, audit, verdict, cap FROM checks GROUP BY 1, 2, 3, 4, 5 "
	"  ORDER BY 1, 2, 5, 3, 4), "
	/* processes.events: no scan of the events table */
	"procs AS ("
	"  SELECT r.hostname AS host, "
	"         coalesce(p.exe_path, '[' || coalesce(p.comm, 'unknown') || ']') AS exe_path, "
	"         count(*) AS processes "
	"  FROM processes p JOIN recordings r ON r.id = p.recording_id "
	"  WHERE p.events > 0 GROUP BY 1, 2) "
	"SELECT c.host, c.exe_path AS executable, "
	CAP_LIST("k.audit AND k.verdict = 'granted'") " AS used, "
	CAP_LIST("k.audit AND k.verdict = 'denied'") " AS denied, "
	CAP_LIST("NOT k.audit AND NOT EXISTS (SELECT 1 FROM caps o WHERE o.host IS k.host "
		 "AND o.exe_path = k.exe_path AND o.cap = k.cap AND o.audit)") " AS probed, "
	"  sum(CASE WHEN c.audit THEN c.count ELSE 0 END) AS audited, "
	"  sum(CASE WHEN c.audit THEN 0 ELSE c.count END) AS non_audit, "
	"  sum(c.count) AS checks, "
	"  (SELECT processes FROM procs p WHERE p.host IS c.host AND p.exe_path = c.exe_path) "
	"    AS processes, "
	"  " WALL("min(c.first_wall)") " AS first_seen, "
	"  " WALL("max(c.last_wall)") " AS last_seen "
	"FROM checks c GROUP BY c.host, c.exe_path ORDER BY c.host, c.exe_path";

/* Runs one query to stdout. Returns an exit status. */
static int print_query(struct analyze_session *s, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	int err, ret = EXIT_INTERNAL;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		ret = session_sql_error(s, s->db, "cannot prepare the report");
		goto cleanup;
	}
	if (sqlite3_bind_parameter_count(stmt) >= 1)
		sqlite3_bind_text(stmt, 1, s->exe_glob, -1, SQLITE_STATIC);
	o = output_new(stdout, s->format);
	if (!o) {
		fprintf(stderr, "capanalyze summary: out of memory\n");
		goto cleanup;
	}
	err = output_query(o, stmt);
	if (err == -EPROTO) {
		ret = session_sql_error(s, s->db, "query failed");
		goto cleanup;
	} else if (err) {
		fprintf(stderr, "capanalyze summary: cannot write the output: %s\n", strerror(-err));
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	output_free(o);
	sqlite3_finalize(stmt);
	return ret;
}

static int summary_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	(void)s;
	(void)opt;
	(void)arg;
	*(bool *)state = true;
	return SESSION_CONTINUE;
}

static int summary_run(struct analyze_session *s, void *state)
{
	bool recordings_only = *(bool *)state;
	int ret;

	if (recordings_only)
		return print_query(s, recordings_sql);
	if (s->format != OUTPUT_TABLE)
		return print_query(s, executables_sql);
	ret = print_query(s, recordings_sql);
	if (!ret) {
		putchar('\n');
		ret = print_query(s, executables_sql);
	}
	return ret;
}

static const struct option summary_options[] = {
	{ "recordings", no_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops summary_command = {
	.usage = summary_usage,
	.options = summary_options,
	.short_options = "r",
	.state_size = sizeof(bool),
	.option = summary_option,
	.run = summary_run,
};
