// SPDX-License-Identifier: GPL-2.0-only
/*
 * schema.c - creates and checks the capanalyze database schema.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int schema_user_version(void)
{
	const char *pragma = strstr(caprec_schema_sql, "PRAGMA user_version = ");

	if (!pragma)
		return -1;
	return atoi(pragma + strlen("PRAGMA user_version = "));
}

int schema_read_version(sqlite3 *db, int *version, char *err, size_t err_size)
{
	sqlite3_stmt *stmt = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, err_size, "cannot read the schema version: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	*version = sqlite3_column_int(stmt, 0);
	ret = 0;
cleanup:
	sqlite3_finalize(stmt);
	return ret;
}

/* True when db has no tables at all (a new file, or a new in-memory database). */
static int is_empty(sqlite3 *db, int *empty, char *err, size_t err_size)
{
	sqlite3_stmt *stmt = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &stmt, NULL) !=
		    SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, err_size, "not a readable SQLite database: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	*empty = sqlite3_column_int(stmt, 0) == 0;
	ret = 0;
cleanup:
	sqlite3_finalize(stmt);
	return ret;
}

int schema_ensure(sqlite3 *db, char *err, size_t err_size)
{
	int empty, version;
	char *message = NULL;

	if (is_empty(db, &empty, err, err_size))
		return -1;
	if (empty) {
		if (sqlite3_exec(db, caprec_schema_sql, NULL, NULL, &message) != SQLITE_OK) {
			snprintf(err, err_size, "cannot create the schema: %s",
				 message ? message : sqlite3_errmsg(db));
			sqlite3_free(message);
			return -1;
		}
		return 0;
	}
	if (schema_read_version(db, &version, err, err_size))
		return -1;
	if (version == 0) {
		snprintf(err, err_size, "an unfinished capanalyze database (user_version 0: a load "
			 "that did not complete); delete it and load again");
		return -1;
	}
	if (version != schema_user_version()) {
		snprintf(err, err_size,
			 "not a capanalyze database of schema version %d (it has user_version %d)",
			 schema_user_version(), version);
		return -1;
	}
	return 0;
}

static int set_version(sqlite3 *db, int version, char *err, size_t err_size)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "cannot set the schema version: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int schema_mark_unfinished(sqlite3 *db, char *err, size_t err_size)
{
	return set_version(db, 0, err, err_size);
}

int schema_mark_finished(sqlite3 *db, char *err, size_t err_size)
{
	return set_version(db, schema_user_version(), err, err_size);
}

int schema_create_indexes(sqlite3 *db, char *err, size_t err_size)
{
	char *message = NULL;

	if (sqlite3_exec(db, caprec_indexes_sql, NULL, NULL, &message) != SQLITE_OK) {
		snprintf(err, err_size, "cannot create the indexes: %s",
			 message ? message : sqlite3_errmsg(db));
		sqlite3_free(message);
		return -1;
	}
	return 0;
}
