// SPDX-License-Identifier: GPL-2.0-only
/* session.c - the set-up every capanalyze command shares (see session.h). */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "exe_match.h"
#include "input.h"
#include "reader_limits.h"

/* Shared long options; the codes are their short letters. */
static const struct option format_option = { "format", required_argument, NULL, 'f' };
static const struct option exe_option = { "exe", required_argument, NULL, 'e' };
static const struct option cap_option = { "cap", required_argument, NULL, 'c' };
static const struct option help_option = { "help", no_argument, NULL, 'h' };
/*
 * Long only: a code no short option can have, above the commands' own long-only
 * codes (report_filter.h's start at 0x100).
 */
#define DEBUG_DIR_OPT 0x1000
static const struct option debug_dir_option = { "debug-dir", required_argument, NULL,
						DEBUG_DIR_OPT };

/* What every command taking --debug-dir adds to its usage text. */
static const char debug_dir_usage[] =
	"\n"
	"shared option:\n"
	"  --debug-dir DIR    name the frames of stripped binaries from the debug files\n"
	"                     in DIR, by build-id (repeatable; see capanalyze(1))\n";
/*
 * Long only: every command reads recordings (directly, or into the cache).
 * A code far above the commands' own long options (0x100 and up).
 */
#define READER_LIMIT_OPTION 0x7000
static const struct option reader_limit_option = { "reader-limit", required_argument, NULL,
						   READER_LIMIT_OPTION };

#define MAX_OPTIONS 32

/* The command's getopt tables: the shared options its flags allow, then its own. */
static int build_options(const struct command *c, struct option *longs, char *shorts,
			 size_t shorts_size)
{
	const struct command_ops *ops = c->ops;
	size_t n = 0;

	snprintf(shorts, shorts_size, "%s%s%sh%s", c->flags & TAKES_FORMAT ? "f:" : "",
		 c->flags & TAKES_EXE ? "e:" : "", c->flags & TAKES_CAP ? "c:" : "",
		 ops->short_options ? ops->short_options : "");
	if (c->flags & TAKES_FORMAT)
		longs[n++] = format_option;
	if (c->flags & TAKES_EXE)
		longs[n++] = exe_option;
	if (c->flags & TAKES_CAP)
		longs[n++] = cap_option;
	if (c->flags & TAKES_DEBUG_DIR)
		longs[n++] = debug_dir_option;
	longs[n++] = help_option;
	longs[n++] = reader_limit_option;
	for (const struct option *o = ops->options; o && o->name; o++) {
		if (n + 1 >= MAX_OPTIONS)
			return -1;
		longs[n++] = *o;
	}
	longs[n] = (struct option){ NULL, 0, NULL, 0 };
	return 0;
}

static int parse_format(struct analyze_session *s, const char *value)
{
	const char *extra = s->command->ops->extra_format;
	const char *const *documents = s->command->ops->document_formats;

	s->document = NULL;
	if (output_parse_format(value, &s->format) == 0) {
		s->extra_format = false;
		return SESSION_CONTINUE;
	}
	if (extra && !strcmp(value, extra)) {
		s->extra_format = true;
		return SESSION_CONTINUE;
	}
	for (const char *const *d = documents; d && *d; d++) {
		if (strcmp(value, *d))
			continue;
		s->extra_format = false;
		s->format = OUTPUT_JSON;
		s->document = *d;
		return SESSION_CONTINUE;
	}
	fprintf(stderr, "capanalyze %s: unknown format '%s' (%s%s", s->cmd, value,
		extra ? extra : "", extra ? ", " : "");
	for (const char *const *d = documents; d && *d; d++)
		fprintf(stderr, "%s, ", *d);
	fprintf(stderr, "table, json or csv)\n");
	return EXIT_USAGE;
}

