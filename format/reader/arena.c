// SPDX-License-Identifier: GPL-2.0-only
/* arena.c - bump allocator (see arena.h). */
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_BLOCK_SIZE ((size_t)64 << 10)

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	_Alignas(8) uint8_t data[];
};

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t rounded = (size + 7) & ~(size_t)7;
	void *p;

	if (rounded < size)
		return NULL;
	if (!b || b->size - b->used < rounded) {
		size_t block_size = rounded > ARENA_BLOCK_SIZE ? rounded : ARENA_BLOCK_SIZE;

		if (a->total + block_size > ARENA_LIMIT)
			return NULL;
		b = malloc(sizeof(*b) + block_size);
		if (!b)
			return NULL;
		b->size = block_size;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		a->total += block_size;
	}
	p = b->data + b->used;
	b->used += rounded;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const uint8_t *bytes, size_t len)
{
	char *s = arena_alloc(a, len + 1);

	if (s && len)
		memcpy(s, bytes, len);
	return s;
}

void arena_release(struct arena *a)
{
	struct arena_block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}
