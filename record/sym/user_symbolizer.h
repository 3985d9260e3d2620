/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * user_symbolizer.h - one call from (process, user address) to everything a
 * recording stores about a user frame: the binary (path + build-id), the file
 * offset, and the symbol when the binary's ELF tables name it. Glue over
 * proc_maps (address -> mapping) and elf_symbols (file offset -> symbol).
 *
 * Typical use in the recorder: user_symbolizer_track() when a traced process
 * is first seen or execs (snapshot its maps while it lives),
 * user_symbolizer_resolve() for every new user frame,
 * user_symbolizer_forget() after its exit has been handled.
 *
 * Return addresses (all frames but the innermost) point past their call:
 * resolve (addr - 1) and add 1 to file_offset and symbol_offset, so a call
 * that ends a function is not named after the next one.
 * Not thread-safe: the recorder's event loop owns it.
 */
#ifndef CAPREC_USER_SYMBOLIZER_H
#define CAPREC_USER_SYMBOLIZER_H

#include <stddef.h>
#include <stdint.h>

#include "proc_maps.h"

struct user_symbolizer;

/* 0 = default bounds (4096 processes, 256 binaries). */
struct user_symbolizer_options {
	size_t max_processes;
	size_t max_binaries;
};

/* A user frame. Pointers are owned by the symbolizer: valid until its next call. */
struct user_frame {
	const char *binary_path;  /* mapping path ("[vdso]" for special ones); NULL for anon */
	const uint8_t *build_id;  /* NULL when unknown (no note, binary not readable) */
	size_t build_id_len;
	uint64_t file_offset;     /* offset in binary_path; the address itself for anon */
	const char *symbol;       /* NULL when unresolved */
	uint64_t symbol_offset;
	uint64_t dev;             /* of the mapped file, 0 for anon/special */
	uint64_t inode;
	uint32_t map_flags;       /* PROC_MAP_* of the mapping; 0 when no mapping was found */
};

/* opts may be NULL. */
int user_symbolizer_new(struct user_symbolizer **out, const struct user_symbolizer_options *opts);
void user_symbolizer_free(struct user_symbolizer *s);

/* Snapshots the maps of pid now. start_time_ns as in proc_maps_cache_find(). */
int user_symbolizer_track(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns);

/*
 * Resolves addr in process pid. Returns 0 with *frame filled as far as
 * possible (a binary that cannot be read still gives path + file offset, with
 * build_id and symbol NULL); -ENOENT when no executable mapping covers addr
 * (frame->file_offset = addr, everything else empty); -ESRCH when the process
 * is gone and was never tracked; -ENOMEM.
 */
int user_symbolizer_resolve(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			    uint64_t addr, struct user_frame *frame);

/*
 * Records where the main executable of a process image was loaded, as the
 * kernel knows it: mm->start_code and mm->end_code (the BPF side can send
 * them with the exec record; /proc/PID/stat fields 26-27, see proc_info),
 * and the path of that ELF file (for a script, the interpreter's). When
 * /proc/PID/maps was never read because the process exited before the
 * recorder got to it, frames in [start_code, end_code) are still resolved
 * against the executable: load bias = start_code - its lowest executable
 * p_vaddr. Such frames carry USER_FRAME_FROM_EXE_RANGE in map_flags.
 * Returns 0, -EINVAL for an empty range or a relative path, -ENOMEM.
 */
int user_symbolizer_note_exe(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns,
			     const char *exe_path, uint64_t start_code, uint64_t end_code);

/* map_flags bit: the frame was placed through user_symbolizer_note_exe(), not maps. */
#define USER_FRAME_FROM_EXE_RANGE (1u << 16)

/*
 * Resolves a frame the kernel already translated into the mapped file's
 * (dev, inode) and file offset (e.g. with bpf_find_vma() at the time of the
 * check), so it works whatever happened to the process since. The binary is
 * the one cached for (dev, inode) by earlier frames of any process; else it
 * is opened from path (absolute, checked against dev and inode) when given.
 * Returns 0 with what could be found (no symbol and no build-id when the
 * binary is unknown), -ENOMEM.
 */
int user_symbolizer_resolve_file(struct user_symbolizer *s, uint64_t dev, uint64_t inode,
				 uint64_t file_offset, const char *path, struct user_frame *frame);

/* Drops what is kept for a process image. */
void user_symbolizer_forget(struct user_symbolizer *s, uint32_t pid, uint64_t start_time_ns);

#endif /* CAPREC_USER_SYMBOLIZER_H */
