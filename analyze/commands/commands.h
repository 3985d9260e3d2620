/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * commands.h - capanalyze's command table (main.c) and what each command
 * gives it.
 *
 * A command is a table row, as in git's builtins: its name, its flags (the
 * set-up the dispatcher does for it, like git's RUN_SETUP), and a struct
 * command_ops from its own file, analyze/commands/cmd_<name>.c, with its
 * usage text, its own options and the function that does its work. The
 * shared options and the inputs are in the session (session.h).
 */
#ifndef CAPANALYZE_COMMANDS_H
#define CAPANALYZE_COMMANDS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* Exit statuses shared by every command (documented in --help and capanalyze(1)). */
enum exit_status {
	EXIT_OK = 0,         /* success; for diff: equal; for check: no violation */
	EXIT_DIFFERS = 1,    /* diff: the inputs differ; check: a violation was found */
	EXIT_USAGE = 2,      /* bad command line, an input that cannot be read, or an
			      * --exe/--cap that matches nothing */
	EXIT_INTERNAL = 3,   /* out of memory, SQLite error, write error on the output */
};

/* The flags column of the command table. */
enum command_flags {
	NEEDS_DATABASE = 1 << 0,    /* the operands are inputs, opened as one database */
	STREAMS_RECORDING = 1 << 1, /* reads one recording (or -) itself, no database */
	TAKES_FORMAT = 1 << 2,      /* --format table|json|csv (plus the ops' extra formats) */
	TAKES_EXE = 1 << 3,         /* --exe GLOB */
	TAKES_CAP = 1 << 4,         /* --cap CAP, repeatable */
	LAST_ARG_IS_QUERY = 1 << 5, /* with NEEDS_DATABASE: the last operand is not an input */
	TAKES_DEBUG_DIR = 1 << 6,   /* --debug-dir DIR, repeatable: name frames from debug files */
};

struct command_ops {
	const char *usage;
	const char *extra_format;        /* one more --format name, or NULL */
	bool extra_format_default;       /* ... and it is the default */
	/*
	 * Documents the command writes for another tool (sarif, junit, systemd,
	 * ...): more --format names, NULL-terminated, or NULL.
	 */
	const char *const *document_formats;
	const struct option *options;    /* the command's own long options, or NULL */
	const char *short_options;       /* its own short options, or NULL */
	size_t state_size;               /* zeroed state the dispatcher allocates */
	/* One of the command's own options. Returns SESSION_CONTINUE or an exit status. */
	int (*option)(struct analyze_session *s, void *state, int opt, const char *arg);
	/* After the options, before any input is opened (checks of operands). May be NULL. */
	int (*prepare)(struct analyze_session *s, void *state);
	/* The work. Returns the exit status. */
	int (*run)(struct analyze_session *s, void *state);
	/* Frees what option() or run() left in state. May be NULL. */
	void (*release)(void *state);
};

struct command {
	const char *name;
	const struct command_ops *ops;
	unsigned int flags;
	const char *summary;
};

extern const struct command_ops load_command, info_command, summary_command, replay_command,
	sql_command, paths_command, folded_command, flamegraph_command, policy_command,
	diff_command, check_command, pprof_command;

#endif /* CAPANALYZE_COMMANDS_H */
