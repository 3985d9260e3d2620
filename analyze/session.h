/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session.h - what one capanalyze command run shares with every other: the
 * options --format, --exe, --cap, --debug-dir and --help, the operands, and the inputs
 * opened as one database with capanalyze's SQL functions on it.
 *
 * The dispatcher (main.c) fills a session from the command line according
 * to the command's flags (commands.h), then hands it to the command, which
 * keeps only what is its own. Like perf's sessions: one struct carries the
 * run, so no command repeats the set-up or its error messages.
 */
#ifndef CAPANALYZE_SESSION_H
#define CAPANALYZE_SESSION_H

#include <stdbool.h>

#include <sqlite3.h>

#include "cap_set.h"
#include "output.h"

struct command;

struct analyze_session {
	const char *cmd;             /* the command's name, for messages */
	const struct command *command;
	enum output_format format;   /* --format, when a tabular name */
	bool extra_format;           /* --format is the command's own (command->extra_format) */
	/*
	 * --format named one of command->document_formats, else NULL. format is
	 * then OUTPUT_JSON: the document is for a program, so notes meant for a
	 * person go to stderr, as they do with json.
	 */
	const char *document;
	const char *exe_glob;        /* --exe (exe_match.h), or NULL: every executable */
	cap_set_t caps;              /* --cap, repeatable; 0: every capability */
	char **args;                 /* the operands after the options */
	int arg_count;
	sqlite3 *db;                 /* NEEDS_DATABASE: the inputs, opened */
	char **debug_dirs;           /* --debug-dir, repeatable, in order (resymbolize.h) */
	int debug_dir_count;
};

/* session_parse()'s "go on": any other return is the exit status to end with. */
#define SESSION_CONTINUE (-1)

/*
 * Parses argv (argv[0] the command name) for command c: the shared options
 * its flags allow and its own (c->option with state). Prints usage or a
 * one-line error itself. Returns SESSION_CONTINUE or an exit status.
 */
int session_parse(struct analyze_session *s, const struct command *c, void *state, int argc,
		  char **argv);

/*
 * Opens inputs[0..count-1] as one database and registers the SQL functions
 * (exe_match) on it; every connection a command opens goes through here.
 * Returns 0, or prints "capanalyze <cmd>: <why>" and returns the exit status:
 * EXIT_USAGE (an input at fault) or EXIT_INTERNAL (memory, SQLite).
 */
int session_open_inputs(struct analyze_session *s, char *const *inputs, int count,
			sqlite3 **db);

/*
 * NEEDS_DATABASE: opens the operands (all but the last with
 * LAST_ARG_IS_QUERY) into s->db, and fails (exit 2, one line naming it)
 * when --exe or a --cap matches nothing in it. Returns SESSION_CONTINUE or
 * an exit status.
 */
int session_open(struct analyze_session *s);

/* --cap names c (or no --cap was given). */
static inline bool session_wants_cap(const struct analyze_session *s, int cap)
{
	return !s->caps || cap_set_has(s->caps, cap);
}

/*
 * After a command that streams a recording: fails (exit 2) when a --cap
 * named a capability in none of the checks; seen is the set of those met.
 * Returns SESSION_CONTINUE or EXIT_USAGE.
 */
int session_check_caps_seen(const struct analyze_session *s, cap_set_t seen);

/* Prints "capanalyze <cmd>: <what>: <SQLite's message>" and returns EXIT_INTERNAL. */
int session_sql_error(const struct analyze_session *s, sqlite3 *db, const char *what);

/* Closes what the session opened. */
void session_close(struct analyze_session *s);

#endif /* CAPANALYZE_SESSION_H */
