// SPDX-License-Identifier: GPL-2.0-only
/*
 * output.c - table, JSON and CSV writer for report rows (see output.h).
 *
 * Cells arrive as typed values; each is rendered to text at once (numbers in
 * a stable form, text escaped for the format), so the table format only
 * buffers strings, and JSON/CSV write straight through.
 */
#include "output.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "text_escape.h"

struct cell {
	char *text;   /* rendered, owned */
	bool numeric; /* right-aligned in a table */
};

struct output {
	FILE *out;
	enum output_format format;
	int columns;      /* 0 until output_columns() */
	char **names;
	int cell;         /* index of the next cell in the current row */
	struct cell *row; /* table: the current row; json/csv: unused */
	bool any_row;     /* json: a row was written (comma before the next) */
	bool failed;      /* a write failed: everything after is pointless */
	int error;        /* ... with this negative errno */
	/*
	 * table: rows kept until output_finish() sizes the columns, or until
	 * TABLE_SIZING_ROWS of them have come: then the widths are fixed from
	 * those, and later rows are printed as they come (a wider cell just
	 * overflows), so a big result does not have to fit in memory.
	 */
	struct cell **rows;
	size_t row_count;
	size_t row_capacity;
	size_t *width;    /* NULL until the header is printed */
};

#define TABLE_SIZING_ROWS 1000

int output_parse_format(const char *name, enum output_format *format)
{
	if (!name)
		return -EINVAL;
	if (!strcmp(name, "table"))
		*format = OUTPUT_TABLE;
	else if (!strcmp(name, "json"))
		*format = OUTPUT_JSON;
	else if (!strcmp(name, "csv"))
		*format = OUTPUT_CSV;
	else
		return -EINVAL;
	return 0;
}

struct output *output_new(FILE *out, enum output_format format)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->out = out;
	o->format = format;
	return o;
}

static void free_row(struct cell *row, int columns)
{
	if (!row)
		return;
	for (int i = 0; i < columns; i++)
		free(row[i].text);
	free(row);
}

void output_free(struct output *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->row_count; i++)
		free_row(o->rows[i], o->columns);
	free(o->rows);
	free(o->width);
	free_row(o->row, o->columns);
	for (int i = 0; i < o->columns; i++)
		free(o->names[i]);
	free(o->names);
	free(o);
}

/* Growable string used while rendering one cell. */
struct text {
	char *data;
	size_t len;
	size_t cap;
	bool nomem;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->nomem)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 32;
		char *data;

		while (cap < t->len + n + 1)
			cap *= 2;
		data = realloc(t->data, cap);
		if (!data) {
			t->nomem = true;
			return;
		}
		t->data = data;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

static void text_addc(struct text *t, char c)
{
	text_add(t, &c, 1);
}

/*
 * A text cell or column name rendered for the format, by text_escape.c, the
 * one escaping every capanalyze output shares: NULL when out of memory.
 */
static char *render_string(enum output_format format, const char *value)
{
	struct strbuf sb = STRBUF_INIT;

	switch (format) {
	case OUTPUT_TABLE:
		escape_terminal(&sb, value);
		break;
	case OUTPUT_JSON:
		escape_json(&sb, value);
		break;
	case OUTPUT_CSV:
		escape_csv(&sb, value);
		break;
	}
	return strbuf_detach(&sb);
}

/* Appends value rendered for format to t. */
static void text_add_rendered(struct text *t, enum output_format format, const char *value)
{
	char *rendered = render_string(format, value);

	if (!rendered) {
		t->nomem = true;
		return;
	}
	text_add(t, rendered, strlen(rendered));
	free(rendered);
}

/* The errno of a failed stdio write (ENOSPC, EPIPE, EBADF), so the message can say it. */
static int write_error(struct output *o)
{
	o->failed = true;
	o->error = errno ? -errno : -EIO;
	return o->error;
}

static int write_all(struct output *o, const char *s, size_t n)
{
	if (o->failed)
		return o->error;
	errno = 0;
	if (n && fwrite_unlocked(s, 1, n, o->out) != n) /* one thread: no stdio lock per cell */
		return write_error(o);
	return 0;
}

static int write_str(struct output *o, const char *s)
{
	return write_all(o, s, strlen(s));
}

