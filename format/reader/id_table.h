/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * id_table.h - definitions read so far, by id. The writer hands out ids in
 * increasing order, so the table is an array sorted by id: appends are
 * O(1), lookups a direct hit when no definition was lost and a binary
 * search otherwise. A file that repeats or decreases an id is corrupt.
 * Memory grows with the definitions actually read, never with an id value.
 */
#ifndef CRF_ID_TABLE_H
#define CRF_ID_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct id_entry {
	uint32_t id;
	void *value;
};

struct id_table {
	struct id_entry *entries;
	size_t count;
	size_t cap;
};

/*
 * Adds id -> value. CRF_OK, CRF_ERR_CORRUPT if id is 0, above CRF_MAX_IDS
 * or not above the last id, CRF_ERR_NOMEM.
 */
int id_table_add(struct id_table *t, uint32_t id, void *value);

/* The value defined for id, or NULL. */
void *id_table_get(const struct id_table *t, uint32_t id);

/* Frees the table (not the values). Accepts NULL. */
void id_table_release(struct id_table *t);

#endif /* CRF_ID_TABLE_H */
