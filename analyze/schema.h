/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * schema.h - the database schema (schemas/caprec.sql, embedded at build time).
 */
#ifndef CAPANALYZE_SCHEMA_H
#define CAPANALYZE_SCHEMA_H

#include <stddef.h>

#include <sqlite3.h>

/* The SQL texts, generated from the files in schemas/ by embed_sql.py. */
extern const char caprec_schema_sql[];
extern const char caprec_indexes_sql[];

/* The PRAGMA user_version the schema sets (parsed from the embedded SQL), or -1. */
int schema_user_version(void);

/*
 * Makes db hold this schema: creates it in an empty database, accepts one
 * that already carries this user_version. Returns 0, or -1 with a one-line
 * reason in err ("database has schema version 7, this capanalyze reads 1").
 */
int schema_ensure(sqlite3 *db, char *err, size_t err_size);

/*
 * A load marks the database unfinished (user_version 0) inside its
 * transaction and finished (the schema's version) just before COMMIT. A bulk
 * load runs without a journal, so a load killed half-way cannot be rolled
 * back: this way it leaves a database every capanalyze refuses instead of
 * one that looks complete. Return 0, or -1 with err.
 */
int schema_mark_unfinished(sqlite3 *db, char *err, size_t err_size);
int schema_mark_finished(sqlite3 *db, char *err, size_t err_size);

/* Creates the indexes (after a bulk load). Returns 0, or -1 with err. */
int schema_create_indexes(sqlite3 *db, char *err, size_t err_size);

/* Reads db's user_version into *version. Returns 0, or -1 with err. */
int schema_read_version(sqlite3 *db, int *version, char *err, size_t err_size);

#endif /* CAPANALYZE_SCHEMA_H */
