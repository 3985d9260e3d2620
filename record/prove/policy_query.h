/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_query.h - asks capanalyze for the decisions of a recording
 * (`capanalyze policy REC --format csv`, one row per decision) and keeps
 * them as rows: the set of a form, and the denied checks with their call
 * paths. capanalyze is found next to caprec (installed or in the build
 * tree), or on PATH; $CAPANALYZE overrides both.
 */
#ifndef CAPREC_PROVE_POLICY_QUERY_H
#define CAPREC_PROVE_POLICY_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct policy_row {
	char *group;
	char *decision;
	char *reason;
	char *exe;
	char *syscall;
	char *user_stack;
	char *kernel_stack;
	long checks;
	int cap;     /* -1 when capanalyze named a capability this table does not know */
	bool in_set;
};

struct policy_rows {
	struct policy_row *rows;
	size_t count;
};

/* Finds capanalyze into path. Returns 0 or -ENOENT. */
int policy_find_capanalyze(char *path, size_t size);

/*
 * Runs `capanalyze policy RECORDING --format csv [--form FORM] [--exe GLOB]`
 * (form and exe_glob may be NULL). set_form names the form whose set column
 * (in_FORM) counts when the output has no in_set column and no --form was
 * given. cache_dir, when not NULL, is capanalyze's XDG_CACHE_HOME (its cached
 * databases then go where the caller cleans up). Returns 0, or a negative
 * errno with the reason (capanalyze's own message when it refused) in errbuf.
 */
int policy_query(const char *capanalyze, const char *recording, const char *form,
		 const char *set_form, const char *exe_glob, const char *cache_dir,
		 struct policy_rows *out, char *errbuf, size_t errsize);

/* The union of the rows' sets (in_set). */
uint64_t policy_rows_set(const struct policy_rows *p);

/* Whether a row is a denied check. */
bool policy_row_denied(const struct policy_row *row);

/* Frees one row's strings (the row stays, zeroed). */
void policy_row_release(struct policy_row *r);

void policy_rows_free(struct policy_rows *p);

/*
 * Parses CSV text (RFC 4180 quoting) with a header line into rows; columns are
 * found by name. A row is in the set by its in_set column, or without one by
 * in_FORM. Returns 0 or -EINVAL/-ENOMEM.
 */
int policy_parse_csv(const char *text, const char *form, struct policy_rows *out, char *errbuf,
		     size_t errsize);

#endif /* CAPREC_PROVE_POLICY_QUERY_H */
