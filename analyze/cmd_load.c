// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd_load.c - capanalyze load: recordings into a SQLite database.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "load.h"
#include "progress.h"

static const char load_usage[] =
	"usage: capanalyze load [-d DB] [-q] REC...\n"
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

int cmd_load(int argc, char **argv)
{
	static const struct option options[] = {
		{ "database", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *database = "caprec.db";
	char err[1024];
	struct loader *loader = NULL;
	sqlite3 *db = NULL;
	struct stat st;
	bool quiet = false, existed, fresh;
	int opt, ret = EXIT_USAGE;

	while ((opt = getopt_long(argc, argv, "d:qh", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			database = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(load_usage, stdout);
			return EXIT_OK;
		default:
			fputs(load_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "capanalyze load: no recording named\n");
		fputs(load_usage, stderr);
		return EXIT_USAGE;
	}
	existed = stat(database, &st) == 0;
	fresh = !existed || (S_ISREG(st.st_mode) && st.st_size == 0);
	/* One thread uses the connection: no mutex around every bind and step. */
	if (sqlite3_open_v2(database, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "capanalyze load: %s: %s\n", database,
			db ? sqlite3_errmsg(db) : "out of memory");
		goto cleanup;
	}
	/* Bulk PRAGMAs only for a new file: an existing database keeps its journal. */
	if (loader_new(db, fresh, &loader, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", database, err);
		goto cleanup;
	}
	for (int i = optind; i < argc; i++) {
		struct load_source src = { .path = argv[i] };
		struct load_result result;
		struct progress *bar;
		int rc;

		src.fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY | O_CLOEXEC) :
						 dup(STDIN_FILENO);
		if (src.fd < 0) {
			fprintf(stderr, "capanalyze load: %s: %s\n", argv[i], strerror(errno));
			goto cleanup;
		}
		if (fstat(src.fd, &st) == 0 && S_ISREG(st.st_mode)) {
			src.file_size = (uint64_t)st.st_size;
			src.file_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 +
					    st.st_mtim.tv_nsec;
		}
		bar = progress_new(argv[i], src.file_size);
		src.progress = bar ? progress_update : NULL;
		src.progress_ctx = bar;
		rc = loader_add(loader, &src, &result, err, sizeof(err));
		progress_free(bar);
		close(src.fd);
		if (rc) {
			fprintf(stderr, "capanalyze load: %s\n", err);
			goto cleanup;
		}
		if (!quiet)
			print_result(argv[i], &result);
	}
	if (loader_finish(loader, err, sizeof(err))) {
		fprintf(stderr, "capanalyze load: %s: %s\n", database, err);
		ret = EXIT_INTERNAL;
		goto cleanup;
	}
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
		unlink(database);
	return ret;
}
