/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * intern_table.h - content -> id map used by the writer to define each
 * string, binary, frame and stack once. Keys are byte strings (the encoded
 * definition without its id); ids are handed out 1, 2, 3... in insertion
 * order. Memory grows with the distinct content only.
 */
#ifndef CRF_INTERN_TABLE_H
#define CRF_INTERN_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intern_entry;

struct intern_table {
	struct intern_entry *slots; /* open addressing, linear probing */
	size_t slot_count;          /* power of two, 0 before the first insert */
	uint32_t count;             /* ids handed out: the last id is count */
};

/*
 * Looks key up; if absent, assigns the next id and copies the key. Returns
 * CRF_OK with *id set and *inserted telling whether the id is new,
 * CRF_ERR_LIMIT past CRF_MAX_IDS, or CRF_ERR_NOMEM.
 */
int intern_table_get(struct intern_table *t, const uint8_t *key, size_t key_len, uint32_t *id,
		     bool *inserted);

/* Frees the keys and slots. Accepts NULL. */
void intern_table_release(struct intern_table *t);

#endif /* CRF_INTERN_TABLE_H */
