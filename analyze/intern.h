/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * intern.h - a hash map from byte-string keys to 64-bit values, used by the
 * loader to give every binary, frame and callsite one database id across all
 * the recordings of a database (keys are the stable identities of SCHEMA.md).
 *
 * Short keys are kept in their slot (up to 16 bytes, or 48 in a map whose
 * first key is longer than 16), longer ones copied into one arena; the
 * table doubles when 3/4 full. Memory is
 * bounded by what the caller inserts (the format caps each table's ids).
 */
#ifndef CAPANALYZE_INTERN_H
#define CAPANALYZE_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intern_map;

/* Returns NULL when out of memory. */
struct intern_map *intern_map_new(void);

/* Accepts NULL. */
void intern_map_free(struct intern_map *m);

/* Looks key up: true with *value set when present. */
bool intern_map_get(const struct intern_map *m, const void *key, size_t len, int64_t *value);

/* Inserts or replaces key -> value. Returns 0 or -ENOMEM. */
int intern_map_put(struct intern_map *m, const void *key, size_t len, int64_t value);

size_t intern_map_count(const struct intern_map *m);

/* Forgets every key, keeping the memory for the next ones. */
void intern_map_clear(struct intern_map *m);

#endif /* CAPANALYZE_INTERN_H */
