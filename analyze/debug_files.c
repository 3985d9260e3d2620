// SPDX-License-Identifier: GPL-2.0-only
/*
 * debug_files.c - the debug files of recorded binaries, by build-id, from
 * --debug-dir directories and debuginfod (see debug_files.h).
 */
#include "debug_files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_DEBUGINFOD
#include <elfutils/debuginfod.h>
#endif

/* Refused debug files said so far: each is said once, however many binaries link it. */
#define REFUSED_MAX 64

struct debug_files {
	char **dirs;
	int dir_count;
	char *refused[REFUSED_MAX];
	size_t refused_count;
#ifdef HAVE_DEBUGINFOD
	debuginfod_client *client; /* NULL: DEBUGINFOD_URLS unset, or no client */
#endif
};

int debug_files_new(struct debug_files **out, char *const *dirs, int count)
{
	struct debug_files *df;
	const char *urls = getenv("DEBUGINFOD_URLS");

	*out = NULL;
	df = calloc(1, sizeof(*df));
	if (!df)
		return -ENOMEM;
	df->dirs = calloc(count > 0 ? (size_t)count : 1, sizeof(*df->dirs));
	if (!df->dirs)
		goto nomem;
	for (int i = 0; i < count; i++) {
		df->dirs[i] = strdup(dirs[i]);
		if (!df->dirs[i])
			goto nomem;
		df->dir_count++;
	}
#ifdef HAVE_DEBUGINFOD
	/* Only where the user configured servers: no network otherwise. */
	if (urls && *urls)
		df->client = debuginfod_begin();
#else
	(void)urls;
#endif
	*out = df;
	return 0;
nomem:
	debug_files_free(df);
	return -ENOMEM;
}

void debug_files_free(struct debug_files *df)
{
	if (!df)
		return;
	for (int i = 0; i < df->dir_count; i++)
		free(df->dirs[i]);
	free(df->dirs);
	for (size_t i = 0; i < df->refused_count; i++)
		free(df->refused[i]);
#ifdef HAVE_DEBUGINFOD
	if (df->client)
		debuginfod_end(df->client);
#endif
	free(df);
}

bool debug_files_servers_configured(void)
{
#ifdef HAVE_DEBUGINFOD
	const char *urls = getenv("DEBUGINFOD_URLS");

	return urls && *urls;
#else
	return false;
#endif
}

bool debug_files_use_debuginfod(const struct debug_files *df)
{
#ifdef HAVE_DEBUGINFOD
	return df->client != NULL;
#else
	(void)df;
	return false;
#endif
}

/*
 * A debug file whose CRC-32 is not the one its binary's link holds (stale,
 * or damaged in transit) names nothing; the user is told once, on stderr,
 * as a warning: the reports go on, with those frames unnamed.
 */
static void note_refused(struct debug_files *df, const char *file, const char *binary)
{
	for (size_t i = 0; i < df->refused_count; i++)
		if (!strcmp(df->refused[i], file))
			return;
	if (df->refused_count < REFUSED_MAX) {
		df->refused[df->refused_count] = strdup(file);
		if (df->refused[df->refused_count])
			df->refused_count++;
	}
	fprintf(stderr,
		"capanalyze: warning: %s: CRC-32 differs from the .gnu_debuglink of %s, "
		"not used\n",
		file, *binary ? binary : "its binary");
}

/* What one candidate file is to the frames of the binary looked for. */
struct found {
	struct elf_binary *symbols;
	struct elf_binary *layout;
};

/* A binary recorded without a build-id (len 0) matches only files without one. */
static bool same_build_id(const struct elf_binary *bin, const uint8_t *id, size_t len)
{
	size_t got_len;
	const uint8_t *got = elf_binary_build_id(bin, &got_len);

	if (!len)
		return !got;
	return got && got_len == len && !memcmp(got, id, len);
}

/*
 * A stripped binary found in a directory links its debug file by name and
 * CRC-32: looked for as gdb would, with the directories in place of
 * /usr/lib/debug (DIR/usr/bin/app.debug), and in each directory itself
 * (DIR/app.debug), as the analysis host has no copy of the recorded tree.
 */
static void add_linked_symbols(struct debug_files *df, struct elf_binary *bin,
			       const char *recorded_path)
{
	struct debuglink_search where = {
		.binary_path = recorded_path,
		.roots = (const char *const *)df->dirs,
		.root_count = (size_t)df->dir_count,
		.root_basename = true,
	};
	const char *refused;
	uint32_t crc;

	if (elf_binary_has_symtab(bin) || !elf_binary_debuglink(bin, &crc))
		return;
	elf_binary_add_debuglink_symbols(bin, &where);
	refused = elf_binary_refused_debug_file(bin);
	if (refused)
		note_refused(df, refused, recorded_path);
}

/*
 * Opens fd's ELF file and keeps it as symbols and/or layout when it carries
 * the build-id and gives what is still missing. Never looks further for
 * debug files itself (""): only the places debug_files.h lists are searched.
 */
static void consider_fd(struct debug_files *df, int fd, const uint8_t *id, size_t len,
			const char *recorded_path, struct found *f)
{
	struct elf_binary *bin = NULL;
	bool as_layout, as_symbols;

	if (elf_binary_open_fd_debug(&bin, fd, "") || !same_build_id(bin, id, len)) {
		elf_binary_free(bin);
		return;
	}
	if (!f->symbols && !elf_binary_layout_inferred(bin))
		add_linked_symbols(df, bin, recorded_path);
	/* An unstripped binary is both at once: then the two are the same object. */
	as_layout = !f->layout && !elf_binary_layout_inferred(bin);
	as_symbols = !f->symbols && elf_binary_has_symtab(bin);
	if (as_layout)
		f->layout = bin;
	if (as_symbols)
		f->symbols = bin;
	if (!as_layout && !as_symbols)
		elf_binary_free(bin);
}

