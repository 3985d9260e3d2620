/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_varint.h - LEB128 unsigned varints and zigzag mapping of signed values
 * (FORMAT.md "Conventions"). A varint is at most 10 bytes; the decoder
 * refuses longer ones and values that overflow 64 bits, so a hostile byte
 * string can never make it read past the bound it is given.
 */
#ifndef CRF_VARINT_H
#define CRF_VARINT_H

#include <stddef.h>
#include <stdint.h>

#define CRF_VARINT_MAX_LEN 10

/* Writes v at p (room for CRF_VARINT_MAX_LEN bytes); returns the bytes used. */
static inline size_t crf_varint_put(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/*
 * Reads a varint from p[0..avail). Returns the bytes consumed, or 0 when the
 * varint runs past avail, is longer than 10 bytes or overflows 64 bits.
 */
static inline size_t crf_varint_get(const uint8_t *p, size_t avail, uint64_t *v)
{
	uint64_t value = 0;
	size_t i;

	for (i = 0; i < avail && i < CRF_VARINT_MAX_LEN; i++) {
		uint64_t bits = p[i] & 0x7f;

		/* The 10th byte may only carry the top bit of a 64-bit value. */
		if (i == 9 && bits > 1)
			return 0;
		value |= bits << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = value;
			return i + 1;
		}
	}
	return 0;
}

static inline uint64_t crf_zigzag_encode(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline int64_t crf_zigzag_decode(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

#endif /* CRF_VARINT_H */
