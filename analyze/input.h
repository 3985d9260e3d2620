/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * input.h - opens what the user named on a capanalyze command line as one
 * SQLite database.
 *
 * An input is either a database made by `capanalyze load` (recognised by the
 * SQLite file header) or one or more recordings (recognised by the CRF magic).
 * Recordings are loaded into a cached database under $XDG_CACHE_HOME/caprec
 * (else ~/.cache/caprec), keyed by each file's absolute path, size and a hash
 * of its content (not its mtime, which can be set back) and by the schema
 * version, so a second report on the same files does not load them again. A
 * cache database found damaged is built again. When the cache directory
 * cannot be written, or the input is a pipe, they are loaded into a private
 * temporary database instead.
 * Nothing is ever written next to the input.
 */
#ifndef CAPANALYZE_INPUT_H
#define CAPANALYZE_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* input_open()'s failures: whose fault, for the exit status (capanalyze(1): 2 or 3). */
#define INPUT_FAILED (-1)          /* an input cannot be read, or is not ours */
#define INPUT_FAILED_INTERNAL (-2) /* out of memory, SQLite failed writing the cache */

/* Enough for any one-line error input_open() writes. */
#define INPUT_ERROR_SIZE 1024

enum input_kind {
	INPUT_DATABASE = 1,  /* a SQLite database (made by capanalyze load, we hope) */
	INPUT_RECORDING = 2, /* a caprec recording (CRF magic) */
};

/*
 * Reads the first bytes of path and says what it is. Returns 0 with *kind set,
 * or -1 with a one-line message naming the file in err ("x.bin: neither a
 * caprec recording nor a capanalyze database"). "-" (stdin) is a recording.
 */
int input_detect(const char *path, enum input_kind *kind, char *err, size_t err_size);

/*
 * Directories of debug files (--debug-dir) to name the frames the recording
 * host could not (resymbolize.h). count 0: none, and no debuginfod either.
 */
struct input_debug_dirs {
	char *const *dirs;
	int count;
};

/*
 * Opens paths[0..count-1]: either exactly one database, or one or more
 * recordings (loaded or taken from the cache). A database must carry this
 * schema's PRAGMA user_version. On success returns 0 and *db, to close with
 * input_close(); the handle is read-write for a cache or temporary database,
 * read-only for a user's database. On failure returns INPUT_FAILED or
 * INPUT_FAILED_INTERNAL, *db = NULL, and a one-line message naming the
 * offending file in err.
 *
 * When progress is non-zero and stderr is a terminal, a load shows a
 * progress bar on stderr.
 *
 * With debug directories (debug may be NULL), recordings are named from them
 * after loading, and the cache key includes the directories, so a database
 * cached without them is not served; a database is copied into memory and
 * named there (the user's file is never written).
 */
int input_open(char *const *paths, int count, int progress, const struct input_debug_dirs *debug,
	       sqlite3 **db, char *err, size_t err_size);

/* The cache file db was opened from, or NULL (a user's or a temporary database). */
const char *input_cache_path(sqlite3 *db);

/*
 * After a failed SQLite call on db: when SQLite found the database damaged
 * (SQLITE_CORRUPT, SQLITE_NOTADB), writes a one-line message naming the file
 * into what, removes the file if it is a cache (rebuilt on the next run),
 * and returns true. Returns false for any other failure.
 */
bool input_cache_damaged(sqlite3 *db, char *what, size_t what_size);

/* Closes a handle from input_open(). Accepts NULL. */
void input_close(sqlite3 *db);

#endif /* CAPANALYZE_INPUT_H */
