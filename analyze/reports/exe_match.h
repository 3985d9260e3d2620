/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exe_match.h - how --exe and policy-file globs name executables.
 *
 * A glob with a '/' is matched (fnmatch(3), no flags: '*' crosses '/')
 * against the executable's full path; a glob without one against its base
 * name, so "nginx", "/usr/sbin/nginx" and "/usr/s*n/nginx" all name
 * /usr/sbin/nginx.
 */
#ifndef REPORTS_EXE_MATCH_H
#define REPORTS_EXE_MATCH_H

#include <stdbool.h>

#include <sqlite3.h>

bool exe_match(const char *glob, const char *path);

/*
 * Registers the SQL function exe_match(glob, path) (NULL path: no match) on
 * db, so filters stay bound parameters. Returns a SQLite result code.
 */
int exe_match_register(sqlite3 *db);

#endif /* REPORTS_EXE_MATCH_H */
