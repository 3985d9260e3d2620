// SPDX-License-Identifier: GPL-2.0-only
/*
 * input.c - a database or recordings named on the command line, as one
 * sqlite3 handle (see input.h).
 *
 * The cache: one database per set of recordings, named by a hash of each
 * file's absolute path, size and mtime and of the schema version. It is
 * built under a temporary name and renamed into place, so a cache file that
 * exists is complete; a changed recording gets a new name. Databases unused
 * for 30 days are removed when a new one is made.
 */
#include "input.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crf_hash.h"
#include "crf_reader.h"
#include "load.h"
#include "progress.h"
#include "reader_error.h"
#include "resymbolize.h"
#include "schema.h"

static const char sqlite_magic[16] = "SQLite format 3";

static int open_input_fd(const char *path)
{
	if (!strcmp(path, "-"))
		return dup(STDIN_FILENO);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int input_detect(const char *path, enum input_kind *kind, char *err, size_t err_size)
{
	struct crf_reader *r = NULL;
	struct crf_error cerr = { 0 };
	unsigned char head[16];
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (!strcmp(path, "-")) {
		*kind = INPUT_RECORDING;
		return 0;
	}
	fd = open_input_fd(path);
	if (fd < 0) {
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, err_size, "%s: is a directory", path);
		close(fd);
		return -1;
	}
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A pipe cannot be read twice: let the reader judge it when loading. */
		*kind = INPUT_RECORDING;
		close(fd);
		return 0;
	}
	n = pread(fd, head, sizeof(head), 0);
	if (n == (ssize_t)sizeof(head) && !memcmp(head, sqlite_magic, sizeof(head))) {
		*kind = INPUT_DATABASE;
		close(fd);
		return 0;
	}
	rc = crf_reader_open(&r, fd, &cerr);
	crf_reader_free(r);
	close(fd);
	if (rc == CRF_OK) {
		*kind = INPUT_RECORDING;
		return 0;
	}
	if (n == 0)
		snprintf(err, err_size, "%s: empty file", path);
	else if (rc == CRF_ERR_NOT_RECORDING || rc == CRF_ERR_TRUNCATED)
		snprintf(err, err_size, "%s: neither a caprec recording nor a capanalyze database",
			 path);
	else
		reader_error(err, err_size, path, rc, &cerr);
	return -1;
}

static int open_database(const char *path, sqlite3 **db, char *err, size_t err_size)
{
	char reason[INPUT_ERROR_SIZE / 2];

	/* Every capanalyze command uses its connection from one thread: no mutex. */
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "out of memory");
		goto fail;
	}
	if (schema_check(*db, reason, sizeof(reason)) != SCHEMA_OK) {
		snprintf(err, err_size, "%s: %s", path, reason);
		goto fail;
	}
	return 0;
fail:
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

/* Names the frames of db from the debug directories, if any. Returns 0 or -1 with err. */
static int name_from_debug_dirs(sqlite3 *db, const struct input_debug_dirs *debug, char *err,
				size_t err_size)
{
	struct resymbolize_stats stats;

	if (!debug || !resymbolize_wanted(debug->count))
		return 0;
	return resymbolize(db, debug->dirs, debug->count, &stats, err, err_size);
}

/*
 * A user's database is opened read-only and stays untouched: with debug
 * directories, it is copied into memory and the copy is named. *db is
 * replaced by the copy. Returns 0 or -1 with err (*db closed, NULL).
 */
