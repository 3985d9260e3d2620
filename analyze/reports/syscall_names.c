// SPDX-License-Identifier: GPL-2.0-only
/* syscall_names.c - lookups in the system call table. */
#include "syscall_names.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crf_syscall_names.h"

/* The reports name syscalls as recorded on x86_64. */
static const char reports_machine[] = "x86_64";

/* Above every syscall number of the table: the end of a name search. */
#define SYSCALL_NR_SEARCH_END 1024

const char *syscall_name(int nr)
{
	return crf_syscall_name(reports_machine, nr);
}

const char *syscall_format(int nr, char *buf, size_t size)
{
	const char *name = syscall_name(nr);

	if (nr == -1)
		snprintf(buf, size, "-");
	else if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "syscall_%d", nr);
	return buf;
}

static int parse_number(const char *text, int *nr)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || end == text || *end || value < -1 || value > 100000)
		return -EINVAL;
	*nr = (int)value;
	return 0;
}

int syscall_parse(const char *text, int *nr)
{
	if (!text || !*text)
		return -EINVAL;
	if (isdigit((unsigned char)*text) || *text == '-')
		return parse_number(text, nr);
	if (!strncmp(text, "sys_", 4))
		text += 4;
	else if (!strncmp(text, "syscall_", 8))
		return parse_number(text + 8, nr);
	for (int i = 0; i < SYSCALL_NR_SEARCH_END; i++) {
		const char *name = syscall_name(i);

		if (name && !strcmp(name, text)) {
			*nr = i;
			return 0;
		}
	}
	return -EINVAL;
}
