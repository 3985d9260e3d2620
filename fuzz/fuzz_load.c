// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_load.c - libFuzzer target over capanalyze's loader: any bytes, loaded
 * as a recording into an in-memory database, then the queries the reports
 * start from. A hostile recording must load (or be refused) without a crash,
 * a leak or unbounded memory, and leave a consistent database.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sqlite3.h>

#include "load.h"

/* Reads every row of sql (the results do not matter: that it runs does). */
static void run(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK)
		while (sqlite3_step(stmt) == SQLITE_ROW)
			;
	sqlite3_finalize(stmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int configured;
	struct loader *loader = NULL;
	struct load_result result;
	struct load_source src = { .path = "fuzz.caprec" };
	sqlite3_stmt *stmt = NULL;
	char err[512];
	sqlite3 *db = NULL;
	int fd;

	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	fd = memfd_create("fuzz_load", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	lseek(fd, 0, SEEK_SET);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		abort();
	if (loader_new(db, true, &loader, err, sizeof(err)))
		abort(); /* a fresh in-memory database must always take the schema */
	src.fd = fd;
	if (loader_add(loader, &src, &result, err, sizeof(err)) == 0) {
		if (loader_finish(loader, err, sizeof(err)))
			abort();
		run(db, "SELECT * FROM v_events");
		run(db, "SELECT * FROM v_checks");
		run(db, "SELECT * FROM import_stats, import_blocks, import_damage");
		/* the aggregate accounts for every event loaded */
		if (sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM events) = "
					   "(SELECT coalesce(sum(count), 0) FROM check_aggregate)",
					   -1, &stmt, NULL) != SQLITE_OK ||
		    sqlite3_step(stmt) != SQLITE_ROW || sqlite3_column_int(stmt, 0) != 1)
			abort();
		sqlite3_finalize(stmt);
	}
	loader_free(loader);
	sqlite3_close(db);
	close(fd);
	return 0;
}