static void consider_path(struct debug_files *df, const char *path, const uint8_t *id, size_t len,
			  const char *recorded_path, struct found *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	consider_fd(df, fd, id, len, recorded_path, f);
	close(fd);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void search_dir(struct debug_files *df, const char *dir, const char *hex, const char *path,
		       const uint8_t *id, size_t len, struct found *f)
{
	static const char *const build_id_forms[] = { "%s/.build-id/%.2s/%s.debug",
						      "%s/.build-id/%.2s/%s/debug",
						      "%s/.build-id/%.2s/%s/elf" };
	char candidate[PATH_MAX];

	for (size_t i = 0; len && i < sizeof(build_id_forms) / sizeof(build_id_forms[0]); i++) {
		if (snprintf(candidate, sizeof(candidate), build_id_forms[i], dir, hex, hex + 2) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, id, len, path, f);
	}
	if (path[0] == '/') {
		if (snprintf(candidate, sizeof(candidate), "%s%s.debug", dir, path) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, id, len, path, f);
		if (snprintf(candidate, sizeof(candidate), "%s%s", dir, path) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, id, len, path, f);
	}
	if (*base_name(path)) {
		if (snprintf(candidate, sizeof(candidate), "%s/%s.debug", dir, base_name(path)) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, id, len, path, f);
		if (snprintf(candidate, sizeof(candidate), "%s/%s", dir, base_name(path)) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, id, len, path, f);
	}
}

#ifdef HAVE_DEBUGINFOD
/* The servers' debug file, then their executable when the layout is still missing. */
static void search_debuginfod(struct debug_files *df, const uint8_t *id, size_t len,
			      struct found *f)
{
	int fd;

	if (!df->client)
		return;
	if (!f->symbols) {
		fd = debuginfod_find_debuginfo(df->client, id, (int)len, NULL);
		if (fd >= 0) {
			consider_fd(df, fd, id, len, "", f);
			close(fd);
		}
	}
	if (f->symbols && !f->layout) {
		fd = debuginfod_find_executable(df->client, id, (int)len, NULL);
		if (fd >= 0) {
			consider_fd(df, fd, id, len, "", f);
			close(fd);
		}
	}
}
#endif

/*
 * A binary recorded without a build-id: nothing but its path ties a file to
 * it. A stripped copy of it in a directory (DIR/PATH, DIR/NAME) gives the
 * exact layout and its .gnu_debuglink, whose CRC-32 proves the debug file;
 * without one, the debug file named as `objcopy --add-gnu-debuglink` names
 * it (DIR/PATH.debug, DIR/NAME.debug), with no build-id of its own.
 */
static int find_unidentified(struct debug_files *df, const char *path, struct elf_binary **symbols,
			     struct elf_binary **layout)
{
	const char *name = base_name(path);
	char candidate[PATH_MAX];
	struct found f = { 0 };
	uint32_t crc;

	if (path[0] != '/' || !*name)
		return -ENOENT;
	for (int i = 0; i < df->dir_count && !f.layout; i++) {
		if (snprintf(candidate, sizeof(candidate), "%s%s", df->dirs[i], path) <
		    (int)sizeof(candidate))
			consider_path(df, candidate, NULL, 0, path, &f);
		if (!f.layout && snprintf(candidate, sizeof(candidate), "%s/%s", df->dirs[i],
					  name) < (int)sizeof(candidate))
			consider_path(df, candidate, NULL, 0, path, &f);
	}
	/* The copy's link decides: a file it refused is not taken by its name instead. */
	if (!f.symbols && !(f.layout && elf_binary_debuglink(f.layout, &crc))) {
		for (int i = 0; i < df->dir_count && !f.symbols; i++) {
			if (snprintf(candidate, sizeof(candidate), "%s%s.debug", df->dirs[i],
				     path) < (int)sizeof(candidate))
				consider_path(df, candidate, NULL, 0, path, &f);
			if (!f.symbols && snprintf(candidate, sizeof(candidate), "%s/%s.debug",
						   df->dirs[i], name) < (int)sizeof(candidate))
				consider_path(df, candidate, NULL, 0, path, &f);
		}
	}
	if (!f.symbols) {
		elf_binary_free(f.layout);
		return -ENOENT;
	}
	*symbols = f.symbols;
	*layout = f.layout == f.symbols ? NULL : f.layout;
	return 0;
}

int debug_files_find(struct debug_files *df, const uint8_t *build_id, size_t len,
		     const char *path, struct elf_binary **symbols, struct elf_binary **layout)
{
	struct found f = { 0 };
	char hex[2 * 64 + 1];

	*symbols = NULL;
	*layout = NULL;
	if (!path)
		path = "";
	if (!len)
		return find_unidentified(df, path, symbols, layout);
	if (len < 2 || len > 64)
		return -ENOENT;
	for (size_t i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", build_id[i]);
	for (int i = 0; i < df->dir_count && !(f.symbols && f.layout); i++)
		search_dir(df, df->dirs[i], hex, path, build_id, len, &f);
#ifdef HAVE_DEBUGINFOD
	search_debuginfod(df, build_id, len, &f);
#endif
	if (!f.symbols) {
		elf_binary_free(f.layout);
		return -ENOENT;
	}
	*symbols = f.symbols;
	*layout = f.layout == f.symbols ? NULL : f.layout;
	return 0;
}
