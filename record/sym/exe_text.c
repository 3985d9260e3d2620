// SPDX-License-Identifier: GPL-2.0-only
#include "exe_text.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int read_text_offset(const char *path, uint64_t *offset)
{
	Elf *elf = NULL;
	size_t count, i;
	int fd, err = -ENOEXEC;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ENOENT;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getphdrnum(elf, &count))
		goto cleanup;
	for (i = 0; i < count; i++) {
		GElf_Phdr phdr;

		if (!gelf_getphdr(elf, (int)i, &phdr))
			goto cleanup;
		if (phdr.p_type == PT_LOAD && (phdr.p_flags & PF_X)) {
			*offset = phdr.p_offset;
			err = 0;
			break;
		}
	}
cleanup:
	elf_end(elf);
	close(fd);
	return err;
}

int exe_text_offset(const char *path, uint64_t *offset)
{
	static char last_path[4096];
	static uint64_t last_offset;
	static int last_err = -ENOENT;

	if (!path || !*path)
		return -ENOENT;
	if (strcmp(path, last_path) != 0) {
		snprintf(last_path, sizeof(last_path), "%s", path);
		last_err = read_text_offset(path, &last_offset);
	}
	*offset = last_offset;
	return last_err;
}
