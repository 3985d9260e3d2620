/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * load.h - loads recordings into a capanalyze database (schemas/caprec.sql).
 *
 * A loader wraps one transaction: loader_new() creates or checks the schema
 * and begins; loader_add() streams one recording through the format reader
 * into the tables with prepared statements; loader_finish() creates the
 * indexes and commits. Binaries, frames, callsites and stacks are interned by
 * their stable keys across every recording of the database, including ones
 * loaded by an earlier run (their keys are read back at loader_new()).
 *
 * Damage in a recording is not an error: everything the reader recovers is
 * loaded and import_stats / import_damage say what was skipped.
 */
#ifndef CAPANALYZE_LOAD_H
#define CAPANALYZE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "crf_reader.h"

struct loader;

/*
 * Called now and then during loader_add() with the bytes of the input read
 * so far (for a progress bar). May be NULL.
 */
typedef void (*load_progress_fn)(void *ctx, uint64_t bytes_read);

struct load_source {
	int fd;                  /* the recording, read from its current position; not owned */
	const char *path;        /* stored in recordings.path and used in errors ("-" = stdin) */
	uint64_t file_size;      /* 0 when unknown (a pipe) */
	int64_t file_mtime_ns;   /* 0 when unknown */
	load_progress_fn progress;
	void *progress_ctx;
};

struct load_result {
	int64_t recording_id;
	uint64_t events;
	struct crf_recovery recovery; /* how the reader ended: damage, truncation */
};

/*
 * Starts loading into db (not owned; must outlive the loader). Sets the bulk
 * PRAGMAs when fast is true (journal off, no syncs: for a new database
 * nobody else holds; without a journal a failed load cannot be rolled back,
 * so after a crash or a failure the caller throws the database away).
 * Returns 0 and *out, or with a one-line reason in err LOAD_FAILED_INPUT
 * (db is not a capanalyze database) or LOAD_FAILED_INTERNAL (memory, SQLite).
 */
int loader_new(sqlite3 *db, bool fast, struct loader **out, char *err, size_t err_size);

/*
 * Failure classes, so that a command's exit status says whose fault it was
 * (capanalyze(1): 2 an input that cannot be read, 3 an internal error).
 */
#define LOAD_FAILED_INPUT (-1)    /* the recording or database named is at fault */
#define LOAD_FAILED_INTERNAL (-2) /* out of memory, or SQLite failed writing */

/*
 * Loads one recording. Returns 0 with *result filled, or with a one-line
 * error naming the file in err LOAD_FAILED_INPUT (not a recording, newer
 * major version, damage the reader cannot pass, I/O error reading it) or
 * LOAD_FAILED_INTERNAL (out of memory, SQLite failure). After a failure the
 * loader must only be freed (the transaction is rolled back).
 */
int loader_add(struct loader *l, const struct load_source *src, struct load_result *result,
	       char *err, size_t err_size);

/* Creates the indexes and commits. Returns 0, or LOAD_FAILED_INTERNAL with err. */
int loader_finish(struct loader *l, char *err, size_t err_size);

/* Rolls back unless finished; frees. Accepts NULL. */
void loader_free(struct loader *l);

#endif /* CAPANALYZE_LOAD_H */
