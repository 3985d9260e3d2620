/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syscall_names.h - system call numbers to names and back, for the syscall
 * column of reports and the --syscall filter.
 *
 * Recordings store the number the task was serving (-1 when none); what a
 * number means depends on the machine the recording was made on
 * (recordings.machine, from its host.machine metadata). Names come from
 * format/text's tables, the ones caprec's live output and replay use; a
 * number without a name, or of a machine without a table, prints as
 * "syscall_<n>".
 */
#ifndef REPORTS_SYSCALL_NAMES_H
#define REPORTS_SYSCALL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include <sqlite3.h>

/* The name of nr on machine, or NULL (also for -1, "no syscall"). */
const char *syscall_name(const char *machine, int nr);

/* Writes the name, "syscall_<n>" for an unnamed number, "-" for -1. Returns buf. */
const char *syscall_format(const char *machine, int nr, char *buf, size_t size);

/*
 * A --syscall value: a number ("92", "syscall_92"), which means that number
 * on every machine, or a name ("chown", "sys_chown"), which means its number
 * on each recording's machine.
 */
struct syscall_filter {
	const char *name; /* canonical name, or NULL for a number */
	int nr;
};

/* Parses text into f. Returns 0, or -EINVAL when no machine knows the name. */
int syscall_parse(const char *text, struct syscall_filter *f);

/*
 * Registers on db the SQL functions the reports resolve syscalls with, per
 * recording machine:
 *   syscall_name(machine, nr)       the name, or NULL
 *   is_exec_syscall(machine, nr)    1 for execve/execveat, else 0
 *   syscall_is(filter, machine, nr) 1 when nr matches a --syscall value bound
 *                                   as text (a name) or integer (a number)
 * Returns a SQLite result code.
 */
int syscall_sql_register(sqlite3 *db);

#endif /* REPORTS_SYSCALL_NAMES_H */
