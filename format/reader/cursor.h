/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cursor.h - a bounds-checked reader over one block body or one chunk
 * record. Every get checks the remaining length first; a failed get marks
 * the cursor bad and returns zeroes, so a decoder can read a whole record
 * and test once (the error is sticky, never an out-of-bounds read).
 */
#ifndef CRF_CURSOR_H
#define CRF_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crf_bytes.h"
#include "crf_varint.h"

struct cursor {
	const uint8_t *data;
	size_t len;
	size_t pos;
	bool bad;
	const char *why;  /* first failure, static string */
};

static inline struct cursor cursor_make(const uint8_t *data, size_t len)
{
	struct cursor c = { .data = data, .len = len };

	return c;
}

static inline size_t cursor_left(const struct cursor *c)
{
	return c->bad ? 0 : c->len - c->pos;
}

static inline void cursor_fail(struct cursor *c, const char *why)
{
	if (!c->bad)
		c->why = why;
	c->bad = true;
}

/* Returns a pointer to the next n bytes and skips them, or NULL. */
static inline const uint8_t *cursor_take(struct cursor *c, size_t n, const char *why)
{
	const uint8_t *p;

	if (c->bad || n > c->len - c->pos) {
		cursor_fail(c, why);
		return NULL;
	}
	p = c->data + c->pos;
	c->pos += n;
	return p;
}

static inline uint8_t cursor_u8(struct cursor *c, const char *why)
{
	const uint8_t *p = cursor_take(c, 1, why);

	return p ? p[0] : 0;
}

static inline uint16_t cursor_le16(struct cursor *c, const char *why)
{
	const uint8_t *p = cursor_take(c, 2, why);

	return p ? crf_get_le16(p) : 0;
}

static inline uint32_t cursor_le32(struct cursor *c, const char *why)
{
	const uint8_t *p = cursor_take(c, 4, why);

	return p ? crf_get_le32(p) : 0;
}

static inline uint64_t cursor_le64(struct cursor *c, const char *why)
{
	const uint8_t *p = cursor_take(c, 8, why);

	return p ? crf_get_le64(p) : 0;
}

static inline uint64_t cursor_varint(struct cursor *c, const char *why)
{
	uint64_t v = 0;
	size_t n;

	if (c->bad)
		return 0;
	/* Nothing left: fail before any pointer arithmetic (data may be NULL when len is 0). */
	if (c->pos >= c->len) {
		cursor_fail(c, why);
		return 0;
	}
	n = crf_varint_get(c->data + c->pos, c->len - c->pos, &v);
	if (!n) {
		cursor_fail(c, why);
		return 0;
	}
	c->pos += n;
	return v;
}

/* A varint that must fit 32 bits. */
static inline uint32_t cursor_varint32(struct cursor *c, const char *why)
{
	uint64_t v = cursor_varint(c, why);

	if (v > UINT32_MAX) {
		cursor_fail(c, why);
		return 0;
	}
	return (uint32_t)v;
}

/* A zigzag varint that must fit a signed 32-bit value. */
static inline int32_t cursor_zigzag32(struct cursor *c, const char *why)
{
	int64_t v = crf_zigzag_decode(cursor_varint(c, why));

	if (v < INT32_MIN || v > INT32_MAX) {
		cursor_fail(c, why);
		return 0;
	}
	return (int32_t)v;
}

#endif /* CRF_CURSOR_H */
