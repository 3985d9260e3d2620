/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_filter.h - the filters paths, folded and flamegraph share: --cap
 * and --exe (parsed by the session, session.h), --verdict, --syscall,
 * --limit (parsed here). Values reach SQL only as bound parameters
 * (report_filter_bind()).
 */
#ifndef REPORTS_REPORT_FILTER_H
#define REPORTS_REPORT_FILTER_H

#include <stdbool.h>

#include <sqlite3.h>

#include "cap_set.h"

struct report_filter {
	cap_set_t caps;       /* 0: any */
	const char *exe_glob; /* NULL: any (exe_match.h) */
	const char *verdict;  /* NULL, "granted" or "denied" */
	int syscall_nr;
	bool has_syscall;
	long limit;           /* paths per capability; 0: all */
};

/* Long options of the filters; values start at 0x100 to stay clear of short options. */
enum report_filter_option {
	FILTER_VERDICT = 0x100,
	FILTER_SYSCALL,
	FILTER_LIMIT,
};

/* For getopt_long tables: { "verdict", required_argument, NULL, FILTER_VERDICT }, ... */
#define REPORT_FILTER_LONG_OPTIONS                                                 \
	{ "verdict", required_argument, NULL, FILTER_VERDICT },                     \
	{ "syscall", required_argument, NULL, FILTER_SYSCALL }

#define REPORT_FILTER_HELP                                                          \
	"  --cap CAP          only this capability (CAP_CHOWN, chown or a number;\n"  \
	"                     repeatable)\n"                                             \
	"  --exe GLOB         only executables matching GLOB (with a '/': the full\n"  \
	"                     path, else the base name; fnmatch(3) syntax)\n"           \
	"  --verdict V        allow|granted or deny|denied\n"                          \
	"  --syscall S        only checks made serving syscall S (name or number)\n"

/*
 * Applies one filter option. Returns 0, or -1 after printing
 * "capanalyze <cmd>: <what is wrong>" on a bad value.
 */
int report_filter_option(struct report_filter *f, const char *cmd, int option, const char *value);

/*
 * The SQL condition over check_aggregate aliased "a", with parameters
 * ?1..?4 (capability set as a bit mask, exe glob, verdict, syscall; NULL =
 * any). Needs exe_match() registered on the database (the session does).
 */
#define REPORT_FILTER_WHERE                                                         \
	"(?1 IS NULL OR (a.cap BETWEEN 0 AND 63 AND (?1 >> a.cap) & 1)) "           \
	"AND (?2 IS NULL OR exe_match(?2, a.exe_path)) "                            \
	"AND (?3 IS NULL OR a.verdict = ?3) AND (?4 IS NULL OR a.syscall_nr = ?4)"

/* Binds parameters 1..4 of REPORT_FILTER_WHERE. Returns a SQLite result code. */
int report_filter_bind(const struct report_filter *f, sqlite3_stmt *stmt);

#endif /* REPORTS_REPORT_FILTER_H */
