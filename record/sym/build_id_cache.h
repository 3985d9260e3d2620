/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * build_id_cache.h - which ELF file has a given GNU build-id, learned from
 * every binary caprec meets (mappings it resolved, executables of traced
 * processes), so a user frame the kernel gave as (build-id, file offset) can
 * be named even when its process has exited. Files are opened lazily, once.
 */
#ifndef CAPREC_BUILD_ID_CACHE_H
#define CAPREC_BUILD_ID_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "elf_symbols.h"

struct build_id_cache;

int build_id_cache_new(struct build_id_cache **out);
void build_id_cache_free(struct build_id_cache *c);

/* Remembers that path has build_id (no file access). Returns 0 or -ENOMEM. */
int build_id_cache_learn(struct build_id_cache *c, const uint8_t *build_id, size_t len,
			 const char *path);

/*
 * Opens path (once per path) and remembers its build-id. Returns 0,
 * -EALREADY when the path was tried before, or the elf_binary_open() error.
 */
int build_id_cache_learn_file(struct build_id_cache *c, const char *path);

/*
 * Learns the binaries mapped executable by process pid (caprec itself: the C
 * library, the dynamic loader... that most traced processes share). Best effort.
 */
void build_id_cache_learn_process(struct build_id_cache *c, uint32_t pid);

/*
 * The file known for build_id: *path, and *bin (opened on first use; NULL
 * when it cannot be read or its build-id is not the expected one). Both
 * owned by the cache. Returns 0 or -ENOENT when the build-id is unknown.
 */
int build_id_cache_find(struct build_id_cache *c, const uint8_t *build_id, size_t len,
			const char **path, const struct elf_binary **bin);

/* The build-id learned for path (*build_id owned by the cache). Returns 0 or -ENOENT. */
int build_id_cache_find_path(struct build_id_cache *c, const char *path, const uint8_t **build_id,
			     size_t *len);

/*
 * The binary at path when it has no build-id (linked with
 * -Wl,--build-id=none): opened once, with its debug file found through its
 * .gnu_debuglink. *bin owned by the cache. Returns 0; -ENOENT when it cannot
 * be opened or has a build-id (then build_id_cache_find() is the way);
 * -ENOMEM.
 */
int build_id_cache_find_unidentified(struct build_id_cache *c, const char *path,
				     const struct elf_binary **bin);

#endif /* CAPREC_BUILD_ID_CACHE_H */
