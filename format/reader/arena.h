/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arena.h - bump allocator for everything the reader hands out (strings,
 * definitions, stack frame arrays). It all lives until crf_reader_free(),
 * which is the ownership rule of crf_reader.h, so one release frees it all.
 * The total is capped (ARENA_LIMIT) so a hostile file cannot exhaust memory.
 */
#ifndef CRF_ARENA_H
#define CRF_ARENA_H

#include <stddef.h>
#include <stdint.h>

#define ARENA_LIMIT ((size_t)1 << 30)

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total;  /* bytes allocated from malloc */
};

/* Zeroed, 8-byte aligned memory, or NULL (out of memory or past ARENA_LIMIT). */
void *arena_alloc(struct arena *a, size_t size);

/* A NUL-terminated copy of len bytes, or NULL. */
char *arena_strndup(struct arena *a, const uint8_t *bytes, size_t len);

/* Frees every allocation. Accepts NULL. */
void arena_release(struct arena *a);

#endif /* CRF_ARENA_H */
