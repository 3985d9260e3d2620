/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * string_intern.h - a table of distinct strings, each numbered in the order
 * it was first added: the string table of a profile, where every name is
 * written once and referred to by its number.
 */
#ifndef REPORTS_STRING_INTERN_H
#define REPORTS_STRING_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct string_intern;

/* An empty table. Returns NULL when out of memory. */
struct string_intern *string_intern_new(void);

/*
 * The number of s (NUL-terminated), adding it when new: 0 for the first
 * string added, then 1, 2, ... Returns 0 and *index, or -ENOMEM.
 */
int string_intern_add(struct string_intern *t, const char *s, uint64_t *index);

size_t string_intern_count(const struct string_intern *t);

/* String number i (i < string_intern_count()). */
const char *string_intern_get(const struct string_intern *t, size_t i);

/* Accepts NULL. */
void string_intern_free(struct string_intern *t);

#endif /* REPORTS_STRING_INTERN_H */
