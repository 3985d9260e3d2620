// SPDX-License-Identifier: GPL-2.0-only
/* span_crc.c - prefix CRCs for constant-time candidate checksums (see span_crc.h). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "crf_layout.h"
#include "crf_types.h"
#include "span_crc.h"

/* Prefixes dropped only in runs this long: the memmove stays amortised O(1). */
#define FORGET_BATCH 65536u

int span_crc_start(struct span_crc *s, uint64_t offset)
{
	if (!s->cap) {
		s->prefix = malloc(FORGET_BATCH * sizeof(*s->prefix));
		if (!s->prefix)
			return CRF_ERR_NOMEM;
		s->cap = FORGET_BATCH;
	}
	s->base = offset;
	s->prefix[0] = 0; /* the CRC-32 of nothing */
	s->count = 1;
	return CRF_OK;
}

int span_crc_extend(struct span_crc *s, uint64_t window_offset, const uint8_t *data, size_t avail,
		    uint64_t end)
{
	uint64_t at = s->base + 4 * (uint64_t)(s->count - 1);

	while (at + 4 <= end && at + 4 <= window_offset + avail && at >= window_offset) {
		if (s->count == s->cap) {
			uint32_t *p = realloc(s->prefix, 2 * s->cap * sizeof(*p));

			if (!p)
				return CRF_ERR_NOMEM;
			s->prefix = p;
			s->cap *= 2;
		}
		s->prefix[s->count] = (uint32_t)crc32(s->prefix[s->count - 1],
						      data + (at - window_offset), 4);
		s->count++;
		at += 4;
	}
	return CRF_OK;
}

static uint32_t prefix_at(const struct span_crc *s, uint64_t offset)
{
	return s->prefix[(offset - s->base) / 4];
}

bool span_crc_covers(const struct span_crc *s, uint64_t offset, uint32_t total)
{
	return s->count && offset >= s->base &&
	       (offset + total - CRF_BLOCK_TRAILER_SIZE - s->base) / 4 < s->count;
}

uint32_t span_crc_block(struct span_crc *s, const uint8_t *block, uint64_t offset, uint32_t total)
{
	uint32_t len = total - CRF_BLOCK_HEADER_SIZE - CRF_BLOCK_TRAILER_SIZE;
	uLong head = crc32(0L, block, CRF_BLK_OFF_CRC);
	uLong body;

	if (s->op_len != len || !s->op) {
		s->op = crc32_combine_gen((z_off_t)len);
		s->op_len = len;
	}
	/* prefix(end) = prefix(start) * x^(8 len) ^ crc(span): solve for crc(span). */
	body = crc32_combine_op(prefix_at(s, offset + CRF_BLOCK_HEADER_SIZE),
				prefix_at(s, offset + total - CRF_BLOCK_TRAILER_SIZE), s->op);
	return (uint32_t)crc32_combine_op(head, body, s->op);
}

void span_crc_forget_before(struct span_crc *s, uint64_t offset)
{
	size_t drop = (size_t)((offset - s->base) / 4);

	if (drop < FORGET_BATCH || drop >= s->count)
		return;
	memmove(s->prefix, s->prefix + drop, (s->count - drop) * sizeof(*s->prefix));
	s->count -= drop;
	s->base += 4 * (uint64_t)drop;
}

void span_crc_release(struct span_crc *s)
{
	free(s->prefix);
	memset(s, 0, sizeof(*s));
}
