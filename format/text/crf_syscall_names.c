// SPDX-License-Identifier: GPL-2.0-only
/* crf_syscall_names.c - lookups in the generated syscall tables (see crf_syscall_names.h). */
#include "crf_syscall_names.h"

#include <string.h>

#include "crf_syscall_tables.h"

static const struct crf_syscall_table *table_of(const char *machine)
{
	if (!machine)
		return NULL;
	for (const struct crf_syscall_table *t = crf_syscall_tables; t->machine; t++)
		if (!strcmp(machine, t->machine) || (t->alias && !strcmp(machine, t->alias)))
			return t;
	return NULL;
}

const char *crf_syscall_machine(const char *machine)
{
	const struct crf_syscall_table *t = table_of(machine);

	return t ? t->machine : NULL;
}

const char *crf_syscall_machine_at(size_t i)
{
	for (size_t n = 0; crf_syscall_tables[n].machine; n++)
		if (n == i)
			return crf_syscall_tables[n].machine;
	return NULL;
}

const char *crf_syscall_name(const char *machine, int32_t nr)
{
	const struct crf_syscall_table *t = table_of(machine);

	if (!t || nr < 0 || (size_t)nr >= t->count)
		return NULL;
	return t->names[nr];
}

int32_t crf_syscall_number(const char *machine, const char *name)
{
	const struct crf_syscall_table *t = table_of(machine);

	if (!t || !name)
		return -1;
	for (size_t nr = 0; nr < t->count; nr++)
		if (t->names[nr] && !strcmp(t->names[nr], name))
			return (int32_t)nr;
	return -1;
}

bool crf_syscall_is_exec(const char *machine, int32_t nr)
{
	const struct crf_syscall_table *t = table_of(machine);

	return t && nr >= 0 && (nr == t->execve || nr == t->execveat);
}
