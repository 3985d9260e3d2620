// SPDX-License-Identifier: GPL-2.0-only
/* exe_match.c - executable globs (see exe_match.h). */
#include "exe_match.h"

#include <fnmatch.h>
#include <string.h>

bool exe_match(const char *glob, const char *path)
{
	const char *base;

	if (!glob || !path)
		return false;
	if (strchr(glob, '/'))
		return fnmatch(glob, path, 0) == 0;
	base = strrchr(path, '/');
	return fnmatch(glob, base ? base + 1 : path, 0) == 0;
}

static void sql_exe_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *glob = (const char *)sqlite3_value_text(argv[0]);
	const char *path = (const char *)sqlite3_value_text(argv[1]);

	(void)argc;
	sqlite3_result_int(ctx, exe_match(glob, path));
}

int exe_match_register(sqlite3 *db)
{
	return sqlite3_create_function(db, "exe_match", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				       NULL, sql_exe_match, NULL, NULL);
}
