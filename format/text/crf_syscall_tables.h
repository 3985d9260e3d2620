/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_syscall_tables.h - the generated syscall tables (crf_syscall_tables.c,
 * by gen_syscall_names.py) as crf_syscall_names.c reads them. Internal to
 * format/text.
 */
#ifndef CRF_SYSCALL_TABLES_H
#define CRF_SYSCALL_TABLES_H

#include <stddef.h>
#include <stdint.h>

/*
 * One machine's table. The exec numbers are kept apart from the names
 * because the analyser asks for them in queries that open an exec window,
 * where a name compare per row would be wasted.
 */
struct crf_syscall_table {
	const char *machine; /* canonical uname -m */
	const char *alias;   /* the kernel's own name of the architecture, or NULL */
	const char *const *names;
	size_t count;
	int32_t execve, execveat;
};

/* Ends with an entry whose machine is NULL. */
extern const struct crf_syscall_table crf_syscall_tables[];

#endif /* CRF_SYSCALL_TABLES_H */
