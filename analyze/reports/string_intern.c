// SPDX-License-Identifier: GPL-2.0-only
/*
 * string_intern.c - distinct strings numbered in order (see string_intern.h):
 * an array of the strings, and an open-addressing hash of their numbers
 * (crf_hash, linear probing, kept at most half full).
 */
#include "string_intern.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crf_hash.h"

struct string_intern {
	char **strings;
	size_t count, capacity;
	size_t *slots;      /* number + 1; 0 is an empty slot */
	size_t slot_count;  /* a power of two */
};

static uint64_t hash(const char *s)
{
	return crf_hash(CRF_HASH_SEED, s, strlen(s));
}

struct string_intern *string_intern_new(void)
{
	struct string_intern *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->slot_count = 256;
	t->slots = calloc(t->slot_count, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	return t;
}

static size_t *find_slot(size_t *slots, size_t slot_count, char **strings, const char *s)
{
	size_t i = hash(s) & (slot_count - 1);

	while (slots[i] && strcmp(strings[slots[i] - 1], s))
		i = (i + 1) & (slot_count - 1);
	return &slots[i];
}

static int grow_slots(struct string_intern *t)
{
	size_t slot_count = t->slot_count * 2;
	size_t *slots = calloc(slot_count, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (size_t i = 0; i < t->count; i++)
		*find_slot(slots, slot_count, t->strings, t->strings[i]) = i + 1;
	free(t->slots);
	t->slots = slots;
	t->slot_count = slot_count;
	return 0;
}

int string_intern_add(struct string_intern *t, const char *s, uint64_t *index)
{
	size_t *slot = find_slot(t->slots, t->slot_count, t->strings, s);

	if (*slot) {
		*index = *slot - 1;
		return 0;
	}
	if (t->count == t->capacity) {
		size_t capacity = t->capacity ? t->capacity * 2 : 64;
		char **strings = realloc(t->strings, capacity * sizeof(*strings));

		if (!strings)
			return -ENOMEM;
		t->strings = strings;
		t->capacity = capacity;
	}
	t->strings[t->count] = strdup(s);
	if (!t->strings[t->count])
		return -ENOMEM;
	*slot = ++t->count;
	*index = t->count - 1;
	if (t->count * 2 > t->slot_count)
		return grow_slots(t);
	return 0;
}

size_t string_intern_count(const struct string_intern *t)
{
	return t->count;
}

const char *string_intern_get(const struct string_intern *t, size_t i)
{
	return t->strings[i];
}

void string_intern_free(struct string_intern *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++)
		free(t->strings[i]);
	free(t->strings);
	free(t->slots);
	free(t);
}
