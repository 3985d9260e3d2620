// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - capanalyze: the command table and dispatch, git style. Each
 * subcommand lives in its own cmd_<name>.c with its usage text and options;
 * its return value is the exit status.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "commands.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "load", cmd_load, "load recordings into a SQLite database" },
	{ "info", cmd_info, "describe a recording: host, options, blocks, integrity" },
	{ "summary", cmd_summary, "capabilities used and denied per executable" },
#ifdef HAVE_REPORTS
	{ "paths", cmd_paths, "call paths that demand each capability, ranked" },
	{ "folded", cmd_folded, "folded stacks for flame graph tools" },
	{ "flamegraph", cmd_flamegraph, "a self-contained SVG flame graph" },
	{ "policy", cmd_policy, "the minimal capability set: setcap, systemd, docker, k8s" },
	{ "diff", cmd_diff, "what changed between two recordings or databases" },
	{ "check", cmd_check, "fail when a run used capabilities outside an allowed set" },
#endif
	{ "replay", cmd_replay, "print a recording like live caprec output" },
	{ "sql", cmd_sql, "run SQL over a database or recordings" },
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

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
		"1 diff found differences / check found violations; 2 usage error or an\n"
		"input that cannot be read; 3 internal error (memory, SQLite, output).\n");
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
				return commands[i].run(2, help_argv);
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
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "capanalyze: '%s' is not a command\n\n", name);
	usage(stderr);
	return EXIT_USAGE;
}
