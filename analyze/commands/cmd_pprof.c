// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_pprof.c - `capanalyze pprof -o FILE`: the capability checks as a pprof
 * profile (profile.proto, gzip'd), so the viewers people already run on
 * CPU profiles (`pprof -http`, speedscope, Pyroscope) show which call paths
 * check which capability.
 *
 * One sample per (executable, capability, verdict, audit, user stack,
 * kernel stack): value the number of checks, labels capability, verdict,
 * audit and executable (pprof's -tagfocus and -tagroot use them). Its
 * locations are the stack's frames leaf first: the kernel's, from
 * cap_capable() outwards, then the user frames. A location is a row of the
 * frames table (its id is the location's id); its function is the frame's
 * name in its binary (user) or "[kernel.kallsyms]" / "[MODULE]" (kernel,
 * as perf names them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_set.h"
#include "commands.h"
#include "gzip_write.h"
#include "pprof_profile.h"
#include "report_filter.h"

static const char pprof_usage[] =
	"usage: capanalyze pprof [options] -o FILE DB|RECORDING...\n"
	"\n"
	"Writes the capability checks as a gzip'd pprof profile (profile.proto):\n"
	"one sample per call path, capability and verdict, its value the number of\n"
	"checks, with the labels capability, verdict, audit and executable. Open it\n"
	"with `pprof -http=: FILE`, speedscope or Pyroscope; e.g.\n"
	"`pprof -top -tagfocus capability=CAP_NET_ADMIN FILE`.\n"
	"\n"
	"options:\n"
	REPORT_FILTER_HELP
	"  -o, --output FILE  the profile to write ('-': standard output)\n"
	"  -h, --help         this text\n"
	"\n"
	"exit status: 0 success, 2 usage or unreadable input, 3 internal error.\n";

/* Every frame a selected sample names, once, with the file its function is in. */
static const char frames_sql[] =
	"WITH selected AS (SELECT a.user_stack_id AS stack FROM check_aggregate a WHERE "
	REPORT_FILTER_WHERE " UNION SELECT a.kernel_stack_id FROM check_aggregate a WHERE "
	REPORT_FILTER_WHERE ") "
	"SELECT f.id, f.name, CASE WHEN f.kind = 'kernel' THEN"
	" (CASE WHEN f.module IS NULL OR f.module IN ('', 'vmlinux', 'kernel')"
	"  THEN '[kernel.kallsyms]' ELSE '[' || f.module || ']' END)"
	" ELSE coalesce(b.path, f.module, '') END "
	"FROM frames f LEFT JOIN binaries b ON b.id = f.binary_id "
	"WHERE f.id IN (SELECT sf.frame_id FROM stack_frames sf"
	" WHERE sf.stack_id IN (SELECT stack FROM selected)) ORDER BY f.id";

static const char samples_sql[] =
	"SELECT a.exe_path, a.cap, a.verdict, a.audit, a.kernel_stack_id, a.user_stack_id,"
	" sum(a.count) FROM check_aggregate a WHERE " REPORT_FILTER_WHERE
	" GROUP BY a.exe_path, a.cap, a.verdict, a.audit, a.kernel_stack_id, a.user_stack_id"
	" ORDER BY a.exe_path, a.cap, a.verdict, a.audit, a.kernel_stack_id, a.user_stack_id";

/* Position 0 is the innermost frame: pprof's order, leaf first. */
static const char stack_sql[] =
	"SELECT frame_id FROM stack_frames WHERE stack_id = ?1 ORDER BY position";

struct pprof_state {
	struct report_filter filter;
	const char *output_path;
	struct pprof_profile *profile;
	uint64_t *locations;
	size_t location_count, location_capacity;
	uint64_t samples, checks;
};

static int add_locations(sqlite3 *db, const struct report_filter *f, struct pprof_profile *p)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, frames_sql, -1, &stmt, NULL);
	if (!rc)
		rc = report_filter_bind(f, stmt);
	while (!rc && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = pprof_add_location(p, (uint64_t)sqlite3_column_int64(stmt, 0),
					(const char *)sqlite3_column_text(stmt, 1),
					(const char *)sqlite3_column_text(stmt, 2));
	if (rc == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(stmt);
	return rc;
}

/* Appends the frames of stack id (NULL: none) to st->locations. */
static int append_stack(struct pprof_state *st, sqlite3_stmt *frames, sqlite3_value *id)
{
	int rc;

	if (sqlite3_value_type(id) == SQLITE_NULL)
		return 0;
	sqlite3_reset(frames);
	rc = sqlite3_bind_value(frames, 1, id);
	while (!rc && (rc = sqlite3_step(frames)) == SQLITE_ROW) {
		if (st->location_count == st->location_capacity) {
			size_t grown = st->location_capacity ? st->location_capacity * 2 : 64;
			uint64_t *l = realloc(st->locations, grown * sizeof(*l));

			if (!l)
				return -ENOMEM;
			st->locations = l;
			st->location_capacity = grown;
		}
		st->locations[st->location_count++] = (uint64_t)sqlite3_column_int64(frames, 0);
		rc = 0;
	}
	return rc == SQLITE_DONE ? 0 : rc;
}

static int add_sample(struct pprof_state *st, sqlite3_stmt *row, sqlite3_stmt *frames)
{
	char cap_name[32];
	struct pprof_label labels[] = {
		{ "capability", cap_format(sqlite3_column_int(row, 1), cap_name,
					   sizeof(cap_name)) },
		{ "verdict", (const char *)sqlite3_column_text(row, 2) },
		{ "audit", sqlite3_column_int(row, 3) ? "true" : "false" },
		{ "executable", (const char *)sqlite3_column_text(row, 0) },
	};
	int64_t checks = sqlite3_column_int64(row, 6);
	int rc;

	st->location_count = 0;
	rc = append_stack(st, frames, sqlite3_column_value(row, 4));
	if (!rc)
		rc = append_stack(st, frames, sqlite3_column_value(row, 5));
	if (!rc)
		rc = pprof_add_sample(st->profile, st->locations, st->location_count, checks,
				      labels, sizeof(labels) / sizeof(labels[0]));
	st->samples++;
	st->checks += (uint64_t)checks;
	return rc;
}

static int add_samples(sqlite3 *db, struct pprof_state *st)
{
	sqlite3_stmt *rows = NULL, *frames = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, samples_sql, -1, &rows, NULL);
	if (!rc)
		rc = sqlite3_prepare_v2(db, stack_sql, -1, &frames, NULL);
	if (!rc)
		rc = report_filter_bind(&st->filter, rows);
	while (!rc && (rc = sqlite3_step(rows)) == SQLITE_ROW)
		rc = add_sample(st, rows, frames);
	if (rc == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(rows);
	sqlite3_finalize(frames);
	return rc;
}

static int write_profile(struct pprof_state *st, const struct strbuf *encoded)
{
	bool to_stdout = !strcmp(st->output_path, "-");
	FILE *out = to_stdout ? stdout : fopen(st->output_path, "wb");
	int rc;

	if (!out)
		return -errno;
	rc = gzip_write(out, strbuf_str(encoded), strbuf_len(encoded));
	if (!to_stdout && fclose(out) && !rc)
		rc = -EIO;
	return rc;
}

static int pprof_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct pprof_state *st = state;

	if (opt == 'o') {
		st->output_path = arg;
		return SESSION_CONTINUE;
	}
	return report_filter_option(&st->filter, s->cmd, opt, arg) ? EXIT_USAGE
								    : SESSION_CONTINUE;
}

static int pprof_prepare(struct analyze_session *s, void *state)
{
	(void)s;
	if (((struct pprof_state *)state)->output_path)
		return SESSION_CONTINUE;
	fprintf(stderr, "capanalyze pprof: -o FILE is required (the profile is binary)\n");
	return EXIT_USAGE;
}

static int pprof_run(struct analyze_session *s, void *state)
{
	struct pprof_state *st = state;
	struct strbuf encoded = STRBUF_INIT;
	int rc;

	st->filter.caps = s->caps;
	st->filter.exe_glob = s->exe_glob;
	st->profile = pprof_new("checks", "count");
	if (!st->profile) {
		fprintf(stderr, "capanalyze pprof: %s\n", strerror(ENOMEM));
		return EXIT_INTERNAL;
	}
	rc = pprof_add_comment(st->profile, "capability checks recorded by caprec");
	for (int i = 0; i < s->arg_count && !rc; i++)
		rc = pprof_add_comment(st->profile, s->args[i]);
	if (!rc)
		rc = add_locations(s->db, &st->filter, st->profile);
	if (!rc)
		rc = add_samples(s->db, st);
	if (rc > 0)
		return session_sql_error(s, s->db, "reading checks");
	if (!rc)
		rc = pprof_encode(st->profile, &encoded);
	if (!rc)
		rc = write_profile(st, &encoded);
	strbuf_release(&encoded);
	if (rc) {
		fprintf(stderr, "capanalyze pprof: %s: %s\n", st->output_path, strerror(-rc));
		return EXIT_INTERNAL;
	}
	if (strcmp(st->output_path, "-"))
		fprintf(stderr, "capanalyze pprof: %s: %llu samples, %llu checks\n",
			st->output_path, (unsigned long long)st->samples,
			(unsigned long long)st->checks);
	return EXIT_OK;
}

static void pprof_release(void *state)
{
	struct pprof_state *st = state;

	pprof_free(st->profile);
	free(st->locations);
}

static const struct option pprof_options[] = {
	REPORT_FILTER_LONG_OPTIONS,
	{ "output", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops pprof_command = {
	.usage = pprof_usage,
	.options = pprof_options,
	.short_options = "o:",
	.state_size = sizeof(struct pprof_state),
	.option = pprof_option,
	.prepare = pprof_prepare,
	.run = pprof_run,
	.release = pprof_release,
};
