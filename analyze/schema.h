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

/* PRAGMA application_id of every capanalyze database: "capr" in ASCII. */
#define SCHEMA_APPLICATION_ID 0x63617072

/*
 * What schema_check() and schema_ensure() found, so that a caller can tell
 * someone else's database (never to be touched, never "delete it") from a
 * capanalyze load that did not complete.
 */
enum schema_status {
	SCHEMA_OK = 0,
	SCHEMA_ERROR = -1,         /* SQLite could not read it (corrupt, not a database, I/O) */
	SCHEMA_NOT_OURS = -2,      /* a SQLite database capanalyze did not make */
	SCHEMA_UNFINISHED = -3,    /* capanalyze's, from a load that did not complete */
	SCHEMA_OTHER_VERSION = -4, /* capanalyze's, of another schema version */
};

/*
 * Says whether db (not empty) is a finished capanalyze database of this
 * schema version. A database is capanalyze's when it carries
 * SCHEMA_APPLICATION_ID, or (made before the id was set) when it has the
 * recordings, events and check_aggregate tables. Returns an enum
 * schema_status, with a one-line reason in err when not SCHEMA_OK.
 */
int schema_check(sqlite3 *db, char *err, size_t err_size);

/*
 * Makes db hold this schema: creates it in an empty database, accepts one
 * that schema_check() finds finished and of this version. Returns
 * SCHEMA_OK, or an enum schema_status with a one-line reason in err.
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
