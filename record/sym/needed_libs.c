// SPDX-License-Identifier: GPL-2.0-only
#include "needed_libs.h"

#include <fcntl.h>
#include <stdbool.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define NEEDED_MAX 32

/* Where ld.so looks when neither RPATH nor ld.so.cache says otherwise (Debian multiarch too). */
static const char *const library_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

/* The DT_NEEDED names of one ELF file; returns how many were stored. */
static size_t read_needed(const char *path, char names[][256], size_t max)
{
	Elf_Scn *scn = NULL;
	size_t n = 0;
	Elf *elf;
	int fd;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr shdr;
		Elf_Data *data;
		size_t i;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		for (i = 0; data && shdr.sh_entsize && i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *name;

			if (!gelf_getdyn(data, (int)i, &dyn) || dyn.d_tag != DT_NEEDED)
				continue;
			name = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
			if (name && n < max && !strchr(name, '/'))
				snprintf(names[n++], sizeof(names[0]), "%s", name);
		}
		break;
	}
	elf_end(elf);
	close(fd);
	return n;
}

static void learn_library(struct build_id_cache *c, const char *name, char *found, size_t size)
{
	size_t i;

	found[0] = '\0';
	for (i = 0; i < sizeof(library_dirs) / sizeof(library_dirs[0]); i++) {
		snprintf(found, size, "%s/%s", library_dirs[i], name);
		if (access(found, R_OK) == 0 && build_id_cache_learn_file(c, found) == 0)
			return;
	}
	found[0] = '\0';
}

void needed_libs_learn(struct build_id_cache *c, const char *exe_path)
{
	static char names[NEEDED_MAX][256], inner[NEEDED_MAX][256];
	char path[4096], inner_path[4096];
	size_t n, m, i, j;

	if (!c || !exe_path || !*exe_path)
		return;
	n = read_needed(exe_path, names, NEEDED_MAX);
	for (i = 0; i < n; i++) {
		learn_library(c, names[i], path, sizeof(path));
		if (!path[0])
			continue;
		m = read_needed(path, inner, NEEDED_MAX);
		for (j = 0; j < m; j++)
			learn_library(c, inner[j], inner_path, sizeof(inner_path));
	}
}

/* name found in the library directories into found (empty when not found). */
static void find_library(const char *name, char *found, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(library_dirs) / sizeof(library_dirs[0]); i++) {
		snprintf(found, size, "%s/%s", library_dirs[i], name);
		if (access(found, R_OK) == 0)
			return;
	}
	found[0] = '\0';
}

static bool listed(char paths[][4096], size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(paths[i], path) == 0)
			return true;
	}
	return false;
}

size_t needed_libs_paths(const char *exe_path, char paths[][4096], size_t max)
{
	static char names[NEEDED_MAX][256], inner[NEEDED_MAX][256];
	char path[4096];
	size_t n, m, i, j, count = 0;

	if (!exe_path || !*exe_path)
		return 0;
	n = read_needed(exe_path, names, NEEDED_MAX);
	for (i = 0; i < n && count < max; i++) {
		find_library(names[i], path, sizeof(path));
		if (!path[0] || listed(paths, count, path))
			continue;
		snprintf(paths[count++], 4096, "%s", path);
	}
	for (i = 0; i < n && count < max; i++) {
		find_library(names[i], path, sizeof(path));
		if (!path[0])
			continue;
		m = read_needed(path, inner, NEEDED_MAX);
		for (j = 0; j < m && count < max; j++) {
			find_library(inner[j], path, sizeof(path));
			if (path[0] && !listed(paths, count, path))
				snprintf(paths[count++], 4096, "%s", path);
		}
	}
	return count;
}
