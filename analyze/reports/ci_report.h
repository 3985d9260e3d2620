/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ci_report.h - what a gate (check, diff) found, as the documents CI systems
 * read: SARIF 2.1.0 for code-scanning views and JUnit XML for test views.
 *
 * A report is a list of cases, one per executable x capability the gate
 * judged. A failed case carries the changes that failed it (for check one
 * per decision outside the allowed set, for diff one per row of the diff),
 * each with its example call path. SARIF gets one result per failed case;
 * JUnit one testcase per case, grouped in a testsuite per executable, so a
 * CI's test view counts what passed as well.
 *
 * The commands fill a report while they walk their rows; the writers
 * (sarif_writer.c, junit_writer.c) only format it. Nothing here prints
 * except to the FILE the writers are given.
 */
#ifndef REPORTS_CI_REPORT_H
#define REPORTS_CI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "strbuf.h"

/*
 * One reason a case failed, with the call path that shows it. The caller's
 * strings are borrowed; a case holds copies it owns.
 */
struct ci_change {
	const char *what;         /* "outside the allowed set", "added", "path removed", ... */
	const char *verdict;      /* "granted", "denied", "granted -> denied", a decision name */
	uint64_t checks;
	const char *syscall;      /* "" when none */
	const char *user_stack;   /* frames outermost first, ';'-joined ("" none) */
	const char *kernel_stack;
};

/* The rule that judged a case: its text, and where it is written when in a file. */
struct ci_rule {
	const char *text;   /* "allow.txt:3 nginx", "--allow CAP_CHOWN", "baseline A" */
	const char *file;   /* the policy file, or NULL */
	unsigned int line;  /* its line there, 0: none matched (or no file) */
};

struct ci_case {
	char *exe;
	int cap;
	char *rule;         /* the rule's text ("" none) */
	char *rule_file;    /* NULL: not in a file */
	unsigned int rule_line;
	bool failed;
	struct ci_change *changes;
	size_t change_count;
};

/* What the gate was: the names CI tools show for the rule and the run. */
struct ci_gate {
	const char *command;      /* "check", "diff" */
	const char *rule_id;      /* SARIF ruleId, JUnit failure type */
	const char *rule_name;    /* SARIF rule name, CamelCase */
	const char *rule_summary; /* one sentence */
	const char *level;        /* SARIF level of a failed case: "error", "warning" */
};

struct ci_report {
	const struct ci_gate *gate;
	char *const *recordings;  /* the inputs, as named on the command line */
	int recording_count;
	struct ci_case *cases;
	size_t count, capacity;
};

void ci_report_init(struct ci_report *r, const struct ci_gate *gate, char *const *recordings,
		    int recording_count);

/*
 * Adds a passing case, or nothing when the last case is the same
 * executable and capability (a capability judged by several rows).
 * Returns 0 or -ENOMEM.
 */
int ci_report_pass(struct ci_report *r, const char *exe, int cap, const struct ci_rule *rule);

/*
 * Adds change to the case of exe x cap, which fails: the last case when it
 * is the same pair, else a new one. The strings are copied. Returns 0 or
 * -ENOMEM.
 */
int ci_report_fail(struct ci_report *r, const char *exe, int cap, const struct ci_rule *rule,
		   const struct ci_change *change);

size_t ci_report_failures(const struct ci_report *r);

/* Sorts the cases by executable, then capability (the writers group by executable). */
void ci_report_sort(struct ci_report *r);

/* "CAP_CHOWN outside the allowed set (granted, 3 checks)" and the rest: one line per case. */
void ci_case_message(const struct ci_case *c, struct strbuf *sb);

/*
 * Writes the report as a SARIF 2.1.0 log (sarif_writer.c) or a JUnit XML
 * document (junit_writer.c) to out. Return 0 or -EIO / -ENOMEM.
 */
int ci_report_write_sarif(const struct ci_report *r, FILE *out);
int ci_report_write_junit(const struct ci_report *r, FILE *out);

/* Writes the report in the named format ("sarif", "junit"); -EINVAL for another name. */
int ci_report_write(const struct ci_report *r, const char *format, FILE *out);

void ci_report_release(struct ci_report *r);

#endif /* REPORTS_CI_REPORT_H */
