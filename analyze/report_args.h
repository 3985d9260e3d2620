/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_args.h - what every report's command line shares: --format, and
 * the inputs (a database or recordings) opened as one database.
 */
#ifndef CAPANALYZE_REPORT_ARGS_H
#define CAPANALYZE_REPORT_ARGS_H

#include <sqlite3.h>

#include "output.h"

/*
 * Parses the value of --format for command cmd into *format. Prints a
 * one-line error and returns -1 on an unknown name.
 */
int report_parse_format(const char *cmd, const char *value, enum output_format *format);

/*
 * Opens inputs[0..count-1] with input_open() (progress bar on a terminal).
 * Prints a one-line error prefixed "capanalyze <cmd>: " and returns -1 on
 * failure.
 */
int report_open(const char *cmd, char *const *inputs, int count, sqlite3 **db);

/* Prints "capanalyze <cmd>: <what>: <sqlite's message>" and returns EXIT_INTERNAL. */
int report_sql_error(const char *cmd, sqlite3 *db, const char *what);

#endif /* CAPANALYZE_REPORT_ARGS_H */
