// SPDX-License-Identifier: GPL-2.0-only
/* report_filter.c - parsing and binding of report filters (see report_filter.h). */
#include "report_filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscall_names.h"

int report_filter_option(struct report_filter *f, const char *cmd, int option, const char *value)
{
	char *end;

	switch (option) {
	case FILTER_VERDICT:
		if (!strcmp(value, "allow") || !strcmp(value, "granted")) {
			f->verdict = "granted";
		} else if (!strcmp(value, "deny") || !strcmp(value, "denied")) {
			f->verdict = "denied";
		} else {
			fprintf(stderr, "capanalyze %s: --verdict must be allow or deny, not '%s'\n",
				cmd, value);
			return -1;
		}
		return 0;
	case FILTER_SYSCALL:
		if (syscall_parse(value, &f->syscall_nr)) {
			fprintf(stderr, "capanalyze %s: unknown system call '%s'\n", cmd, value);
			return -1;
		}
		f->has_syscall = true;
		return 0;
	case FILTER_LIMIT:
		errno = 0;
		f->limit = strtol(value, &end, 10);
		if (errno || end == value || *end || f->limit < 1) {
			fprintf(stderr, "capanalyze %s: --limit needs a positive number, not '%s'\n",
				cmd, value);
			return -1;
		}
		return 0;
	}
	fprintf(stderr, "capanalyze %s: unknown filter option\n", cmd);
	return -1;
}

int report_filter_bind(const struct report_filter *f, sqlite3_stmt *stmt)
{
	int rc;

	rc = f->caps ? sqlite3_bind_int64(stmt, 1, (sqlite3_int64)f->caps)
		     : sqlite3_bind_null(stmt, 1);
	if (!rc)
		rc = f->exe_glob ? sqlite3_bind_text(stmt, 2, f->exe_glob, -1, SQLITE_STATIC)
				 : sqlite3_bind_null(stmt, 2);
	if (!rc)
		rc = f->verdict ? sqlite3_bind_text(stmt, 3, f->verdict, -1, SQLITE_STATIC)
				: sqlite3_bind_null(stmt, 3);
	if (!rc)
		rc = f->has_syscall ? sqlite3_bind_int(stmt, 4, f->syscall_nr)
				    : sqlite3_bind_null(stmt, 4);
	return rc;
}
