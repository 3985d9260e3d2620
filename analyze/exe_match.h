/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exe_match.h - the one meaning of an executable glob, for --exe on every
 * command and for the globs of policy files.
 *
 * A glob with a '/' is matched (fnmatch(3), no flags: '*' crosses '/')
 * against the executable's full path; a glob without one against its base
 * name, so "nginx", "/usr/sbin/nginx" and "/usr/s*n/nginx" all name
 * /usr/sbin/nginx.
 *
 * An executable can be known by two paths: the file actually executed and
 * the path the program passed to execve (a symlink such as /usr/sbin/ip for
 * /usr/bin/ip). A glob naming either names the executable, so a gate written
 * against the path a user types cannot pass just because the kernel resolved
 * it elsewhere.
 */
#ifndef ANALYZE_EXE_MATCH_H
#define ANALYZE_EXE_MATCH_H

#include <stdbool.h>

#include <sqlite3.h>

/*
 * Does glob name the executable at path (also known as path_used, or NULL
 * when only one path is known)? NULL glob or no path: false.
 */
bool exe_match(const char *glob, const char *path, const char *path_used);

/*
 * Registers the SQL functions exe_match(glob, path) and
 * exe_match(glob, path, path_used) on db, so filters stay bound parameters.
 * Returns a SQLite result code.
 */
int exe_match_register(sqlite3 *db);

#endif /* ANALYZE_EXE_MATCH_H */
