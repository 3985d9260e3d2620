/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elf_symbols.h - one ELF binary's GNU build-id and function symbols, read
 * with libelf, to name a user frame given as a FILE OFFSET (what proc_maps
 * produces). File offsets are mapped to virtual addresses through the PT_LOAD
 * program headers, so executables (PIE or not) and shared libraries work the
 * same way. Symbols come from .symtab and .dynsym; FUNC symbols win over
 * others at the same address; a symbol with a size only covers its size.
 *
 * struct elf_symbols_cache keeps a bounded number of opened binaries, keyed
 * by (dev, inode) of the mapped file, so each binary is read once.
 *
 * Errors are negative errno values; -ENOEXEC means "not a usable ELF file".
 * Not thread-safe: one thread uses a cache and the binaries it returns.
 *
 * Stack frames other than the innermost hold return addresses, which point
 * just past a call: resolve (offset - 1) and add 1 to the symbol offset, or a
 * call that ends a function is named after the next one.
 */
#ifndef CAPREC_ELF_SYMBOLS_H
#define CAPREC_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_BUILD_ID_MAX 64 /* longest build-id kept (SHA1 ones are 20 bytes) */

struct elf_binary;

/*
 * Opens path and reads its build-id and symbols; when it has no .symtab
 * (stripped), also those of its debug file under /usr/lib/debug, if
 * installed (see elf_binary_add_debug_symbols()). *out owns the result.
 */
int elf_binary_open(struct elf_binary **out, const char *path);

/* Same from an open descriptor (not owned; may be closed after the call). */
int elf_binary_open_fd(struct elf_binary **out, int fd);

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

/* True when bin's symbols include a full .symtab (not only the exported .dynsym). */
bool elf_binary_has_symtab(const struct elf_binary *bin);

struct elf_symbols_cache;

#define ELF_SYMBOLS_RETRY_NS 1000000000ull

/* max_binaries bounds the opened binaries kept (least recently used dropped); 0 = 256. */
int elf_symbols_cache_new(struct elf_symbols_cache **out, size_t max_binaries);
void elf_symbols_cache_free(struct elf_symbols_cache *cache);

/*
 * Where the cache looks for debug files of stripped binaries (see
 * elf_binary_add_debug_symbols()): NULL = "/usr/lib/debug", "" = never.
 * Applies to binaries opened afterwards. Returns 0 or -ENOMEM.
 */
int elf_symbols_cache_set_debug_root(struct elf_symbols_cache *cache, const char *debug_root);

/*
 * Returns in *bin the binary mapped by process pid at [start, end) from the
 * file known by path (as /proc/PID/maps shows it, without " (deleted)"), dev
 * and inode. Tries, in order:
 *   /proc/PID/map_files/START-END  (the mapped file itself: works for deleted
 *                                   files, memfds and other mount namespaces;
 *                                   needs the process alive and CAP_SYS_ADMIN
 *                                   or CAP_CHECKPOINT_RESTORE)
 *   /proc/PID/root/PATH            (the process's own mount namespace)
 *   PATH                           (this namespace: processes that exited)
 * A path candidate is only accepted when its (dev, inode) matches (on
 * overlayfs, where the kernel lists the layer's real file, the inode alone),
 * unless dev and inode are both 0. A failure is cached too, so a binary that cannot
 * be opened is not retried on every frame; it is retried after
 * ELF_SYMBOLS_RETRY_NS (another process may map it from a path we can open),
 * except -ENOEXEC, which is final.
 * *bin is owned by the cache: valid until the next call on the cache.
 * Returns 0, -ENOENT when no candidate could be opened, -ENOEXEC for a
 * non-ELF file, -ENOMEM.
 */
int elf_symbols_cache_get(struct elf_symbols_cache *cache, uint32_t pid, uint64_t start,
			  uint64_t end, const char *path, uint64_t dev, uint64_t inode,
			  const struct elf_binary **bin);

/*
 * The binary cached for (dev, inode), without opening anything: for frames
 * whose file the kernel identified but no longer has a path for. *path gets
 * the path it was opened from. Returns 0, or -ENOENT when not cached or when
 * opening it had failed.
 */
int elf_symbols_cache_find(struct elf_symbols_cache *cache, uint64_t dev, uint64_t inode,
			   const struct elf_binary **bin, const char **path);

#endif /* CAPREC_ELF_SYMBOLS_H */
