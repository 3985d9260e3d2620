/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_bytes.h - little-endian loads and stores. Every multi-byte field of a
 * recording goes through these: structs are never cast onto file bytes, so
 * the code is independent of host byte order and alignment.
 */
#ifndef CRF_BYTES_H
#define CRF_BYTES_H

#include <stdint.h>

static inline void crf_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void crf_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void crf_put_le64(uint8_t *p, uint64_t v)
{
	crf_put_le32(p, (uint32_t)v);
	crf_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline uint16_t crf_get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t crf_get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t crf_get_le64(const uint8_t *p)
{
	return (uint64_t)crf_get_le32(p) | (uint64_t)crf_get_le32(p + 4) << 32;
}

#endif /* CRF_BYTES_H */
