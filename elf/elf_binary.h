/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elf_binary.h - one ELF binary's GNU build-id and function symbols, read
 * with libelf, to name a user frame given as a FILE OFFSET. File offsets are
 * mapped to virtual addresses through the PT_LOAD program headers, so
 * executables (PIE or not), shared libraries and their separate debug files
 * (which keep the program headers) work the same way. Symbols come from
 * .symtab and .dynsym; FUNC symbols win over others at the same address; a
 * symbol with a size only covers its size.
 *
 * Shared by caprec (naming frames while recording) and capanalyze (naming
 * them again from debug files on the analysis host): libelf, liblzma and libc.
 * Errors are negative errno values; -ENOEXEC means "not a usable ELF file".
 *
 * Stack frames other than the innermost hold return addresses, which point
 * just past a call: resolve (offset - 1) and add 1 to the symbol offset, or a
 * call that ends a function is named after the next one.
 */
#ifndef CAPREC_ELF_BINARY_H
#define CAPREC_ELF_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "debuglink.h"

#define ELF_BUILD_ID_MAX 64 /* longest build-id kept (SHA1 ones are 20 bytes) */

struct elf_binary;

/*
 * Opens path and reads its build-id and symbols; when it has no .symtab
 * (stripped), also those of its debug file under /usr/lib/debug, if
 * installed: by build-id (elf_binary_add_debug_symbols()), else by the name
 * in its .gnu_debuglink (beside path, in its .debug/, under
 * /usr/lib/debug: debuglink.h). *out owns the result.
 */
int elf_binary_open(struct elf_binary **out, const char *path);

/* Same from an open descriptor (not owned; may be closed after the call). */
int elf_binary_open_fd(struct elf_binary **out, int fd);

/*
 * Same, looking for the debug file of a stripped binary under debug_root
 * (see elf_binary_add_debug_symbols()): NULL = "/usr/lib/debug", "" = nowhere.
 */
int elf_binary_open_fd_debug(struct elf_binary **out, int fd, const char *debug_root);

/* Where a stripped binary's separate debug file is looked for. */
struct elf_debug_places {
	const char *debug_root;  /* NULL = "/usr/lib/debug"; "" = no debug files at all */
	const char *binary_path; /* the binary's path, for .gnu_debuglink; NULL = no link */
};

/*
 * Same as elf_binary_open_fd(), looking for the debug file of a stripped
 * binary by build-id under places->debug_root, then by .gnu_debuglink
 * beside places->binary_path and under the root (places NULL: by build-id
 * in /usr/lib/debug only, as no path is known).
 */
int elf_binary_open_fd_places(struct elf_binary **out, int fd,
			      const struct elf_debug_places *places);

void elf_binary_free(struct elf_binary *bin);

/* The NT_GNU_BUILD_ID note; *len = 0 (and NULL returned) when the binary has none. */
const uint8_t *elf_binary_build_id(const struct elf_binary *bin, size_t *len);

/* Number of symbols kept (function-like symbols with a non-zero address). */
size_t elf_binary_symbol_count(const struct elf_binary *bin);

/*
 * Names the symbol containing file_offset. *symbol points into bin (valid
 * until elf_binary_free()). Returns 0; -ENOENT when no PT_LOAD segment holds
 * the offset or no symbol covers it (a stripped binary).
 */
int elf_binary_resolve(const struct elf_binary *bin, uint64_t file_offset, const char **symbol,
		       uint64_t *symbol_offset);

/* Same for a virtual address of the ELF file (before any load bias). */
int elf_binary_resolve_vaddr(const struct elf_binary *bin, uint64_t vaddr, const char **symbol,
			     uint64_t *symbol_offset);

/*
 * True when bin is a separate debug file (`objcopy --only-keep-debug`): its
 * program headers lost the file offsets, which were worked out from the
 * addresses as linkers lay files out. File offsets of the executable
 * segment are then right for every common linker; the stripped binary
 * itself, where available, is the exact answer.
 */
bool elf_binary_layout_inferred(const struct elf_binary *bin);

/*
 * Converts file_offset to the virtual address the ELF file assigns it (before
 * any load bias). Returns 0 or -ENOENT. Exposed for tests and diagnostics.
 */
int elf_binary_offset_to_vaddr(const struct elf_binary *bin, uint64_t file_offset,
			       uint64_t *vaddr);

/*
 * Converts a virtual address of the ELF file (before load bias) to a file
 * offset, through the PT_LOAD segment holding it. Returns 0 or -ENOENT.
 */
int elf_binary_vaddr_to_offset(const struct elf_binary *bin, uint64_t vaddr,
			       uint64_t *file_offset);

/*
 * The lowest p_vaddr of the executable PT_LOAD segments: what the kernel's
 * mm->start_code is relative to (start_code = load bias + this), so an
 * executable's load bias can be found without /proc/PID/maps.
 * Returns 0 or -ENOENT (no executable segment).
 */
int elf_binary_exec_start(const struct elf_binary *bin, uint64_t *vaddr);

/*
 * Adds the symbols of bin's separate debug file, found by build-id:
 * DEBUG_ROOT/.build-id/ab/cdef....debug (debug_root NULL = "/usr/lib/debug"),
 * where Debian's -dbg/-dbgsym and Fedora's -debuginfo packages install them.
 * Stripped distribution binaries keep only .dynsym; their debug file names
 * the internal functions too. The debug file must carry the same build-id.
 * Returns 0 when symbols were added; -ENOENT (no build-id, no file, no new
 * symbol); -ESTALE (build-id differs); -ENOEXEC; -ENOMEM.
 */
int elf_binary_add_debug_symbols(struct elf_binary *bin, const char *debug_root);

/*
 * The file name bin's .gnu_debuglink holds, with its CRC-32 in *crc; NULL
 * when bin has no such link.
 */
const char *elf_binary_debuglink(const struct elf_binary *bin, uint32_t *crc);

/*
 * Adds the symbols of the debug file bin's .gnu_debuglink names, looked for
 * where `where` says (its name is ignored: the link's is used), whose CRC-32
 * matches the link. Returns 0 when symbols were added; -ENOENT (no link, no
 * file, no new symbol); -EBADMSG when only files with another CRC were
 * found: the first is then elf_binary_refused_debug_file(); -ENOEXEC;
 * -ENOMEM.
 */
int elf_binary_add_debuglink_symbols(struct elf_binary *bin, const struct debuglink_search *where);

/*
 * A debug file the link named whose CRC-32 did not match (stale or
 * damaged), so it was not used; NULL when none. Owned by bin: callers say
 * it to the user, as a library does not print.
 */
const char *elf_binary_refused_debug_file(const struct elf_binary *bin);

/* True when bin's symbols include a full .symtab (not only the exported .dynsym). */
bool elf_binary_has_symtab(const struct elf_binary *bin);

#endif /* CAPREC_ELF_BINARY_H */