static int parse_cap(struct analyze_session *s, const char *value)
{
	int cap;

	if (cap_parse(value, &cap)) {
		fprintf(stderr, "capanalyze %s: unknown capability '%s'\n", s->cmd, value);
		return EXIT_USAGE;
	}
	if (cap < 0 || cap >= CAP_SET_BITS) {
		fprintf(stderr, "capanalyze %s: --cap %s: only capabilities 0..%d can be selected\n",
			s->cmd, value, CAP_SET_BITS - 1);
		return EXIT_USAGE;
	}
	s->caps = cap_set_add(s->caps, cap);
	return SESSION_CONTINUE;
}

/* Each --debug-dir in order; argv outlives the session, so its strings are kept. */
static int add_debug_dir(struct analyze_session *s, char *dir, int argc)
{
	struct stat st;

	if (!*dir) {
		fprintf(stderr, "capanalyze %s: --debug-dir needs a directory\n", s->cmd);
		return EXIT_USAGE;
	}
	/* A mistyped directory would name nothing and pass unnoticed. */
	if (stat(dir, &st)) {
		fprintf(stderr, "capanalyze %s: --debug-dir %s: %s\n", s->cmd, dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "capanalyze %s: --debug-dir %s: not a directory\n", s->cmd, dir);
		return EXIT_USAGE;
	}
	if (!s->debug_dirs) {
		s->debug_dirs = calloc((size_t)argc, sizeof(*s->debug_dirs));
		if (!s->debug_dirs) {
			fprintf(stderr, "capanalyze %s: out of memory\n", s->cmd);
			return EXIT_INTERNAL;
		}
	}
	s->debug_dirs[s->debug_dir_count++] = dir;
	return SESSION_CONTINUE;
}

/* The operand counts the flags imply; a command checks other shapes in prepare(). */
static int check_operands(struct analyze_session *s)
{
	unsigned int flags = s->command->flags;

	if ((flags & NEEDS_DATABASE) && s->arg_count < ((flags & LAST_ARG_IS_QUERY) ? 2 : 1)) {
		fprintf(stderr, "capanalyze %s: name a database or recordings%s\n", s->cmd,
			flags & LAST_ARG_IS_QUERY ? ", then a query" : "");
		return EXIT_USAGE;
	}
	if ((flags & STREAMS_RECORDING) && s->arg_count != 1) {
		fprintf(stderr, "capanalyze %s: name one recording (- for standard input)\n",
			s->cmd);
		return EXIT_USAGE;
	}
	return SESSION_CONTINUE;
}

int session_parse(struct analyze_session *s, const struct command *c, void *state, int argc,
		  char **argv)
{
	struct option longs[MAX_OPTIONS];
	char shorts[64];
	int opt, rc = SESSION_CONTINUE;

	*s = (struct analyze_session){ .cmd = c->name, .command = c, .format = OUTPUT_TABLE,
				       .extra_format = c->ops->extra_format_default };
	if (build_options(c, longs, shorts, sizeof(shorts))) {
		fprintf(stderr, "capanalyze %s: too many options\n", c->name);
		return EXIT_INTERNAL;
	}
	optind = 0;
	while (rc == SESSION_CONTINUE && (opt = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		switch (opt) {
		case 'f':
			rc = parse_format(s, optarg);
			break;
		case 'e':
			s->exe_glob = optarg;
			break;
		case 'c':
			rc = parse_cap(s, optarg);
			break;
		case DEBUG_DIR_OPT:
			rc = add_debug_dir(s, optarg, argc);
			break;
		case 'h':
			fputs(c->ops->usage, stdout);
			if (c->flags & TAKES_DEBUG_DIR)
				fputs(debug_dir_usage, stdout);
			return EXIT_OK;
		case READER_LIMIT_OPTION: {
			char err[256];

			if (reader_limits_set(optarg, err, sizeof(err))) {
				fprintf(stderr, "capanalyze %s: %s\n", c->name, err);
				rc = EXIT_USAGE;
			}
			break;
		}
		case '?':
		case ':':
			fputs(c->ops->usage, stderr);
			return EXIT_USAGE;
		default:
			rc = c->ops->option ? c->ops->option(s, state, opt, optarg) : EXIT_USAGE;
			break;
		}
	}
	if (rc != SESSION_CONTINUE)
		return rc;
	s->args = argv + optind;
	s->arg_count = argc - optind;
	return check_operands(s);
}

int session_open_inputs(struct analyze_session *s, char *const *inputs, int count,
			sqlite3 **db)
{
	struct input_debug_dirs debug = { s->debug_dirs, s->debug_dir_count };
	char err[INPUT_ERROR_SIZE];
	int rc = input_open(inputs, count, 1, &debug, db, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "capanalyze %s: %s\n", s->cmd, err);
		return rc == INPUT_FAILED_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
	}
	if (exe_match_register(*db) != SQLITE_OK) {
		session_sql_error(s, *db, "registering exe_match");
		input_close(*db);
		*db = NULL;
		return EXIT_INTERNAL;
	}
	return 0;
}

