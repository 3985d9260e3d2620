// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_summary.c - capanalyze summary: per executable, the capabilities it
 * used and was denied, audited and non-audit checks, processes, first and
 * last seen; and the recordings they came from.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "input.h"
#include "output.h"
#include "report_args.h"

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
	"  -e, --exe GLOB     only executables whose path matches GLOB (sqlite GLOB)\n"
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
	"   coalesce(n.name, 'CAP_' || k.cap) AS name FROM caps k " \
	"   LEFT JOIN cap_names n ON n.cap = k.cap WHERE k.host IS c.host " \
	"   AND k.exe_path = c.exe_path AND " cond " ORDER BY k.cap))"

/*
 * Capabilities are listed by number (the kernel's order) within each list.
 * ?1 is the --exe GLOB ('*' when not given): a bound parameter, never text.
 */
static const char executables_sql[] =
	"WITH checks AS ("
	"  SELECT r.hostname AS host, a.recording_id, a.exe_path, a.cap, a.verdict, a.audit, "
	"         a.count, a.first_ns + r.wall_offset_ns AS first_wall, "
	"         a.last_ns + r.wall_offset_ns AS last_wall "
	"  FROM check_aggregate a JOIN recordings r ON r.id = a.recording_id "
	"  WHERE a.exe_path GLOB ?1), "
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
static int print_query(sqlite3 *db, const char *sql, const char *exe_glob,
		       enum output_format format)
{
	sqlite3_stmt *stmt = NULL;
	struct output *o = NULL;
	int err, ret = EXIT_INTERNAL;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		ret = report_sql_error("summary", db, "cannot prepare the report");
		goto cleanup;
	}
	if (sqlite3_bind_parameter_count(stmt) >= 1)
		sqlite3_bind_text(stmt, 1, exe_glob, -1, SQLITE_STATIC);
	o = output_new(stdout, format);
	if (!o) {
		fprintf(stderr, "capanalyze summary: out of memory\n");
		goto cleanup;
	}
	err = output_query(o, stmt);
	if (err == -EPROTO) {
		ret = report_sql_error("summary", db, "query failed");
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

int cmd_summary(int argc, char **argv)
{
	static const struct option options[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "exe", required_argument, NULL, 'e' },
		{ "recordings", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum output_format format = OUTPUT_TABLE;
	const char *exe_glob = "*";
	bool recordings_only = false;
	sqlite3 *db = NULL;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "f:e:rh", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (report_parse_format("summary", optarg, &format))
				return EXIT_USAGE;
			break;
		case 'e':
			exe_glob = optarg;
			break;
		case 'r':
			recordings_only = true;
			break;
		case 'h':
			fputs(summary_usage, stdout);
			return EXIT_OK;
		default:
			fputs(summary_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(summary_usage, stderr);
		return EXIT_USAGE;
	}
	if (report_open("summary", argv + optind, argc - optind, &db))
		return EXIT_USAGE;
	if (recordings_only) {
		ret = print_query(db, recordings_sql, exe_glob, format);
	} else if (format == OUTPUT_TABLE) {
		ret = print_query(db, recordings_sql, exe_glob, format);
		if (!ret) {
			putchar('\n');
			ret = print_query(db, executables_sql, exe_glob, format);
		}
	} else {
		ret = print_query(db, executables_sql, exe_glob, format);
	}
	input_close(db);
	return ret;
}
