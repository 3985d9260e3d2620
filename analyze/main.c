// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - capanalyze: the command table and dispatch, git style. The flags
 * column says what the dispatcher sets up before a command runs (the shared
 * options, the inputs opened as one database), so each command in
 * analyze/commands/ does only its own work; its return value is the exit
 * status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "commands.h"

#define REPORT (NEEDS_DATABASE | TAKES_FORMAT | TAKES_DEBUG_DIR)

static const struct command commands[] = {
	{ "load", &load_command, TAKES_DEBUG_DIR, "load recordings into a SQLite database" },
	{ "info", &info_command, STREAMS_RECORDING | TAKES_FORMAT | TAKES_DEBUG_DIR,
	  "describe a recording: host, options, blocks, integrity" },
	{ "summary", &summary_command, REPORT | TAKES_EXE,
	  "capabilities used and denied per executable" },
	{ "paths", &paths_command, REPORT | TAKES_EXE | TAKES_CAP,
	  "call paths that demand each capability, ranked" },
	{ "folded", &folded_command, REPORT | TAKES_EXE | TAKES_CAP,
	  "folded stacks for flame graph tools" },
	{ "flamegraph", &flamegraph_command, REPORT | TAKES_EXE | TAKES_CAP,
	  "a self-contained SVG flame graph" },
	{ "pprof", &pprof_command, NEEDS_DATABASE | TAKES_EXE | TAKES_CAP,
	  "a pprof profile (profile.proto) of the call paths" },
	{ "policy", &policy_command, REPORT | TAKES_EXE,
	  "the minimal capability set: setcap, systemd, docker, k8s" },
	{ "diff", &diff_command, TAKES_FORMAT | TAKES_DEBUG_DIR, "what changed between two recordings or databases" },
	{ "check", &check_command, REPORT | TAKES_EXE,
	  "fail when a run used capabilities outside an allowed set" },
	{ "replay", &replay_command, STREAMS_RECORDING | TAKES_CAP | TAKES_DEBUG_DIR,
	  "print a recording like live caprec output" },
	{ "sql", &sql_command, REPORT | LAST_ARG_IS_QUERY, "run SQL over a database or recordings" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

/* Parses the shared options, opens what the flags ask for, runs the command. */
static int run_command(const struct command *c, int argc, char **argv)
{
	struct analyze_session session;
	void *state = calloc(1, c->ops->state_size ? c->ops->state_size : 1);
	int status;

	if (!state) {
		fprintf(stderr, "capanalyze %s: out of memory\n", c->name);
		return EXIT_INTERNAL;
	}
	status = session_parse(&session, c, state, argc, argv);
	if (status == SESSION_CONTINUE && c->ops->prepare)
		status = c->ops->prepare(&session, state);
	if (status == SESSION_CONTINUE && (c->flags & NEEDS_DATABASE))
		status = session_open(&session);
	if (status == SESSION_CONTINUE)
		status = c->ops->run(&session, state);
	if (c->ops->release)
		c->ops->release(state);
	free(state);
	session_close(&session);
	return status;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: capanalyze <command> [options] [args]\n"
		"       capanalyze <command> --help\n"
		"\n"
		"Answers from caprec recordings: which capabilities software uses, from\n"
		"which code paths, and the minimal set it can run with. Every report takes\n"
		"recordings (loaded into a cached database) or a database made by load.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"exit status: 0 success (diff: equal, check: within the allowed set);\n"
		"1 diff found differences / check found violations; 2 usage error, an\n"
		"input that cannot be read, or an --exe/--cap that matches nothing;\n"
		"3 internal error (memory, SQLite, output).\n");
}

int main(int argc, char **argv)
{
	const char *name;

	/*
	 * One thread: no SQLite mutexes, and no global memory statistics (a lock
	 * on every allocation). Must come before any other SQLite call.
	 */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("capanalyze %s\n", CAPREC_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(name, "help") && argc >= 3) {
		char *help_argv[] = { argv[2], "--help", NULL };

		for (size_t i = 0; i < COMMAND_COUNT; i++)
			if (!strcmp(commands[i].name, argv[2]))
				return run_command(&commands[i], 2, help_argv);
		fprintf(stderr, "capanalyze: '%s' is not a command\n\n", argv[2]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < COMMAND_COUNT; i++)
		if (!strcmp(commands[i].name, name))
			return run_command(&commands[i], argc - 1, argv + 1);
	fprintf(stderr, "capanalyze: '%s' is not a command\n\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
