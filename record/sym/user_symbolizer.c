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

struct user_symbolizer {
	struct proc_maps_cache *maps;
	struct elf_symbols_cache *binaries;
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
	free(s);
}

int user_symbolizer_track(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns)
{
	return proc_maps_cache_refresh(s->maps, pid, start_time_ns);
}

int user_symbolizer_resolve(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			    uint64_t addr, struct user_frame *frame)
{
	const struct proc_mapping *m;
	const struct elf_binary *bin;
	int err;

	memset(frame, 0, sizeof(*frame));
	frame->file_offset = addr;
	err = proc_maps_cache_find(s->maps, pid, start_time_ns, addr, &m);
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
	frame->build_id = elf_binary_build_id(bin, &frame->build_id_len);
	if (elf_binary_resolve(bin, frame->file_offset, &frame->symbol, &frame->symbol_offset))
		frame->symbol = NULL;
	return 0;
}

void user_symbolizer_forget(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns)
{
	proc_maps_cache_forget(s->maps, pid, start_time_ns);
}
