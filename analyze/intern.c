// SPDX-License-Identifier: GPL-2.0-only
/*
 * intern.c - open-addressing hash map with linear probing (see intern.h).
 */
#include "intern.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * A slot is one 64-byte cache line, and keys up to INLINE_KEY bytes live in
 * it: a lookup of the loader's per-event keys (16 bytes; the aggregate's
 * group key, 40) touches that one line, not the slot and then a random place
 * in the arena (two cache misses, measured as the biggest cost of a load).
 * Longer keys go to the arena.
 */
#define INLINE_KEY 48

struct slot {
	uint32_t hash;     /* 0 = empty (real hashes are forced non-zero) */
	uint32_t key_len;  /* keys are bounded by the format's limits, far below 4 GiB */
	int64_t value;
	union {
		uint64_t key_at; /* offset of the key in the arena, when key_len > INLINE_KEY */
		unsigned char key[INLINE_KEY];
	};
};

_Static_assert(sizeof(struct slot) == 64, "a slot is one cache line");

struct intern_map {
	struct slot *slots;
	size_t capacity; /* a power of two */
	size_t count;
	char *arena;
	size_t arena_len;
	size_t arena_cap;
};

/*
 * Eight bytes per multiply (a byte-wise hash costs the loader a multiply per
 * key byte per event), then a final mix so short keys spread over the low bits.
 */
static uint32_t hash_key(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ull ^ len;
	uint64_t word;

	for (; len >= sizeof(word); len -= sizeof(word), p += sizeof(word)) {
		memcpy(&word, p, sizeof(word));
		h = (h ^ word) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; len; len--, p++)
		h = (h ^ *p) * 0x100000001b3ull;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h ? (uint32_t)h : 1;
}

/* Zeroed slots, aligned so that each is exactly one cache line. */
static struct slot *alloc_slots(size_t capacity)
{
	struct slot *slots = aligned_alloc(64, capacity * sizeof(*slots));

	if (slots)
		memset(slots, 0, capacity * sizeof(*slots));
	return slots;
}

struct intern_map *intern_map_new(void)
{
	struct intern_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->capacity = 64; /* doubles as needed: most maps stay small */
	m->slots = alloc_slots(m->capacity);
	if (!m->slots) {
		free(m);
		return NULL;
	}
	return m;
}

void intern_map_free(struct intern_map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->arena);
	free(m);
}

size_t intern_map_count(const struct intern_map *m)
{
	return m->count;
}

void intern_map_clear(struct intern_map *m)
{
	memset(m->slots, 0, m->capacity * sizeof(*m->slots));
	m->count = 0;
	m->arena_len = 0;
}

/*
 * Inline keys compared a word at a time: the keys are short, and a call to
 * memcmp() per probe cost more than the comparison.
 */
static bool keys_equal(const unsigned char *a, const unsigned char *b, size_t len)
{
	uint64_t x, y;

	for (; len >= sizeof(x); len -= sizeof(x), a += sizeof(x), b += sizeof(x)) {
		memcpy(&x, a, sizeof(x));
		memcpy(&y, b, sizeof(y));
		if (x != y)
			return false;
	}
	return !len || !memcmp(a, b, len);
}

static struct slot *find_slot(struct slot *slots, size_t capacity, const char *arena,
			      uint32_t hash, const void *key, size_t len)
{
	size_t i = hash & (capacity - 1);

	for (;;) {
		struct slot *s = &slots[i];

		if (!s->hash)
			return s;
		if (s->hash == hash && s->key_len == len &&
		    keys_equal(len > INLINE_KEY ? (const unsigned char *)arena + s->key_at : s->key,
			       key, len))
			return s;
		i = (i + 1) & (capacity - 1);
	}
}

bool intern_map_get(const struct intern_map *m, const void *key, size_t len, int64_t *value)
{
	uint32_t hash;
	const struct slot *s;

	if (len > UINT32_MAX)
		return false; /* never inserted */
	hash = hash_key(key, len);
	s = find_slot(m->slots, m->capacity, m->arena, hash, key, len);
	if (!s->hash)
		return false;
	*value = s->value;
	return true;
}

static int grow(struct intern_map *m)
{
	size_t capacity = m->capacity * 2;
	struct slot *slots = alloc_slots(capacity);

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < m->capacity; i++) {
		struct slot *old = &m->slots[i];
		size_t j;

		if (!old->hash)
			continue;
		j = old->hash & (capacity - 1);
		while (slots[j].hash)
			j = (j + 1) & (capacity - 1);
		slots[j] = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->capacity = capacity;
	return 0;
}

int intern_map_put(struct intern_map *m, const void *key, size_t len, int64_t value)
{
	uint32_t hash;
	struct slot *s;

	if (len > UINT32_MAX)
		return -EINVAL;
	hash = hash_key(key, len);
	s = find_slot(m->slots, m->capacity, m->arena, hash, key, len);
	if (s->hash) {
		s->value = value;
		return 0;
	}
	s->hash = hash;
	s->key_len = (uint32_t)len;
	s->value = value;
	m->count++;
	if (len <= INLINE_KEY) {
		memcpy(s->key, key, len);
		goto placed;
	}
	if (m->arena_len + len > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		char *arena;

		while (cap < m->arena_len + len)
			cap *= 2;
		arena = realloc(m->arena, cap);
		if (!arena) {
			s->hash = 0; /* not inserted after all */
			m->count--;
			return -ENOMEM;
		}
		m->arena = arena;
		m->arena_cap = cap;
	}
	memcpy(m->arena + m->arena_len, key, len);
	s->key_at = m->arena_len;
	m->arena_len += len;
placed:
	if (m->count * 4 >= m->capacity * 3)
		return grow(m);
	return 0;
}
