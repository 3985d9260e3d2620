// SPDX-License-Identifier: GPL-2.0-only
/*
 * intern.c - open-addressing hash map with linear probing (see intern.h).
 */
#include "intern.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crf_hash.h"

/*
 * A slot holds its key when the key is short enough, so that a lookup
 * touches one cache line instead of a slot and then a random place in the
 * arena (two cache misses: measured as the biggest cost of a load). Slots
 * come in two sizes, chosen by the first key a map gets: the loader's and
 * the aggregate's maps each hold keys of one size, and a map of 16-byte keys
 * with 64-byte slots would spread over four times the memory (and misses)
 * it needs. Keys longer than the slot's room go to the arena.
 */
struct slot {
	uint32_t hash;     /* 0 = empty (real hashes are forced non-zero) */
	uint32_t key_len;  /* keys are bounded by the format's limits, far below 4 GiB */
	int64_t value;
	uint64_t key_at;   /* offset of the key in the arena, when it is not inline */
	uint64_t unused;   /* a small slot's last 8 inline key bytes */
};

#define SMALL_SLOT 32 /* sizeof(struct slot): two to a cache line */
#define BIG_SLOT 64   /* one cache line: 48 bytes of key */
#define SLOT_HEAD 16  /* hash, length, value */

_Static_assert(sizeof(struct slot) == SMALL_SLOT, "a small slot is half a cache line");

struct intern_map {
	unsigned char *slots;   /* capacity slots of slot_size bytes, 64-byte aligned */
	void *slots_memory;     /* what calloc() returned for them */
	size_t slot_size;       /* 0 until the first put */
	size_t inline_key;      /* slot_size - SLOT_HEAD */
	size_t capacity;        /* a power of two */
	size_t count;
	char *arena;
	size_t arena_len;
	size_t arena_cap;
};

static struct slot *slot_at(const struct intern_map *m, const unsigned char *slots, size_t i)
{
	return (struct slot *)(slots + i * m->slot_size);
}

/* Where an inline key starts: right after the head, over key_at and the rest of the slot. */
static unsigned char *key_in_slot(struct slot *s)
{
	return (unsigned char *)s + SLOT_HEAD;
}

/* 0 marks an empty slot: a key whose hash is 0 takes 1. */
static uint32_t hash_key(const void *key, size_t len)
{
	uint32_t h = (uint32_t)crf_hash(CRF_HASH_SEED, key, len);

	return h ? h : 1;
}

/*
 * Zeroed slots aligned to a cache line. calloc(), not memset(): a big table
 * then comes as fresh zero pages, touched only where slots are filled.
 */
static int alloc_slots(const struct intern_map *m, size_t capacity, unsigned char **slots,
		       void **memory)
{
	unsigned char *raw = calloc(1, capacity * m->slot_size + 63);

	if (!raw)
		return -ENOMEM;
	*memory = raw;
	*slots = (unsigned char *)(((uintptr_t)raw + 63) & ~(uintptr_t)63);
	return 0;
}

struct intern_map *intern_map_new(void)
{
	struct intern_map *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->capacity = 64; /* doubles as needed: most maps stay small */
	return m;
}

void intern_map_free(struct intern_map *m)
{
	if (!m)
		return;
	free(m->slots_memory);
	free(m->arena);
	free(m);
}

size_t intern_map_count(const struct intern_map *m)
{
	return m->count;
}

void intern_map_clear(struct intern_map *m)
{
	if (m->slots)
		memset(m->slots, 0, m->capacity * m->slot_size);
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

static const unsigned char *slot_key(const struct intern_map *m, struct slot *s)
{
	return s->key_len > m->inline_key ? (const unsigned char *)m->arena + s->key_at :
					    key_in_slot(s);
}

/* The slot holding key, or the empty slot where it would go. */
static struct slot *find_slot(const struct intern_map *m, uint32_t hash, const void *key,
			      size_t len)
{
	size_t i = hash & (m->capacity - 1);

	for (;;) {
		struct slot *s = slot_at(m, m->slots, i);

		if (!s->hash)
			return s;
		if (s->hash == hash && s->key_len == len && keys_equal(slot_key(m, s), key, len))
			return s;
		i = (i + 1) & (m->capacity - 1);
	}
}

bool intern_map_get(const struct intern_map *m, const void *key, size_t len, int64_t *value)
{
	const struct slot *s;

	if (!m->slots || len > UINT32_MAX)
		return false; /* never inserted */
	s = find_slot(m, hash_key(key, len), key, len);
	if (!s->hash)
		return false;
	*value = s->value;
	return true;
}

static int grow(struct intern_map *m)
{
	size_t capacity = m->capacity * 2;
	unsigned char *slots;
	void *memory;

	if (alloc_slots(m, capacity, &slots, &memory))
		return -ENOMEM;
	for (size_t i = 0; i < m->capacity; i++) {
		struct slot *old = slot_at(m, m->slots, i);
		size_t j;

		if (!old->hash)
			continue;
		j = old->hash & (capacity - 1);
		while (slot_at(m, slots, j)->hash)
			j = (j + 1) & (capacity - 1);
		memcpy(slot_at(m, slots, j), old, m->slot_size);
	}
	free(m->slots_memory);
	m->slots = slots;
	m->slots_memory = memory;
	m->capacity = capacity;
	return 0;
}

int intern_map_put(struct intern_map *m, const void *key, size_t len, int64_t value)
{
	uint32_t hash;
	struct slot *s;

	if (len > UINT32_MAX)
		return -EINVAL;
	if (!m->slots) {
		m->slot_size = len > SMALL_SLOT - SLOT_HEAD ? BIG_SLOT : SMALL_SLOT;
		m->inline_key = m->slot_size - SLOT_HEAD;
		if (alloc_slots(m, m->capacity, &m->slots, &m->slots_memory))
			return -ENOMEM;
	}
	hash = hash_key(key, len);
	s = find_slot(m, hash, key, len);
	if (s->hash) {
		s->value = value;
		return 0;
	}
	if (len > m->inline_key && m->arena_len + len > m->arena_cap) {
		size_t cap = m->arena_cap ? m->arena_cap : 4096;
		char *arena;

		while (cap < m->arena_len + len)
			cap *= 2;
		arena = realloc(m->arena, cap);
		if (!arena)
			return -ENOMEM;
		m->arena = arena;
		m->arena_cap = cap;
	}
	s->hash = hash;
	s->key_len = (uint32_t)len;
	s->value = value;
	if (len <= m->inline_key) {
		memcpy(key_in_slot(s), key, len);
	} else {
		memcpy(m->arena + m->arena_len, key, len);
		s->key_at = m->arena_len;
		m->arena_len += len;
	}
	m->count++;
	if (m->count * 4 >= m->capacity * 3)
		return grow(m);
	return 0;
}