int output_columns(struct output *o, int count, const char *const *names)
{
	struct text line = { 0 };
	int err = 0;

	if (o->columns || count <= 0)
		return -EINVAL;
	o->names = calloc((size_t)count, sizeof(*o->names));
	if (!o->names)
		return -ENOMEM;
	o->columns = count;
	for (int i = 0; i < count; i++) {
		/* Kept rendered for a table (sql's column names are the user's text). */
		o->names[i] = o->format == OUTPUT_TABLE ? render_string(OUTPUT_TABLE, names[i] ?
									  names[i] : "") :
							  strdup(names[i] ? names[i] : "");
		if (!o->names[i])
			return -ENOMEM;
	}
	switch (o->format) {
	case OUTPUT_TABLE:
		break;
	case OUTPUT_JSON:
		err = write_str(o, "[");
		break;
	case OUTPUT_CSV:
		for (int i = 0; i < count; i++) {
			if (i)
				text_addc(&line, ',');
			text_add_rendered(&line, OUTPUT_CSV, o->names[i]);
		}
		text_add(&line, "\r\n", 2);
		err = line.nomem ? -ENOMEM : write_all(o, line.data, line.len);
		break;
	}
	free(line.data);
	return err;
}

int output_columns_stmt(struct output *o, sqlite3_stmt *stmt)
{
	int count = sqlite3_column_count(stmt);
	const char **names;
	int err;

	if (count <= 0)
		return -EINVAL;
	names = calloc((size_t)count, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (int i = 0; i < count; i++)
		names[i] = sqlite3_column_name(stmt, i);
	err = output_columns(o, count, names);
	free(names);
	return err;
}

/* Adds one rendered cell (ownership of text moves to the output). */
static int add_cell(struct output *o, char *text, bool numeric)
{
	struct text line = { 0 };
	int err = 0;

	if (!text)
		return -ENOMEM;
	if (!o->columns || o->cell >= o->columns) {
		free(text);
		return -EINVAL;
	}
	if (o->format == OUTPUT_TABLE) {
		if (!o->row) {
			o->row = calloc((size_t)o->columns, sizeof(*o->row));
			if (!o->row) {
				free(text);
				return -ENOMEM;
			}
		}
		o->row[o->cell].text = text;
		o->row[o->cell].numeric = numeric;
		o->cell++;
		return 0;
	}
	if (o->format == OUTPUT_JSON) {
		if (o->cell == 0)
			text_add(&line, o->any_row ? ",\n{" : "\n{", o->any_row ? 3 : 2);
		else
			text_addc(&line, ',');
		text_add_rendered(&line, OUTPUT_JSON, o->names[o->cell]);
		text_addc(&line, ':');
	} else if (o->cell) {
		text_addc(&line, ',');
	}
	text_add(&line, text, strlen(text));
	free(text);
	err = line.nomem ? -ENOMEM : write_all(o, line.data, line.len);
	free(line.data);
	o->cell++;
	return err;
}

static char *format_number(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format_number(const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return strdup(buf);
}

int output_int(struct output *o, int64_t value)
{
	return add_cell(o, format_number("%" PRId64, value), true);
}

int output_double(struct output *o, double value)
{
	if (!isfinite(value))
		return output_null(o);
	return add_cell(o, format_number("%.15g", value), true);
}

int output_bool(struct output *o, bool value)
{
	/* JSON's own literals; the words in table and csv, where 1/0 would read as counts */
	return add_cell(o, strdup(value ? "true" : "false"), false);
}

int output_null(struct output *o)
{
	/* table: empty, like sqlite3's column mode; csv: an empty field */
	return add_cell(o, strdup(o->format == OUTPUT_JSON ? "null" : ""), false);
}

int output_text(struct output *o, const char *value)
{
	if (!value)
		return output_null(o);
	return add_cell(o, render_string(o->format, value), false);
}

static int flush_table(struct output *o);

int output_end_row(struct output *o)
{
	int err = 0;

	if (!o->columns || o->cell != o->columns)
		return -EINVAL;
	o->cell = 0;
	switch (o->format) {
	case OUTPUT_TABLE:
		if (o->row_count == o->row_capacity) {
			size_t cap = o->row_capacity ? o->row_capacity * 2 : 64;
			struct cell **rows = realloc(o->rows, cap * sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			o->rows = rows;
			o->row_capacity = cap;
		}
		o->rows[o->row_count++] = o->row;
		o->row = NULL;
		if (o->width || o->row_count >= TABLE_SIZING_ROWS)
			err = flush_table(o);
		break;
	case OUTPUT_JSON:
		err = write_str(o, "}");
		o->any_row = true;
		break;
	case OUTPUT_CSV:
		err = write_str(o, "\r\n");
		break;
	}
	return err;
}

int output_row_stmt(struct output *o, sqlite3_stmt *stmt)
{
	int count = sqlite3_column_count(stmt);
	int err = 0;

	for (int i = 0; i < count && !err; i++) {
		switch (sqlite3_column_type(stmt, i)) {
		case SQLITE_INTEGER:
			err = output_int(o, sqlite3_column_int64(stmt, i));
			break;
		case SQLITE_FLOAT:
			err = output_double(o, sqlite3_column_double(stmt, i));
			break;
		case SQLITE_NULL:
			err = output_null(o);
			break;
		default: /* text, and blobs shown as their bytes */
			err = output_text(o, (const char *)sqlite3_column_text(stmt, i));
			break;
		}
	}
	return err ? err : output_end_row(o);
}

int output_query(struct output *o, sqlite3_stmt *stmt)
{
	int err = output_columns_stmt(o, stmt);
	int rc;

	while (!err && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		err = output_row_stmt(o, stmt);
	if (err)
		return err;
	if (rc != SQLITE_DONE)
		return -EPROTO;
	return output_finish(o);
}

/* Display width of a UTF-8 string: one column per code point (good enough for names). */
static size_t display_width(const char *s)
{
	size_t width = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			width++;
	return width;
}

static int write_spaces(struct output *o, size_t count)
{
	static const char spaces[64] = "                                                               ";
	int err = 0;

	while (count && !err) {
		size_t n = count < sizeof(spaces) - 1 ? count : sizeof(spaces) - 1;

		err = write_all(o, spaces, n);
		count -= n;
	}
	return err;
}

static int write_padded(struct output *o, const char *s, size_t width, bool right, bool last)
{
	size_t have = display_width(s);
	size_t pad = have < width ? width - have : 0;
	int err = 0;

	if (right)
		err = write_spaces(o, pad);
	if (!err)
		err = write_str(o, s);
	if (!right && !last && !err)
		err = write_spaces(o, pad);
	return err;
}

/* Sizes the columns from the rows seen so far and prints the header and its rule. */
static int print_table_header(struct output *o)
{
	int err = 0;

	o->width = calloc((size_t)o->columns, sizeof(*o->width));
	if (!o->width)
		return -ENOMEM;
	for (int c = 0; c < o->columns; c++) {
		o->width[c] = display_width(o->names[c]);
		for (size_t r = 0; r < o->row_count; r++) {
			size_t w = display_width(o->rows[r][c].text);

			if (w > o->width[c])
				o->width[c] = w;
		}
	}
	/* Header, then a rule under each column; two spaces between columns. */
	for (int c = 0; c < o->columns && !err; c++) {
		if (c)
			err = write_all(o, "  ", 2);
		if (!err)
			err = write_padded(o, o->names[c], o->width[c], false, c == o->columns - 1);
	}
	if (!err)
		err = write_all(o, "\n", 1);
	for (int c = 0; c < o->columns && !err; c++) {
		if (c)
			err = write_all(o, "  ", 2);
		for (size_t i = 0; i < o->width[c] && !err; i++)
			err = write_all(o, "-", 1);
	}
	if (!err)
		err = write_all(o, "\n", 1);
	return err;
}

/* Prints (the header if not yet, then) the buffered rows, and forgets them. */
static int flush_table(struct output *o)
{
	int err = o->width ? 0 : print_table_header(o);

	for (size_t r = 0; r < o->row_count && !err; r++) {
		for (int c = 0; c < o->columns && !err; c++) {
			if (c)
				err = write_all(o, "  ", 2);
			if (!err)
				err = write_padded(o, o->rows[r][c].text, o->width[c],
						   o->rows[r][c].numeric, c == o->columns - 1);
		}
		if (!err)
			err = write_all(o, "\n", 1);
	}
	for (size_t r = 0; r < o->row_count; r++)
		free_row(o->rows[r], o->columns);
	o->row_count = 0;
	return err;
}

int output_finish(struct output *o)
{
	int err = 0;

	if (!o->columns || o->cell)
		return -EINVAL;
	switch (o->format) {
	case OUTPUT_TABLE:
		err = flush_table(o);
		break;
	case OUTPUT_JSON:
		err = write_str(o, o->any_row ? "\n]\n" : "]\n");
		break;
	case OUTPUT_CSV:
		break;
	}
	errno = 0;
	if (!err && fflush(o->out) != 0)
		err = write_error(o);
	return err;
}
