/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * resymbolize.h - names, on the analysis host, the user frames a recording
 * host could not: a production build is stripped, its debug files live
 * elsewhere. Frames are stored as (binary build-id, file offset), so the
 * debug file with that build-id (debug_files.h: --debug-dir directories,
 * debuginfod) names them as it would have on the recording host.
 *
 * What changes in the database: frames.symbol, symbol_offset and name of the
 * frames newly named, and stacks.text of every stack holding one, so every
 * report (paths, folded, flamegraph, policy) shows the names. A frame
 * without a symbol is named; a frame the recording host named keeps its
 * name, unless the binary itself was found (not only its debug file, whose
 * layout is worked out) and its full symbol table names it otherwise (the
 * recording host may have had only .dynsym).
 */
#ifndef CAPANALYZE_RESYMBOLIZE_H
#define CAPANALYZE_RESYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "crf_types.h"

struct resymbolize_stats {
	int64_t binaries;       /* binaries with a build-id and user frames */
	int64_t binaries_found; /* ... whose debug file was found */
	int64_t frames_named;   /* frames given a new name */
	int64_t stacks_updated; /* stacks whose text changed with them */
};

/*
 * Names the frames of db from the debug files found in dirs[0..count-1]
 * (and debuginfod, when built in and DEBUGINFOD_URLS is set), in one
 * transaction. db must be writable. Returns 0, or -1 with a one-line
 * message in err.
 */
int resymbolize(sqlite3 *db, char *const *dirs, int count, struct resymbolize_stats *stats,
		char *err, size_t err_size);

/*
 * True when frames are to be named anew: debug directories were given, or
 * capanalyze was built with libdebuginfod and DEBUGINFOD_URLS names servers
 * (as gdb and perf ask them, with no option).
 */
bool resymbolize_wanted(int dir_count);

/*
 * The same naming for commands that stream a recording without a database
 * (replay, info): each binary's debug files are looked up once, on its first
 * frame, and a frame gets the name resymbolize() would store for it.
 */
struct frame_namer;

/* Searches dirs[0..count-1] (and debuginfod, as above). Returns 0 or -ENOMEM. */
int frame_namer_new(struct frame_namer **out, char *const *dirs, int count);
void frame_namer_free(struct frame_namer *n);

/*
 * The name of user frame f (is_return: not the innermost frame of its
 * stack, see elf_binary.h): true with *symbol (valid until
 * frame_namer_free()) and *symbol_offset when a debug file names it anew;
 * false to keep what the recording holds.
 */
bool frame_namer_name(struct frame_namer *n, const struct crf_frame *f, bool is_return,
		      const char **symbol, uint64_t *symbol_offset);

/* True when the debug files of binary (build-id, else path) were found. */
bool frame_namer_found(struct frame_namer *n, const struct crf_binary *binary);

#endif /* CAPANALYZE_RESYMBOLIZE_H */
