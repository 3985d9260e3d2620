/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syscall_names.h - system call numbers to names and back, for the syscall
 * column of reports and the --syscall filter.
 *
 * Recordings store the number the task was serving (-1 when none). Names come
 * from format/text's table, the one caprec's live output and replay use, for
 * x86_64 (the architecture the reports assume); a number without a name
 * prints as "syscall_<n>".
 */
#ifndef REPORTS_SYSCALL_NAMES_H
#define REPORTS_SYSCALL_NAMES_H

#include <stddef.h>

#define SYSCALL_NR_EXECVE 59
#define SYSCALL_NR_EXECVEAT 322

/* The name of nr, or NULL (also for -1, "no syscall"). */
const char *syscall_name(int nr);

/* Writes the name, "syscall_<n>" for an unnamed number, "-" for -1. Returns buf. */
const char *syscall_format(int nr, char *buf, size_t size);

/* Parses a name ("chown", "sys_chown", "syscall_92") or a number. Returns 0 or -EINVAL. */
int syscall_parse(const char *text, int *nr);

#endif /* REPORTS_SYSCALL_NAMES_H */