static int name_database_copy(const char *path, sqlite3 **db,
			      const struct input_debug_dirs *debug, char *err, size_t err_size)
{
	sqlite3_backup *backup;
	sqlite3 *copy = NULL;
	int rc;

	if (sqlite3_open_v2(":memory:", &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: cannot copy into memory", path);
		goto fail;
	}
	backup = sqlite3_backup_init(copy, "main", *db, "main");
	if (!backup) {
		snprintf(err, err_size, "%s: copying into memory: %s", path, sqlite3_errmsg(copy));
		goto fail;
	}
	rc = sqlite3_backup_step(backup, -1);
	sqlite3_backup_finish(backup);
	if (rc != SQLITE_DONE) {
		snprintf(err, err_size, "%s: copying into memory: %s", path, sqlite3_errstr(rc));
		goto fail;
	}
	if (name_from_debug_dirs(copy, debug, err, err_size))
		goto fail;
	sqlite3_close(*db);
	*db = copy;
	return 0;
fail:
	sqlite3_close(copy);
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

/*
 * The debug directories are part of what a cached database holds: their real
 * paths join the key, and with them DEBUGINFOD_URLS, which adds servers.
 * Files added to a directory later are not seen by a database already cached.
 */
static uint64_t hash_debug_dirs(uint64_t h, const struct input_debug_dirs *debug)
{
	const char *urls = getenv("DEBUGINFOD_URLS");

	if (!debug || !resymbolize_wanted(debug->count))
		return h;
	for (int i = 0; i < debug->count; i++) {
		char real[PATH_MAX];
		const char *dir = realpath(debug->dirs[i], real) ? real : debug->dirs[i];

		h = crf_hash(h, "debug-dir", sizeof("debug-dir"));
		h = crf_hash(h, dir, strlen(dir) + 1);
	}
	if (urls)
		h = crf_hash(h, urls, strlen(urls) + 1);
	return h;
}

/*
 * A hash of the whole content of fd (crf_hash.h, chained over 1 MiB reads),
 * to key the cache by what a recording holds rather than by its mtime, which
 * anyone can set back. Not cryptographic: it tells a changed file from the
 * one cached, which is all a per-user cache needs (whoever can make two
 * recordings collide could as well hand over the first). It reads the file
 * once per report, at memory speed, far less than loading it again.
 * Returns 0, or -1 with errno.
 */
static int hash_content(int fd, uint64_t *out)
{
	enum { CHUNK = 1 << 20 };
	uint64_t h = CRF_HASH_SEED, total = 0;
	unsigned char *buf = malloc(CHUNK);
	ssize_t n;

	if (!buf)
		return -1;
	while ((n = pread(fd, buf, CHUNK, (off_t)total)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		h = crf_hash(h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	free(buf);
	*out = h;
	return 0;
}

/*
 * The cache file for these recordings, or false when they cannot be cached
 * (stdin, a pipe) or there is no cache directory to write. The name is a
 * hash of each file's absolute path (the path is recorded in the database),
 * size and content, and of the schema version.
 */
static bool cache_path(char *const *paths, int count, const struct input_debug_dirs *debug,
		       char *out, size_t out_size)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	uint64_t h = CRF_HASH_SEED;
	int version = schema_user_version();
	char dir[PATH_MAX];
	int n;

	for (int i = 0; i < count; i++) {
		char real[PATH_MAX];
		struct stat st;
		uint64_t fields[2];
		int fd;

		if (!strcmp(paths[i], "-") || !realpath(paths[i], real))
			return false;
		fd = open(real, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return false;
		if (fstat(fd, &st) || !S_ISREG(st.st_mode) || hash_content(fd, &fields[1])) {
			close(fd);
			return false;
		}
		close(fd);
		fields[0] = (uint64_t)st.st_size;
		h = crf_hash(h, real, strlen(real) + 1);
		h = crf_hash(h, fields, sizeof(fields));
	}
	h = crf_hash(h, &version, sizeof(version));
	h = hash_debug_dirs(h, debug);
	if (xdg && xdg[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/caprec", xdg);
	else if (home && home[0] == '/')
		n = snprintf(dir, sizeof(dir), "%s/.cache/caprec", home);
	else
		return false;
	if (n < 0 || (size_t)n >= sizeof(dir))
		return false;
	/* mkdir -p: each missing level private to its user */
	for (char *slash = strchr(dir + 1, '/'); ; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return false;
		if (!slash)
			break;
		*slash = '/';
	}
	if (access(dir, W_OK))
		return false;
	n = snprintf(out, out_size, "%s/%016llx.db", dir, (unsigned long long)h);
	return n > 0 && (size_t)n < out_size;
}

/*
 * Keeps the cache from growing without bound: removes databases not used
 * for 30 days (a cache hit touches its file) and temporary files abandoned for a day. Only our
 * own names ("<16 hex digits>.db", "....tmp"), only regular files.
 */
static void prune_cache(const char *cache_file)
{
	char dir[PATH_MAX];
	char *slash;
	struct dirent *entry;
	time_t now = time(NULL);
	DIR *d;

	snprintf(dir, sizeof(dir), "%s", cache_file);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	d = opendir(dir);
	if (!d)
		return;
	while ((entry = readdir(d))) {
		size_t len = strlen(entry->d_name);
		bool database = len == 19 && strspn(entry->d_name, "0123456789abcdef") == 16 &&
				!strcmp(entry->d_name + 16, ".db");
		bool temporary = len > 4 && !strcmp(entry->d_name + len - 4, ".tmp");
		struct stat st;

		if (!database && !temporary)
			continue;
		if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISREG(st.st_mode))
			continue;
		if (now - st.st_mtime > (database ? 30 : 1) * 86400)
			unlinkat(dirfd(d), entry->d_name, 0);
	}
	closedir(d);
}

/*
 * Loads the recordings into db (empty), then names frames from the debug
 * directories. Returns 0, or with err INPUT_FAILED (a recording at fault) or
 * INPUT_FAILED_INTERNAL.
 */
static int load_all(sqlite3 *db, char *const *paths, int count, int progress,
		    const struct input_debug_dirs *debug, char *err, size_t err_size)
{
	struct loader *loader = NULL;
	int ret = INPUT_FAILED, rc;

	rc = loader_new(db, true, &loader, err, err_size);
	if (rc)
		return rc == LOAD_FAILED_INTERNAL ? INPUT_FAILED_INTERNAL : INPUT_FAILED;
	for (int i = 0; i < count; i++) {
		struct load_source src = { .path = paths[i] };
		struct load_result result;
		struct progress *bar = NULL;
		struct stat st;

		src.fd = open_input_fd(paths[i]);
		if (src.fd < 0) {
			snprintf(err, err_size, "%s: %s", paths[i], strerror(errno));
			goto cleanup;
		}
		if (fstat(src.fd, &st) == 0 && S_ISREG(st.st_mode)) {
			src.file_size = (uint64_t)st.st_size;
			src.file_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
					    st.st_mtim.tv_nsec;
		}
		if (progress)
			bar = progress_new(paths[i], src.file_size);
		src.progress = bar ? progress_update : NULL;
		src.progress_ctx = bar;
		rc = loader_add(loader, &src, &result, err, err_size);
		progress_free(bar);
		close(src.fd);
		if (rc) {
			ret = rc == LOAD_FAILED_INTERNAL ? INPUT_FAILED_INTERNAL : INPUT_FAILED;
			goto cleanup;
		}
	}
	ret = INPUT_FAILED_INTERNAL;
	if (loader_finish(loader, err, err_size))
		goto cleanup;
	if (name_from_debug_dirs(db, debug, err, err_size))
		goto cleanup;
	ret = 0;
cleanup:
	loader_free(loader);
	return ret;
}

/* A private database SQLite deletes on close (the "" file name). */
static int load_temporary(char *const *paths, int count, int progress,
			  const struct input_debug_dirs *debug, sqlite3 **db, char *err,
			  size_t err_size)
{
	int rc = INPUT_FAILED_INTERNAL;

	if (sqlite3_open_v2("", db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, err_size, "cannot create a temporary database");
		goto fail;
	}
	rc = load_all(*db, paths, count, progress, debug, err, err_size);
	if (rc)
		goto fail;
	return 0;
fail:
	sqlite3_close(*db);
	*db = NULL;
	return rc;
}

/*
 * The cache databases open now (a command opens at most two inputs, diff),
 * so that a SQLite error can name the cache file and remove it: a cache is
 * rebuilt from the recordings, never repaired.
 */
#define OPEN_CACHES 4

static struct {
	sqlite3 *db;
	char path[PATH_MAX];
} open_caches[OPEN_CACHES];

static void remember_cache(sqlite3 *db, const char *path)
{
	for (int i = 0; i < OPEN_CACHES; i++) {
		if (!open_caches[i].db) {
			open_caches[i].db = db;
			snprintf(open_caches[i].path, sizeof(open_caches[i].path), "%s", path);
			return;
		}
	}
}

static void forget_cache(sqlite3 *db)
{
	for (int i = 0; i < OPEN_CACHES; i++)
		if (db && open_caches[i].db == db)
			open_caches[i].db = NULL;
}

const char *input_cache_path(sqlite3 *db)
{
	for (int i = 0; i < OPEN_CACHES; i++)
		if (db && open_caches[i].db == db)
			return open_caches[i].path;
	return NULL;
}

/*
 * A cache database that is whole: its schema version, and every table but
 * events checked page by page (PRAGMA quick_check of one table, SQLite
 * 3.33+). events, the table with a row per check, is most of the file: a
 * check of it would cost a read of the whole cache on every report (about
 * 10 ms per MB here); damage there shows when a query reads it, and
 * input_cache_damaged() removes the file then.
 */
static bool cache_is_sound(sqlite3 *db)
{
	static const char tables_sql[] =
		"SELECT name FROM sqlite_schema WHERE type = 'table' AND name != 'events'";
	sqlite3_stmt *tables = NULL, *check = NULL;
	char err[256], sql[128];
	bool sound = false;
	int rc;

	if (schema_check(db, err, sizeof(err)) != SCHEMA_OK ||
	    sqlite3_prepare_v2(db, tables_sql, -1, &tables, NULL) != SQLITE_OK)
		goto cleanup;
	while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(tables, 0);

		if (!name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
			goto cleanup;
		snprintf(sql, sizeof(sql), "PRAGMA quick_check(%s)", name);
		if (sqlite3_prepare_v2(db, sql, -1, &check, NULL) != SQLITE_OK ||
		    sqlite3_step(check) != SQLITE_ROW ||
		    strcmp((const char *)sqlite3_column_text(check, 0), "ok"))
			goto cleanup;
		sqlite3_finalize(check);
		check = NULL;
	}
	sound = rc == SQLITE_DONE;
cleanup:
	sqlite3_finalize(check);
	sqlite3_finalize(tables);
	return sound;
}

static int load_cached(const char *cache, char *const *paths, int count, int progress,
		       const struct input_debug_dirs *debug, sqlite3 **db, char *err,
		       size_t err_size)
{
	char tmp[PATH_MAX + 32];
	int fd, rc;

	if (sqlite3_open_v2(cache, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) ==
		    SQLITE_OK && cache_is_sound(*db)) {
		utimensat(AT_FDCWD, cache, NULL, 0); /* in use: not pruned */
		remember_cache(*db, cache);
		return 0;
	}
	/* Missing, of another schema, or damaged: built again from the recordings. */
	sqlite3_close(*db);
	*db = NULL;

	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", cache, (long)getpid());
	unlink(tmp);
	/* Recordings can be sensitive: their cache is readable by its owner only. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fallback;
	close(fd);
	if (sqlite3_open_v2(tmp, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto fallback;
	rc = load_all(*db, paths, count, progress, debug, err, err_size);
	if (rc) {
		sqlite3_close(*db);
		*db = NULL;
		unlink(tmp);
		return rc; /* the recordings (or memory) are at fault, not the cache */
	}
	/*
	 * Concurrent reports on the same recordings each build their own
	 * temporary file and rename it into place: the last one wins, and each
	 * keeps reading the file it built.
	 */
	if (rename(tmp, cache) == 0) {
		prune_cache(cache);
		remember_cache(*db, cache);
		return 0;
	}
	sqlite3_close(*db);
	*db = NULL;
	unlink(tmp);
fallback:
	sqlite3_close(*db);
	*db = NULL;
	return load_temporary(paths, count, progress, debug, db, err, err_size);
}

int input_open(char *const *paths, int count, int progress, const struct input_debug_dirs *debug,
	       sqlite3 **db, char *err, size_t err_size)
{
	char cache[PATH_MAX];
	enum input_kind kind;
	int stdin_uses = 0;

	*db = NULL;
	if (count <= 0) {
		snprintf(err, err_size, "no input named");
		return -1;
	}
	for (int i = 0; i < count; i++) {
		if (input_detect(paths[i], &kind, err, err_size))
			return -1;
		if (kind == INPUT_DATABASE && count > 1) {
			snprintf(err, err_size,
				 "%s: a database cannot be combined with other inputs", paths[i]);
			return -1;
		}
		if (!strcmp(paths[i], "-") && ++stdin_uses > 1) {
			snprintf(err, err_size, "-: standard input named twice");
			return -1;
		}
	}
	if (count == 1 && kind == INPUT_DATABASE) {
		if (open_database(paths[0], db, err, err_size))
			return -1;
		return debug && resymbolize_wanted(debug->count) ?
			       name_database_copy(paths[0], db, debug, err, err_size) : 0;
	}
	if (cache_path(paths, count, debug, cache, sizeof(cache)))
		return load_cached(cache, paths, count, progress, debug, db, err, err_size);
	return load_temporary(paths, count, progress, debug, db, err, err_size);
}

bool input_cache_damaged(sqlite3 *db, char *what, size_t what_size)
{
	const char *path = input_cache_path(db);
	int code = db ? sqlite3_errcode(db) : SQLITE_OK;
	bool removed;

	if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB)
		return false;
	if (!path) {
		const char *file = sqlite3_db_filename(db, "main");

		snprintf(what, what_size, "%s: %s", file && *file ? file : "database",
			 sqlite3_errmsg(db));
		return true;
	}
	removed = unlink(path) == 0;
	snprintf(what, what_size, "%s: the cached database is damaged (%s); %s", path,
		 sqlite3_errmsg(db), removed ? "removed it: run again to rebuild it" :
					       "remove it to have it rebuilt");
	return true;
}

void input_close(sqlite3 *db)
{
	forget_cache(db);
	sqlite3_close(db);
}
