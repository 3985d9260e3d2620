// SPDX-License-Identifier: GPL-2.0-only
/* intern_table.c - content -> id hash map (see intern_table.h). */
#include <stdlib.h>
#include <string.h>

#include "crf_hash.h"
#include "crf_types.h"
#include "intern_table.h"

struct intern_entry {
	uint64_t hash;
	uint8_t *key;     /* NULL: empty slot */
	size_t key_len;
	uint32_t id;
};

static struct intern_entry *find_slot(struct intern_entry *slots, size_t slot_count,
				      uint64_t hash, const uint8_t *key, size_t key_len)
{
	size_t mask = slot_count - 1;
	size_t i = (size_t)hash & mask;

	for (;;) {
		struct intern_entry *e = &slots[i];

		if (!e->key)
			return e;
		if (e->hash == hash && e->key_len == key_len && !memcmp(e->key, key, key_len))
			return e;
		i = (i + 1) & mask;
	}
}

static int grow(struct intern_table *t)
{
	size_t new_count = t->slot_count ? t->slot_count * 2 : 64;
	struct intern_entry *slots = calloc(new_count, sizeof(*slots));
	size_t i;

	if (!slots)
		return CRF_ERR_NOMEM;
	for (i = 0; i < t->slot_count; i++) {
		struct intern_entry *old = &t->slots[i];

		if (old->key)
			*find_slot(slots, new_count, old->hash, old->key, old->key_len) = *old;
	}
	free(t->slots);
	t->slots = slots;
	t->slot_count = new_count;
	return CRF_OK;
}

int intern_table_get(struct intern_table *t, const uint8_t *key, size_t key_len, uint32_t *id,
		     bool *inserted)
{
	uint64_t hash = crf_hash(CRF_HASH_SEED, key, key_len);
	struct intern_entry *e;
	int ret;

	/* Keep the load factor under 1/2 so probes stay short. */
	if ((size_t)t->count + 1 > t->slot_count / 2) {
		ret = grow(t);
		if (ret)
			return ret;
	}
	e = find_slot(t->slots, t->slot_count, hash, key, key_len);
	if (e->key) {
		*id = e->id;
		*inserted = false;
		return CRF_OK;
	}
	if (t->count >= CRF_MAX_IDS)
		return CRF_ERR_LIMIT;
	/* malloc(0) may return NULL: keep a one-byte allocation for empty keys. */
	e->key = malloc(key_len ? key_len : 1);
	if (!e->key)
		return CRF_ERR_NOMEM;
	if (key_len)
		memcpy(e->key, key, key_len);
	e->key_len = key_len;
	e->hash = hash;
	e->id = ++t->count;
	*id = e->id;
	*inserted = true;
	return CRF_OK;
}

void intern_table_release(struct intern_table *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->slot_count; i++)
		free(t->slots[i].key);
	free(t->slots);
	t->slots = NULL;
	t->slot_count = 0;
	t->count = 0;
}
