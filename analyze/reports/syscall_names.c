// SPDX-License-Identifier: GPL-2.0-only
/* syscall_names.c - lookups in the system call tables, in C and in SQL. */
#include "syscall_names.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crf_syscall_names.h"

const char *syscall_name(const char *machine, int nr)
{
	return crf_syscall_name(machine, nr);
}

const char *syscall_format(const char *machine, int nr, char *buf, size_t size)
{
	const char *name = syscall_name(machine, nr);

	if (nr == -1)
		snprintf(buf, size, "-");
	else if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "syscall_%d", nr);
	return buf;
}

static int parse_number(const char *text, struct syscall_filter *f)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < -1 || value > 100000)
		return -EINVAL;
	*f = (struct syscall_filter){ .name = NULL, .nr = (int)value };
	return 0;
}

int syscall_parse(const char *text, struct syscall_filter *f)
{
	const char *machine;

	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)*text) || *text == '-')
		return parse_number(text, f);
	if (!strncmp(text, "sys_", 4))
		text += 4;
	else if (!strncmp(text, "syscall_", 8))
		return parse_number(text + 8, f);
	for (size_t i = 0; (machine = crf_syscall_machine_at(i)); i++) {
		int32_t nr = crf_syscall_number(machine, text);

		if (nr >= 0) {
			f->name = crf_syscall_name(machine, nr);
			f->nr = -1;
			return 0;
		}
	}
	return -EINVAL;
}

/* NULL machine (a recording that did not name it) and NULL nr stay NULL. */
static bool args_known(int argc, sqlite3_value **argv)
{
	for (int i = 0; i < argc; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return false;
	return true;
}

static const char *machine_arg(sqlite3_value *v)
{
	return (const char *)sqlite3_value_text(v);
}

static void sql_syscall_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name;

	if (!args_known(argc, argv)) {
		sqlite3_result_null(ctx);
		return;
	}
	name = syscall_name(machine_arg(argv[0]), sqlite3_value_int(argv[1]));
	if (name)
		sqlite3_result_text(ctx, name, -1, SQLITE_STATIC);
	else
		sqlite3_result_null(ctx);
}

static void sql_is_exec_syscall(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool exec = args_known(argc, argv) &&
		    crf_syscall_is_exec(machine_arg(argv[0]), sqlite3_value_int(argv[1]));

	sqlite3_result_int(ctx, exec);
}

static void sql_syscall_is(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *name;
	int nr;

	(void)argc;
	if (sqlite3_value_type(argv[2]) == SQLITE_NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	nr = sqlite3_value_int(argv[2]);
	if (sqlite3_value_type(argv[0]) != SQLITE_TEXT) {
		sqlite3_result_int(ctx, nr == sqlite3_value_int(argv[0]));
		return;
	}
	name = syscall_name(machine_arg(argv[1]), nr);
	sqlite3_result_int(ctx, name && !strcmp(name, (const char *)sqlite3_value_text(argv[0])));
}

int syscall_sql_register(sqlite3 *db)
{
	const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc;

	rc = sqlite3_create_function(db, "syscall_name", 2, flags, NULL, sql_syscall_name, NULL,
				     NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "is_exec_syscall", 2, flags, NULL,
					     sql_is_exec_syscall, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db, "syscall_is", 3, flags, NULL, sql_syscall_is,
					     NULL, NULL);
	return rc;
}
