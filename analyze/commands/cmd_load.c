// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_load.c - capanalyze load: recordings into a SQLite database.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "load.h"
#include "progress.h"
#include "resymbolize.h"

static const char load_usage[] =
	"usage: capanalyze load [-d DB] [-q] [--debug-dir DIR]... REC...\n"
	"\n"
	"Loads recordings (from one or several hosts and runs) into one SQLite\n"
	"database, creating it or adding to it. REC may be - for standard input.\n"
	"A damaged or truncated recording loads everything recoverable; the\n"
	"import_stats and import_damage tables say what was skipped.\n"
	"The database opens in sqlite3 and in every capanalyze report. A recording\n"
	"loaded twice is there twice (its rows are told apart by recording id).\n"
	"\n"
	"  -d, --database DB  the database to write (default: caprec.db)\n"
	"  -q, --quiet        no per-recording line on stdout\n"
	"  -h, --help         this text\n"
	"\n"
	"DB is created 0600. An existing DB must be a regular file of this user (not\n"
	"a symbolic link); it is added to in place. A second load of the same DB waits (up to\n"
	"10 minutes) for the first to finish.\n"
	"\n"
	"exit status: 0 loaded; 2 usage error, or an input that is not a recording\n"
	"(nothing is committed then); 3 internal error (memory, SQLite, output).\n";

/* One line per recording: what was loaded and how the file ended. */
static void print_result(const char *path, const struct load_result *res)
{
	const struct crf_recovery *rec = &res->recovery;

	printf("%s: recording %lld, %llu events, %llu lost, ", path, (long long)res->recording_id,
	       (unsigned long long)res->events, (unsigned long long)rec->lost);
	if (rec->blocks_skipped)
		printf("%llu damaged blocks skipped (%llu bytes), ",
		       (unsigned long long)rec->blocks_skipped,
		       (unsigned long long)rec->bytes_skipped);
	if (rec->truncated)
		printf("truncated at byte %llu\n", (unsigned long long)rec->truncated_at);
	else if (rec->clean_end)
		printf("clean end\n");
	else
		printf("no end block\n");
}

struct load_state {
	const char *database;
	bool quiet;
};

static int load_option(struct analyze_session *s, void *state, int opt, const char *arg)
{
	struct load_state *st = state;

	(void)s;
	if (opt == 'd')
		st->database = arg;
	else
		st->quiet = true;
	return SESSION_CONTINUE;
}

static int load_prepare(struct analyze_session *s, void *state)
{
	struct load_state *st = state;

	if (!st->database)
		st->database = "caprec.db";
	if (s->arg_count)
		return SESSION_CONTINUE;
	fprintf(stderr, "capanalyze load: no recording named\n");
	fputs(load_usage, stderr);
	return EXIT_USAGE;
}

/*
 * How long a load waits for another one writing the same database: a load
 * holds its database for as long as it reads its recordings, minutes for
 * big ones.
 */
#define LOAD_WAIT_MS (10 * 60 * 1000)

/*
 * The database file, made safe to write as root in a directory others can
 * write (/tmp): an existing path must be a regular file of this user, not a
 * symbolic link nor a device or FIFO, and is written in place with its mode
 * untouched; a new one is created here, O_EXCL (never through a link someone
 * planted after the check) and 0600 (recordings can hold secrets, as the
 * cache does). Returns an open descriptor of the file (for the lock below)
 * with *identity its device and inode and *created saying which case it
 * was, or a negative exit status after a one-line message.
 */
