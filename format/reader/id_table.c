// SPDX-License-Identifier: GPL-2.0-only
/* id_table.c - sorted id -> definition table (see id_table.h). */
#include <stdlib.h>

#include "crf_types.h"
#include "id_table.h"

int id_table_add(struct id_table *t, uint32_t id, void *value)
{
	if (!id || id > CRF_MAX_IDS || (t->count && t->entries[t->count - 1].id >= id))
		return CRF_ERR_CORRUPT;
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct id_entry *entries = realloc(t->entries, cap * sizeof(*entries));

		if (!entries)
			return CRF_ERR_NOMEM;
		t->entries = entries;
		t->cap = cap;
	}
	t->entries[t->count].id = id;
	t->entries[t->count].value = value;
	t->count++;
	return CRF_OK;
}

void *id_table_get(const struct id_table *t, uint32_t id)
{
	size_t lo = 0, hi = t->count;

	if (!id || !t->count)
		return NULL;
	/* No gaps so far: id n sits at index n - 1. */
	if (id <= t->count && t->entries[id - 1].id == id)
		return t->entries[id - 1].value;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->entries[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->count && t->entries[lo].id == id ? t->entries[lo].value : NULL;
}

void id_table_release(struct id_table *t)
{
	if (!t)
		return;
	free(t->entries);
	t->entries = NULL;
	t->count = 0;
	t->cap = 0;
}
