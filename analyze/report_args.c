// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_args.c - the command-line pieces every report shares (report_args.h).
 */
#include "report_args.h"

#include <stdio.h>

#include "commands.h"
#include "input.h"

int report_parse_format(const char *cmd, const char *value, enum output_format *format)
{
	if (output_parse_format(value, format) == 0)
		return 0;
	fprintf(stderr, "capanalyze %s: unknown format '%s' (table, json or csv)\n", cmd, value);
	return -1;
}

int report_open(const char *cmd, char *const *inputs, int count, sqlite3 **db)
{
	char err[INPUT_ERROR_SIZE];

	if (input_open(inputs, count, 1, db, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "capanalyze %s: %s\n", cmd, err);
	return -1;
}

int report_sql_error(const char *cmd, sqlite3 *db, const char *what)
{
	fprintf(stderr, "capanalyze %s: %s: %s\n", cmd, what, sqlite3_errmsg(db));
	return EXIT_INTERNAL;
}
