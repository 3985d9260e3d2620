/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debug_files.h - finds, on the analysis host, the ELF files that name the
 * frames of a recorded binary known by its GNU build-id (and the path it had
 * on the recording host): its debug file, and where available the binary
 * itself, which gives the exact file layout.
 *
 * Each directory given with --debug-dir is searched in this order; the first
 * ELF file carrying the same build-id wins (a file with another build-id is
 * skipped, so stale copies never name anything):
 *   DIR/.build-id/ab/cdef....debug   GDB's layout: /usr/lib/debug, Debian's
 *                                    -dbg and -dbgsym, Fedora's -debuginfo
 *   DIR/.build-id/ab/cdef.../debug   perf's build-id cache (~/.debug)
 *   DIR/.build-id/ab/cdef.../elf
 *   DIR/PATH.debug, DIR/PATH         a tree laid out as the recording host
 *                                    (/usr/lib/debug/usr/bin/x.debug, a sysroot)
 *   DIR/BASENAME.debug, DIR/BASENAME `objcopy --only-keep-debug x x.debug`
 * A stripped binary found there (DIR/PATH, DIR/BASENAME) also leads to its
 * debug file through its .gnu_debuglink, which must match the link's CRC-32
 * (debuglink.h; DIR stands for /usr/lib/debug, and DIR/NAME is tried too).
 * Then, when capanalyze was built with libdebuginfod and DEBUGINFOD_URLS is
 * set, the debuginfod servers it names.
 *
 * A binary recorded without a build-id (-Wl,--build-id=none) has only its
 * path: its stripped copy with a .gnu_debuglink as above, else a debug file
 * without a build-id at DIR/PATH.debug or DIR/BASENAME.debug (the name
 * `objcopy --add-gnu-debuglink` links). The recording does not hold the
 * link's CRC-32, so without the copy the file is taken on its name.
 * A debug file refused for its CRC-32 is said once on stderr as a warning.
 *
 * Errors are negative errno values.
 */
#ifndef CAPANALYZE_DEBUG_FILES_H
#define CAPANALYZE_DEBUG_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_binary.h"

struct debug_files;

/* dirs[0..count-1] are searched in order (copied). Returns 0 or -ENOMEM. */
int debug_files_new(struct debug_files **out, char *const *dirs, int count);
void debug_files_free(struct debug_files *df);

/* True when this capanalyze was built with libdebuginfod and DEBUGINFOD_URLS is set. */
bool debug_files_servers_configured(void);

/* The same for df: it has a debuginfod client. */
bool debug_files_use_debuginfod(const struct debug_files *df);

/*
 * The files for build_id (len bytes) of the binary recorded at path ("" if
 * unknown; len 0: recorded without a build-id, see above). *symbols gets the first matching file with a full .symtab (a
 * debug file or an unstripped binary); *layout the first matching file that
 * holds the code itself (a binary, stripped or not), or NULL: then the
 * debug file's worked-out layout is used (elf_binary_layout_inferred()).
 * The caller frees both. Returns 0, or -ENOENT when no file with a .symtab
 * carries that build-id.
 */
int debug_files_find(struct debug_files *df, const uint8_t *build_id, size_t len,
		     const char *path, struct elf_binary **symbols, struct elf_binary **layout);

#endif /* CAPANALYZE_DEBUG_FILES_H */
