/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.h - one writer of tabular results for every report:
 *   table  aligned columns under a header, like sqlite3's ".mode column";
 *   json   an array of objects, numbers as numbers, NULL as null;
 *   csv    RFC 4180: a header line, fields quoted when they hold a comma,
 *          a quote or a line break, CRLF line ends.
 *
 * Usage: output_new(), output_columns() once, then rows either from a
 * stepped statement (output_row_stmt(), or output_query() for all of it) or
 * cell by cell (output_int()/output_double()/output_bool()/output_text()/
 * output_null() followed by output_end_row()), then output_finish(),
 * output_free().
 *
 * The table format sizes its columns on the first 1000 rows (buffered), then
 * prints the rest as they come (a wider cell overflows its column); json and
 * csv stream. Errors are returned, never printed:
 * -ENOMEM, the write's negative errno (-ENOSPC, -EPIPE, -EBADF; -EIO when
 * stdio did not say), -EINVAL (a row with the wrong cell count).
 */
#ifndef CAPANALYZE_OUTPUT_H
#define CAPANALYZE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

enum output_format {
	OUTPUT_TABLE = 0,
	OUTPUT_JSON = 1,
	OUTPUT_CSV = 2,
};

struct output;

/* "table", "json" or "csv" -> *format. Returns 0, or -EINVAL for anything else. */
int output_parse_format(const char *name, enum output_format *format);

/* A writer to out (not owned). Returns NULL when out of memory. */
struct output *output_new(FILE *out, enum output_format format);

/* Declares the columns (names are copied). Must be called once, before any row. */
int output_columns(struct output *o, int count, const char *const *names);

/* Declares the columns from a prepared statement's column names. */
int output_columns_stmt(struct output *o, sqlite3_stmt *stmt);

/* Cells of the current row, left to right. A row ends with output_end_row(). */
int output_int(struct output *o, int64_t value);
int output_double(struct output *o, double value);
int output_bool(struct output *o, bool value); /* json true/false; table and csv "true"/"false" */
int output_text(struct output *o, const char *value); /* NULL value = output_null() */
int output_null(struct output *o);
int output_end_row(struct output *o);

/* Writes the current row of a statement that sqlite3_step() returned SQLITE_ROW for. */
int output_row_stmt(struct output *o, sqlite3_stmt *stmt);

/*
 * Declares the statement's columns, steps it to the end writing every row,
 * and finishes the output. Returns 0, a negative errno from the writer, or
 * -EPROTO when SQLite failed (sqlite3_errmsg() of the statement's db says why).
 */
int output_query(struct output *o, sqlite3_stmt *stmt);

/* Ends the output: prints the buffered table, closes the JSON array, flushes. */
int output_finish(struct output *o);

/* Accepts NULL. Does not close the FILE. */
void output_free(struct output *o);

#endif /* CAPANALYZE_OUTPUT_H */