static int open_database_file(const char *path, bool *created, struct stat *identity)
{
	struct stat sb;
	int fd;

	*created = false;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (lstat(path, &sb) == 0) {
			if (S_ISLNK(sb.st_mode)) {
				fprintf(stderr, "capanalyze load: %s: is a symbolic link; refusing to "
					"write through it (name the file it points to)\n", path);
				return -EXIT_USAGE;
			}
			if (!S_ISREG(sb.st_mode)) {
				fprintf(stderr, "capanalyze load: %s: not a regular file; refusing to "
					"write a database into it\n", path);
				return -EXIT_USAGE;
			}
			/*
			 * Planted by another user (an empty 0666 file in /tmp): what is
			 * loaded would be theirs to read.
			 */
			if (sb.st_uid != geteuid()) {
				fprintf(stderr, "capanalyze load: %s: owned by another user (uid %u); "
					"refusing to write into it\n", path, (unsigned)sb.st_uid);
				return -EXIT_USAGE;
			}
			/* NONBLOCK, NOFOLLOW: swapped for a FIFO or a link since, it fails here */
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			if (fd < 0 || fstat(fd, identity) || identity->st_ino != sb.st_ino ||
			    identity->st_dev != sb.st_dev) {
				if (fd >= 0)
					close(fd);
				fprintf(stderr, "capanalyze load: %s: changed while being opened\n",
					path);
				return -EXIT_USAGE;
			}
			return fd;
		}
		if (errno != ENOENT)
			break;
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			if (fstat(fd, identity)) {
				close(fd);
				break;
			}
			*created = true;
			return fd;
		}
		if (errno != EEXIST)
			break;
		/* Another process made it between lstat() and open(): judge it as existing. */
	}
	fprintf(stderr, "capanalyze load: %s: %s\n", path, strerror(errno));
	return -EXIT_USAGE;
}

/* The path still names the file this load opened (nobody removed or replaced it). */
static bool same_file(const char *path, const struct stat *identity)
{
	struct stat sb;

	return lstat(path, &sb) == 0 && sb.st_dev == identity->st_dev &&
	       sb.st_ino == identity->st_ino;
}

/*
 * One load at a time per database: an flock on the file, held until the
 * load has closed it. SQLite's own locks cannot order two loads safely: the
 * first one's bulk mode (no journal, exclusive locking) keeps a read lock it
 * took while setting up, and a second load holding the write lock then waits
 * on it while it waits on the write lock, until the busy timeout. Returns 0,
 * or -1 after a message when the other load did not finish in time.
 */
static int lock_database(const char *path, int fd)
{
	bool said = false;

	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB); waited += 100) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			fprintf(stderr, "capanalyze load: %s: cannot lock: %s\n", path,
				strerror(errno));
			return -1;
		}
		if (waited >= LOAD_WAIT_MS) {
			fprintf(stderr, "capanalyze load: %s: another load held it for %d s; try "
				"again when it has finished\n", path, LOAD_WAIT_MS / 1000);
			return -1;
		}
		if (!said && isatty(STDERR_FILENO))
			fprintf(stderr, "capanalyze load: %s: waiting for another load of it to "
				"finish\n", path);
		said = true;
		usleep(100 * 1000);
	}
	return 0;
}

/*
 * Opens and locks the database file. A load that failed and removed the
 * file it created while this one waited leaves a lock on a file no longer
 * at the path: start again. *fresh: this load created the file and is the
 * first in it, so it may use the bulk mode and remove the file on failure.
 * Returns the locked descriptor, or a negative exit status.
 */
static int take_database_file(const char *path, bool *fresh, struct stat *identity)
{
	for (int attempt = 0; attempt < 3; attempt++) {
		bool created;
		int fd = open_database_file(path, &created, identity);
		struct stat now;

		if (fd < 0)
			return fd;
		if (lock_database(path, fd)) {
			close(fd);
			return -EXIT_USAGE;
		}
		if (same_file(path, identity) && fstat(fd, &now) == 0) {
			*fresh = created && now.st_size == 0;
			return fd;
		}
		close(fd);
	}
	fprintf(stderr, "capanalyze load: %s: removed and made again by other processes while "
		"waiting; giving up\n", path);
	return -EXIT_USAGE;
}

/* Exit status of a failed sqlite3_open_v2(): out of memory is ours, the rest the path's. */
static int open_failure_status(sqlite3 *db)
{
	return !db || sqlite3_errcode(db) == SQLITE_NOMEM ? EXIT_INTERNAL : EXIT_USAGE;
}

static int load_failure_status(int rc)
{
	return rc == LOAD_FAILED_INTERNAL ? EXIT_INTERNAL : EXIT_USAGE;
}

