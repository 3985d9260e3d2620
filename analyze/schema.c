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

/* Runs a query of one integer. Returns 0, or -1 with err. */
static int query_int(sqlite3 *db, const char *sql, int *value, char *err, size_t err_size)
{
	sqlite3_stmt *stmt = NULL;
	int ret = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW) {
		snprintf(err, err_size, "not a readable SQLite database: %s", sqlite3_errmsg(db));
		goto cleanup;
	}
	*value = sqlite3_column_int(stmt, 0);
	ret = 0;
cleanup:
	sqlite3_finalize(stmt);
	return ret;
}

int schema_check(sqlite3 *db, char *err, size_t err_size)
{
	static const char tables_sql[] =
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
		"name IN ('recordings', 'events', 'check_aggregate')";
	int application_id, version, tables;

	if (query_int(db, "PRAGMA application_id", &application_id, err, err_size) ||
	    query_int(db, "PRAGMA user_version", &version, err, err_size) ||
	    query_int(db, tables_sql, &tables, err, err_size))
		return SCHEMA_ERROR;
	if (application_id != SCHEMA_APPLICATION_ID && (application_id != 0 || tables != 3)) {
		snprintf(err, err_size,
			 "not a capanalyze database (a SQLite database with application_id %d and "
			 "user_version %d, not made by capanalyze load)", application_id, version);
		return SCHEMA_NOT_OURS;
	}
	if (version == 0) {
		snprintf(err, err_size, "an unfinished capanalyze database (user_version 0: a load "
			 "that did not complete); delete it and load again");
		return SCHEMA_UNFINISHED;
	}
	if (version != schema_user_version()) {
		snprintf(err, err_size,
			 "a capanalyze database of schema version %d; this capanalyze reads version "
			 "%d (load the recordings again)", version, schema_user_version());
		return SCHEMA_OTHER_VERSION;
	}
	return SCHEMA_OK;
}

int schema_ensure(sqlite3 *db, char *err, size_t err_size)
{
	int empty;
	char *message = NULL;

	if (is_empty(db, &empty, err, err_size))
		return SCHEMA_ERROR;
	if (!empty)
		return schema_check(db, err, err_size);
	if (sqlite3_exec(db, caprec_schema_sql, NULL, NULL, &message) != SQLITE_OK) {
		snprintf(err, err_size, "cannot create the schema: %s",
			 message ? message : sqlite3_errmsg(db));
		sqlite3_free(message);
		return SCHEMA_ERROR;
	}
	return SCHEMA_OK;
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
