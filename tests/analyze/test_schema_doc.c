// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_schema_doc.c - schemas/SCHEMA.md and the schema agree: every table,
 * view and index the SQL creates is documented, with every column in order
 * and its declared type; nothing is documented that does not exist; and the
 * document states the schema's PRAGMA user_version.
 *
 * SCHEMA.md's path comes from the environment (SCHEMA_MD), set by meson.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "schema.h"

#define MAX_OBJECTS 64
#define MAX_COLUMNS 64

struct doc_object {
	char kind[8];   /* "table", "view", "index" */
	char name[64];
	int columns;
	char column[MAX_COLUMNS][64];
	char type[MAX_COLUMNS][16];
};

struct doc {
	struct doc_object objects[MAX_OBJECTS];
	int count;
	int user_version; /* from "currently **N**" */
};

/* Copies the text between the first pair of backticks in line into out. */
static bool backticked(const char *line, char *out, size_t size)
{
	const char *start = strchr(line, '`');
	const char *end = start ? strchr(start + 1, '`') : NULL;

	if (!end || (size_t)(end - start - 1) >= size)
		return false;
	memcpy(out, start + 1, (size_t)(end - start - 1));
	out[end - start - 1] = '\0';
	return true;
}

/* Splits a Markdown table row "| a | b | c |" into trimmed cells. Returns the count. */
static int cells(char *line, char **cell, int max)
{
	int n = 0;
	char *p = strchr(line, '|');

	while (p && n < max) {
		char *next = strchr(p + 1, '|');
		char *start = p + 1, *end;

		if (!next)
			break;
		*next = '\0';
		while (isspace((unsigned char)*start))
			start++;
		end = start + strlen(start);
		while (end > start && isspace((unsigned char)end[-1]))
			*--end = '\0';
		cell[n++] = start;
		p = next;
	}
	return n;
}

static void parse_doc(const char *path, struct doc *doc)
{
	FILE *f = fopen(path, "r");
	struct doc_object *current = NULL;
	bool in_indexes = false;
	char line[1024];

	if (!f)
		fail_msg("cannot open %s (set SCHEMA_MD)", path);
	memset(doc, 0, sizeof(*doc));
	doc->user_version = -1;
	while (fgets(line, sizeof(line), f)) {
		char *cell[8];
		const char *version = strstr(line, "currently **");
		int n;

		if (version)
			doc->user_version = atoi(version + strlen("currently **"));
		if (!strncmp(line, "## ", 3)) {
			current = NULL;
			in_indexes = !strncmp(line, "## Indexes", 10);
			continue;
		}
		if (!strncmp(line, "### Table `", 11) || !strncmp(line, "### View `", 10)) {
			assert_true(doc->count < MAX_OBJECTS);
			current = &doc->objects[doc->count++];
			snprintf(current->kind, sizeof(current->kind), "%s",
				 line[4] == 'T' ? "table" : "view");
			assert_true(backticked(line, current->name, sizeof(current->name)));
			continue;
		}
		if (line[0] != '|' || strstr(line, "---"))
			continue;
		n = cells(line, cell, 8);
		if (in_indexes && n == 2 && strcmp(cell[0], "index")) {
			struct doc_object *index = &doc->objects[doc->count++];

			snprintf(index->kind, sizeof(index->kind), "index");
			snprintf(index->name, sizeof(index->name), "%s", cell[0]);
		} else if (current && n == 3 && strcmp(cell[0], "column")) {
			assert_true(current->columns < MAX_COLUMNS);
			snprintf(current->column[current->columns], 64, "%s", cell[0]);
			snprintf(current->type[current->columns], 16, "%s", cell[1]);
			current->columns++;
		}
	}
	fclose(f);
}

static const struct doc_object *find(const struct doc *doc, const char *kind, const char *name)
{
	for (int i = 0; i < doc->count; i++)
		if (!strcmp(doc->objects[i].kind, kind) && !strcmp(doc->objects[i].name, name))
			return &doc->objects[i];
	return NULL;
}

static sqlite3 *schema_db(void)
{
	sqlite3 *db = NULL;
	char err[256];

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	if (schema_ensure(db, err, sizeof(err)) || schema_create_indexes(db, err, sizeof(err)))
		fail_msg("%s", err);
	return db;
}

/* Every object in the database is documented, column by column, type by type. */
static void test_database_matches_doc(void **state)
{
	struct doc *doc = calloc(1, sizeof(*doc));
	sqlite3 *db = schema_db();
	sqlite3_stmt *objects = NULL;
	int found = 0;

	(void)state;
	parse_doc(getenv("SCHEMA_MD") ? getenv("SCHEMA_MD") : "schemas/SCHEMA.md", doc);
	assert_true(doc->count > 10);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT type, name FROM sqlite_schema WHERE "
						"name NOT LIKE 'sqlite_%' ORDER BY name", -1,
					    &objects, NULL), SQLITE_OK);
	while (sqlite3_step(objects) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(objects, 0);
		const char *name = (const char *)sqlite3_column_text(objects, 1);
		const struct doc_object *d = find(doc, kind, name);
		sqlite3_stmt *columns = NULL;
		int i = 0;

		if (!d)
			fail_msg("%s %s is not described in SCHEMA.md", kind, name);
		found++;
		if (!strcmp(kind, "index"))
			continue;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1)",
						    -1, &columns, NULL), SQLITE_OK);
		sqlite3_bind_text(columns, 1, name, -1, SQLITE_STATIC);
		for (; sqlite3_step(columns) == SQLITE_ROW; i++) {
			const char *column = (const char *)sqlite3_column_text(columns, 0);
			const char *type = (const char *)sqlite3_column_text(columns, 1);

			if (i >= d->columns)
				fail_msg("%s.%s is not described in SCHEMA.md", name, column);
			if (strcmp(d->column[i], column))
				fail_msg("%s column %d: SCHEMA.md says %s, the schema has %s", name,
					 i + 1, d->column[i], column);
			/* a view's column types come from its expressions: tables only */
			if (!strcmp(kind, "table") && strcmp(d->type[i], type))
				fail_msg("%s.%s: SCHEMA.md says %s, the schema says %s", name,
					 column, d->type[i], type);
		}
		if (i != d->columns)
			fail_msg("%s: SCHEMA.md describes %d columns, the schema has %d", name,
				 d->columns, i);
		sqlite3_finalize(columns);
	}
	sqlite3_finalize(objects);
	/* and nothing is described that does not exist */
	if (found != doc->count)
		fail_msg("SCHEMA.md describes %d objects, the schema has %d", doc->count, found);
	assert_int_equal(doc->user_version, schema_user_version());
	sqlite3_close(db);
	free(doc);
}

static void test_user_version(void **state)
{
	sqlite3 *db = schema_db();
	sqlite3_stmt *stmt = NULL;

	(void)state;
	assert_true(schema_user_version() >= 1);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), schema_user_version());
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_database_matches_doc),
		cmocka_unit_test(test_user_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
