/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * elf_symbols.h - the recording host's bounded cache of opened binaries
 * (elf/elf_binary.h reads one), keyed by (dev, inode) of the mapped file, so
 * each binary is read once.
 *
 * Not thread-safe: one thread uses a cache and the binaries it returns.
 */
#ifndef CAPREC_ELF_SYMBOLS_H
#define CAPREC_ELF_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_binary.h"

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
