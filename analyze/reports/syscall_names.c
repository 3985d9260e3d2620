// SPDX-License-Identifier: GPL-2.0-only
/* syscall_names.c - lookups in the system call table. */
#include "syscall_names.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *syscall_name(int nr)
{
	size_t low = 0, high = syscall_table_x86_64_count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;

		if (syscall_table_x86_64[mid].nr == nr)
			return syscall_table_x86_64[mid].name;
		if (syscall_table_x86_64[mid].nr < nr)
			low = mid + 1;
		else
			high = mid;
	}
	return NULL;
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
	for (size_t i = 0; i < syscall_table_x86_64_count; i++) {
		if (!strcmp(syscall_table_x86_64[i].name, text)) {
			*nr = syscall_table_x86_64[i].nr;
			return 0;
		}
	}
	return -EINVAL;
}
