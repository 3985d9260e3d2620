// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_load.c - capanalyze load: recordings into a SQLite database.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
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
	"exit status: 0 loaded; 2 usage error, or an input that is not a recording\n"
	"(nothing is committed then); 3 internal error.\n";

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

static int load_run(struct analyze_session *s, void *state)
{
	struct load_state *st = state;
	char err[1024];
	struct loader *loader = NULL;
	sqlite3 *db = NULL;
	struct stat sb;
	bool existed, fresh;
	struct resymbolize_stats names;
	int ret = EXIT_USAGE;

	existed = stat(st->database, &sb) == 0;
	fresh = !existed || (S_ISREG(sb.st_mode) && sb.st_size == 0);
	/* One thread uses the connection: no mutex around every bind and step. */
	if (sqlite3_open_v2(st->database, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database,
			db ? sqlite3_errmsg(db) : "out of memory");
		goto cleanup;
	}
	/* Bulk PRAGMAs only for a new file: an existing database keeps its journal. */
	if (loader_new(db, fresh, &loader, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database, err);
		goto cleanup;
	}
	for (int i = 0; i < s->arg_count; i++) {
		struct load_source src = { .path = s->args[i] };
		struct load_result result;
		struct progress *bar;
		int rc;

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
	if (s->debug_dir_count &&
	    resymbolize(db, s->debug_dirs, s->debug_dir_count, &names, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", st->database, err);
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	if (s->debug_dir_count && !st->quiet)
		printf("%s: %lld frames named from the debug files of %lld of %lld binaries\n",
		       st->database, (long long)names.frames_named,
		       (long long)names.binaries_found, (long long)names.binaries);
	/* The database is complete; a lost report line is still an error to say. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "capanalyze load: cannot write to standard output\n");
		existed = true; /* keep the database: it is whole */
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
	ret = EXIT_OK;
cleanup:
	loader_free(loader);
	sqlite3_close(db);
	/* A new database that received nothing is not left behind half made. */
	if (ret != EXIT_OK && !existed)
		unlink(st->database);
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