static int load_run(struct analyze_session *s, void *state)
{
	struct load_state *st = state;
	char err[1024];
	struct loader *loader = NULL;
	sqlite3 *db = NULL;
	struct stat sb, identity;
	bool fresh = false;
	struct resymbolize_stats names;
	int ret, rc, lock_fd;

	lock_fd = take_database_file(st->database, &fresh, &identity);
	if (lock_fd < 0)
		return -lock_fd;
	ret = EXIT_USAGE;
	/*
	 * NOFOLLOW: the checks above hold for what SQLite opens. One thread uses
	 * the connection: no mutex around every bind and step.
	 */
	if (sqlite3_open_v2(st->database, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database,
			db ? sqlite3_errmsg(db) : "out of memory");
		ret = open_failure_status(db);
		goto cleanup;
	}
	/* Other writers than capanalyze load (the sqlite3 shell): SQLite's locks. */
	sqlite3_busy_timeout(db, LOAD_WAIT_MS);
	/*
	 * Bulk PRAGMAs (no journal, an exclusive lock held to the end) only for
	 * the file this load created and is the first in: nobody else has
	 * anything in it. An existing database keeps its journal.
	 */
	rc = loader_new(db, fresh, &loader, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database, err);
		ret = load_failure_status(rc);
		goto cleanup;
	}
	for (int i = 0; i < s->arg_count; i++) {
		struct load_source src = { .path = s->args[i] };
		struct load_result result;
		struct progress *bar;

		src.fd = strcmp(s->args[i], "-") ? open(s->args[i], O_RDONLY | O_CLOEXEC) :
						 dup(STDIN_FILENO);
		if (src.fd < 0) {
			fprintf(stderr, "capanalyze load: %s: %s\n", s->args[i], strerror(errno));
			goto cleanup;
		}
		if (fstat(src.fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
			src.file_size = (uint64_t)sb.st_size;
			src.file_mtime_ns = (int64_t)sb.st_mtim.tv_sec * 1000000000 +
					    sb.st_mtim.tv_nsec;
		}
		bar = progress_new(s->args[i], src.file_size);
		src.progress = bar ? progress_update : NULL;
		src.progress_ctx = bar;
		rc = loader_add(loader, &src, &result, err, sizeof(err));
		progress_free(bar);
		close(src.fd);
		if (rc) {
			fprintf(stderr, "capanalyze load: %s\n", err);
			ret = load_failure_status(rc);
			goto cleanup;
		}
		if (!st->quiet)
			print_result(s->args[i], &result);
	}
	if (loader_finish(loader, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database, err);
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	if (!same_file(st->database, &identity)) {
		fprintf(stderr, "capanalyze load: %s: removed or replaced by another process while "
			"loading; nothing was saved\n", st->database);
		fresh = false; /* what the path names now is not ours */
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	if (resymbolize_wanted(s->debug_dir_count) &&
	    resymbolize(db, s->debug_dirs, s->debug_dir_count, &names, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database, err);
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	if (resymbolize_wanted(s->debug_dir_count) && !st->quiet)
		printf("%s: %lld frames named from the debug files of %lld of %lld binaries\n",
		       st->database, (long long)names.frames_named,
		       (long long)names.binaries_found, (long long)names.binaries);
	/* The database is complete; a lost report line is still an error to say. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "capanalyze load: standard output: %s\n",
			strerror(errno ? errno : EIO));
		fresh = false; /* keep the database: it is whole */
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	loader_free(loader);
	sqlite3_close(db);
	/*
	 * A database this load created and could not finish is not left behind
	 * half made; but only while the path still names that very file, and
	 * before the lock goes (no other load has been in it).
	 */
	if (ret != EXIT_OK && fresh && same_file(st->database, &identity))
		unlink(st->database);
	close(lock_fd);
	return ret;
}

static const struct option load_options[] = {
	{ "database", required_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ NULL, 0, NULL, 0 },
};

const struct command_ops load_command = {
	.usage = load_usage,
	.options = load_options,
	.short_options = "d:q",
	.state_size = sizeof(struct load_state),
	.option = load_option,
	.prepare = load_prepare,
	.run = load_run,
};