/* An executable is also known by the path execve() was given (exe_match.h). */
static int check_exe_matches(struct analyze_session *s)
{
	static const char sql[] =
		"SELECT 1 FROM check_aggregate WHERE exe_match(?1, exe_path) UNION ALL "
		"SELECT 1 FROM processes WHERE events > 0 AND exe_path_used IS NOT NULL "
		"AND exe_match(?1, coalesce(exe_path, ''), exe_path_used) LIMIT 1";
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(stmt, 1, s->exe_glob, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return SESSION_CONTINUE;
	if (rc != SQLITE_DONE)
		return session_sql_error(s, s->db, "matching --exe");
	fprintf(stderr, "capanalyze %s: --exe '%s' matches no executable in the input\n", s->cmd,
		s->exe_glob);
	return EXIT_USAGE;
}

static int check_caps_match(struct analyze_session *s)
{
	static const char sql[] =
		"SELECT DISTINCT cap FROM check_aggregate WHERE cap BETWEEN 0 AND 63";
	sqlite3_stmt *stmt = NULL;
	cap_set_t seen = 0;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK)
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			seen = cap_set_add(seen, sqlite3_column_int(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return session_sql_error(s, s->db, "matching --cap");
	return session_check_caps_seen(s, seen);
}

int session_open(struct analyze_session *s)
{
	int count = s->arg_count;
	int rc = SESSION_CONTINUE;

	if (s->command->flags & LAST_ARG_IS_QUERY)
		count--;
	rc = session_open_inputs(s, s->args, count, &s->db);
	if (rc)
		return rc;
	rc = SESSION_CONTINUE;
	if (s->exe_glob)
		rc = check_exe_matches(s);
	if (rc == SESSION_CONTINUE && s->caps)
		rc = check_caps_match(s);
	return rc;
}

int session_check_caps_seen(const struct analyze_session *s, cap_set_t seen)
{
	cap_set_t missing = s->caps & ~seen;
	char name[32];
	bool first = true;

	if (!missing)
		return SESSION_CONTINUE;
	fprintf(stderr, "capanalyze %s: --cap ", s->cmd);
	for (int cap = 0; cap < CAP_SET_BITS; cap++) {
		if (!cap_set_has(missing, cap))
			continue;
		fprintf(stderr, "%s%s", first ? "" : ",", cap_format(cap, name, sizeof(name)));
		first = false;
	}
	fprintf(stderr, " matches no check in the input\n");
	return EXIT_USAGE;
}

int session_sql_error(const struct analyze_session *s, sqlite3 *db, const char *what)
{
	char damaged[INPUT_ERROR_SIZE];

	/* A damaged database is named (a cache is removed, to be rebuilt). */
	if (input_cache_damaged(db, damaged, sizeof(damaged)))
		fprintf(stderr, "capanalyze %s: %s: %s\n", s->cmd, what, damaged);
	else
		fprintf(stderr, "capanalyze %s: %s: %s\n", s->cmd, what, sqlite3_errmsg(db));
	return EXIT_INTERNAL;
}

void session_close(struct analyze_session *s)
{
	input_close(s->db);
	s->db = NULL;
	free(s->debug_dirs);
	s->debug_dirs = NULL;
	s->debug_dir_count = 0;
}
