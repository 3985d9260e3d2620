/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * commands.h - the subcommands of capanalyze, one function each.
 *
 * Each cmd_<name>() receives argv with argv[0] = "<name>" (as git's builtins
 * do), owns its own usage text and options, prints its own errors once, and
 * returns the process exit status (enum exit_status below).
 *
 * load, info, summary, replay and sql live in analyze/cmd_<name>.c; paths,
 * folded, flamegraph, policy, diff and check in analyze/reports/cmd_<name>.c.
 */
#ifndef CAPANALYZE_COMMANDS_H
#define CAPANALYZE_COMMANDS_H

/* Exit statuses shared by every subcommand (documented in --help and capanalyze(1)). */
enum exit_status {
	EXIT_OK = 0,         /* success; for diff: equal; for check: no violation */
	EXIT_DIFFERS = 1,    /* diff: the inputs differ; check: a violation was found */
	EXIT_USAGE = 2,      /* bad command line, or an input that cannot be read */
	EXIT_INTERNAL = 3,   /* out of memory, SQLite error, write error on the output */
};

int cmd_load(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sql(int argc, char **argv);

int cmd_paths(int argc, char **argv);
int cmd_folded(int argc, char **argv);
int cmd_flamegraph(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif /* CAPANALYZE_COMMANDS_H */
