// SPDX-License-Identifier: GPL-2.0-only
/*
 * user_symbolizer.c - (pid, address) -> mapping -> (binary, file offset) ->
 * symbol, over a proc_maps cache and an elf_symbols cache.
 */
#include "user_symbolizer.h"
#include "elf_symbols.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Where a process image's executable was loaded (user_symbolizer_note_exe()). */
struct exe_note {
	uint32_t pid;
	uint64_t start_time_ns;
	uint64_t start_code;
	uint64_t end_code;
	char *path;          /* NULL: free slot */
	uint64_t last_used;
};

struct user_symbolizer {
	struct proc_maps_cache *maps;
	struct elf_symbols_cache *binaries;
	/* Only consulted when maps fail, so a linear scan is enough. */
	struct exe_note *notes;
	size_t note_count;
	uint64_t clock;
};

int user_symbolizer_new(struct user_symbolizer **out, const struct user_symbolizer_options *opts)
{
	struct user_symbolizer *s;
	int err;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	err = proc_maps_cache_new(&s->maps, opts ? opts->max_processes : 0);
	if (err)
		goto cleanup;
	err = elf_symbols_cache_new(&s->binaries, opts ? opts->max_binaries : 0);
	if (err)
		goto cleanup;
	s->note_count = opts && opts->max_processes ? opts->max_processes : 4096;
	s->notes = calloc(s->note_count, sizeof(*s->notes));
	if (!s->notes) {
		err = -ENOMEM;
		goto cleanup;
	}
	*out = s;
	return 0;
cleanup:
	user_symbolizer_free(s);
	return err;
}

void user_symbolizer_free(struct user_symbolizer *s)
{
	if (!s)
		return;
	proc_maps_cache_free(s->maps);
	elf_symbols_cache_free(s->binaries);
	if (s->notes) {
		size_t i;

		for (i = 0; i < s->note_count; i++)
			free(s->notes[i].path);
	}
	free(s->notes);
	free(s);
}

int user_symbolizer_track(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns)
{
	return proc_maps_cache_refresh(s->maps, pid, start_time_ns);
}

static struct exe_note *find_note(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns)
{
	size_t i;

	for (i = 0; i < s->note_count; i++) {
		struct exe_note *n = &s->notes[i];

		if (n->path && n->pid == pid && n->start_time_ns == start_time_ns)
			return n;
	}
	return NULL;
}

/* A free slot, else the least recently used note, which makes room. */
static struct exe_note *free_or_oldest_note(struct user_symbolizer *s)
{
	struct exe_note *oldest = &s->notes[0];
	size_t i;

	for (i = 0; i < s->note_count; i++) {
		if (!s->notes[i].path)
			return &s->notes[i];
		if (s->notes[i].last_used < oldest->last_used)
			oldest = &s->notes[i];
	}
	return oldest;
}

int user_symbolizer_note_exe(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			     const char *exe_path, uint64_t start_code, uint64_t end_code)
{
	struct exe_note *n;
	char *path;

	if (!exe_path || exe_path[0] != '/' || end_code <= start_code)
		return -EINVAL;
	path = strdup(exe_path);
	if (!path)
		return -ENOMEM;
	n = find_note(s, pid, start_time_ns);
	if (!n)
		n = free_or_oldest_note(s);
	free(n->path);
	*n = (struct exe_note){
		.pid = pid,
		.start_time_ns = start_time_ns,
		.start_code = start_code,
		.end_code = end_code,
		.path = path,
		.last_used = ++s->clock,
	};
	return 0;
}

/* Fills the binary part of frame from bin: build-id and symbol of frame->file_offset. */
static void describe(const struct elf_binary *bin, struct user_frame *frame)
{
	frame->build_id = elf_binary_build_id(bin, &frame->build_id_len);
	if (elf_binary_resolve(bin, frame->file_offset, &frame->symbol, &frame->symbol_offset))
		frame->symbol = NULL;
}

/* The fallback for a process whose maps were never read: its executable's code range. */
static int resolve_in_exe(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			  uint64_t addr, struct user_frame *frame)
{
	struct exe_note *n = find_note(s, pid, start_time_ns);
	const struct elf_binary *bin;
	uint64_t exec_start, offset;
	int err;

	if (!n || addr < n->start_code || addr >= n->end_code)
		return -ENOENT;
	n->last_used = ++s->clock;
	err = elf_symbols_cache_get(s->binaries, 0, 0, 0, n->path, 0, 0, &bin);
	if (err == -ENOMEM)
		return err;
	if (err || !bin || elf_binary_exec_start(bin, &exec_start) ||
	    elf_binary_vaddr_to_offset(bin, addr - (n->start_code - exec_start), &offset))
		return -ENOENT;
	frame->binary_path = n->path;
	frame->map_flags = USER_FRAME_FROM_EXE_RANGE;
	frame->file_offset = offset;
	describe(bin, frame);
	return 0;
}

int user_symbolizer_resolve_file(struct user_symbolizer *s, uint64_t dev, uint64_t inode,
				 uint64_t file_offset, const char *path, struct user_frame *frame)
{
	const struct elf_binary *bin = NULL;
	const char *cached_path = NULL;
	int err;

	memset(frame, 0, sizeof(*frame));
	frame->file_offset = file_offset;
	frame->dev = dev;
	frame->inode = inode;
	frame->binary_path = path;
	if (!elf_symbols_cache_find(s->binaries, dev, inode, &bin, &cached_path)) {
		if (!frame->binary_path)
			frame->binary_path = cached_path;
	} else if (path && path[0] == '/') {
		err = elf_symbols_cache_get(s->binaries, 0, 0, 0, path, dev, inode, &bin);
		if (err == -ENOMEM)
			return err;
	}
	if (bin)
		describe(bin, frame);
	return 0;
}

int user_symbolizer_resolve(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			    uint64_t addr, struct user_frame *frame)
{
	const struct proc_mapping *m;
	const struct elf_binary *bin;
	int err, fallback;

	memset(frame, 0, sizeof(*frame));
	frame->file_offset = addr;
	err = proc_maps_cache_find(s->maps, pid, start_time_ns, addr, &m);
	if (err == -ENOENT || err == -ESRCH) {
		fallback = resolve_in_exe(s, pid, start_time_ns, addr, frame);
		if (fallback != -ENOENT)
			return fallback;
		frame->file_offset = addr;
	}
	if (err)
		return err;
	frame->binary_path = m->path;
	frame->map_flags = m->flags;
	/* Anonymous and kernel-provided code has no file to name it. */
	if (m->flags & (PROC_MAP_ANON | PROC_MAP_SPECIAL))
		return 0;
	frame->file_offset = proc_mapping_file_offset(m, addr);
	frame->dev = m->dev;
	frame->inode = m->inode;
	err = elf_symbols_cache_get(s->binaries, pid, m->start, m->end, m->path, m->dev, m->inode,
				    &bin);
	if (err == -ENOMEM)
		return err;
	if (err || !bin)
		return 0; /* path + offset is still a useful frame */
	describe(bin, frame);
	return 0;
}

void user_symbolizer_forget(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns)
{
	struct exe_note *n = find_note(s, pid, start_time_ns);

	proc_maps_cache_forget(s->maps, pid, start_time_ns);
	if (n) {
		free(n->path);
		memset(n, 0, sizeof(*n));
	}
}
