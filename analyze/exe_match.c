// SPDX-License-Identifier: GPL-2.0-only
/* exe_match.c - executable globs (see exe_match.h). */
#include "exe_match.h"

#include <fnmatch.h>
#include <string.h>

static bool glob_names_path(const char *glob, const char *path)
{
	const char *base;

	if (!path)
		return false;
	if (strchr(glob, '/'))
		return fnmatch(glob, path, 0) == 0;
	base = strrchr(path, '/');
	return fnmatch(glob, base ? base + 1 : path, 0) == 0;
}

bool exe_match(const char *glob, const char *path, const char *path_used)
{
	if (!glob)
		return false;
	return glob_names_path(glob, path) || glob_names_path(glob, path_used);
}

static void sql_exe_match(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *glob = (const char *)sqlite3_value_text(argv[0]);
	const char *path = (const char *)sqlite3_value_text(argv[1]);
	const char *path_used = argc > 2 ? (const char *)sqlite3_value_text(argv[2]) : NULL;

	sqlite3_result_int(ctx, exe_match(glob, path, path_used));
}

int exe_match_register(sqlite3 *db)
{
	int rc;

	rc = sqlite3_create_function(db, "exe_match", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
				     NULL, sql_exe_match, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "exe_match", 3,
					     SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
					     sql_exe_match, NULL, NULL);
	return rc;
}
