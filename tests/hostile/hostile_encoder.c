// SPDX-License-Identifier: GPL-2.0-only
/* hostile_encoder.c - CRF framing from FORMAT.md (see hostile_encoder.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "hostile_encoder.h"

static void reserve(struct hbuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return;
	while (b->len + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->data = realloc(b->data, b->cap);
	if (!b->data) {
		fprintf(stderr, "hostile: out of memory\n");
		abort();
	}
}

void hbuf_put(struct hbuf *b, const void *data, size_t len)
{
	reserve(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

void hbuf_u8(struct hbuf *b, uint8_t v)
{
	hbuf_put(b, &v, 1);
}

void hbuf_le32(struct hbuf *b, uint32_t v)
{
	uint8_t p[4] = { v, v >> 8, v >> 16, v >> 24 };

	hbuf_put(b, p, 4);
}

void hbuf_le64(struct hbuf *b, uint64_t v)
{
	hbuf_le32(b, (uint32_t)v);
	hbuf_le32(b, (uint32_t)(v >> 32));
}

/* FORMAT.md "Conventions": unsigned LEB128, low group first. */
void hbuf_varint(struct hbuf *b, uint64_t v)
{
	while (v >= 0x80) {
		hbuf_u8(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	hbuf_u8(b, (uint8_t)v);
}

void hbuf_zigzag(struct hbuf *b, int64_t v)
{
	hbuf_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void hbuf_free(struct hbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void enc_file_header(struct hbuf *out)
{
	static const uint8_t magic[8] = { 0x89, 'C', 'R', 'F', '\r', '\n', 0x1a, '\n' };
	size_t at = out->len;
	uLong crc;

	hbuf_put(out, magic, 8);
	hbuf_le32(out, 0x1a2b3c4d);
	hbuf_u8(out, 1); /* major 1, u16 LE */
	hbuf_u8(out, 0);
	hbuf_u8(out, 1); /* minor 1 */
	hbuf_u8(out, 0);
	hbuf_le32(out, 24);
	crc = crc32(0L, out->data + at, 20);
	hbuf_le32(out, (uint32_t)crc);
}

void enc_block(struct hbuf *out, uint32_t type, const void *body, size_t body_len)
{
	static const uint8_t zeroes[4];
	uint32_t total = (uint32_t)(((16 + body_len + 3) & ~(size_t)3) + 4);
	size_t at = out->len;
	uLong crc;

	hbuf_le32(out, type);
	hbuf_le32(out, total);
	hbuf_le32(out, (uint32_t)body_len);
	hbuf_le32(out, 0); /* checksum, below */
	hbuf_put(out, body, body_len);
	hbuf_put(out, zeroes, total - 4 - 16 - body_len);
	crc = crc32(0L, out->data + at, 12);
	crc = crc32(crc, out->data + at + 16, total - 20);
	out->data[at + 12] = (uint8_t)crc;
	out->data[at + 13] = (uint8_t)(crc >> 8);
	out->data[at + 14] = (uint8_t)(crc >> 16);
	out->data[at + 15] = (uint8_t)(crc >> 24);
	hbuf_le32(out, total);
}

void enc_clock(struct hbuf *out, uint64_t boottime_ns, uint64_t realtime_ns)
{
	struct hbuf body = { 0 };

	hbuf_le64(&body, boottime_ns);
	hbuf_le64(&body, realtime_ns);
	enc_block(out, 3, body.data, body.len);
	hbuf_free(&body);
}

void enc_loss(struct hbuf *out, uint64_t time_ns, uint64_t lost, uint64_t events_before)
{
	struct hbuf body = { 0 };

	hbuf_le64(&body, time_ns);
	hbuf_le64(&body, lost);
	hbuf_le64(&body, events_before);
	enc_block(out, 5, body.data, body.len);
	hbuf_free(&body);
}

void enc_end(struct hbuf *out, uint64_t events, uint64_t lost, uint64_t blocks_before)
{
	struct hbuf body = { 0 };

	hbuf_le64(&body, events);
	hbuf_le64(&body, lost);
	hbuf_le64(&body, blocks_before);
	enc_block(out, 6, body.data, body.len);
	hbuf_free(&body);
}

void enc_chunk(struct hbuf *out, const struct hbuf *content, uint32_t records, uint32_t events,
	       uint64_t events_before, int level)
{
	size_t bound = ZSTD_compressBound(content->len);
	struct hbuf body = { 0 };
	size_t done;

	hbuf_le32(&body, records);
	hbuf_le32(&body, events);
	hbuf_le32(&body, (uint32_t)content->len);
	hbuf_le32(&body, 1); /* codec 1: one independent zstd frame */
	hbuf_le64(&body, 0);
	hbuf_le64(&body, 0);
	hbuf_le64(&body, events_before);
	reserve(&body, bound);
	done = ZSTD_compress(body.data + body.len, bound, content->data, content->len, level);
	if (ZSTD_isError(done)) {
		fprintf(stderr, "hostile: zstd: %s\n", ZSTD_getErrorName(done));
		abort();
	}
	body.len += done;
	enc_block(out, 4, body.data, body.len);
	hbuf_free(&body);
}

void rec_sized(struct hbuf *content, uint8_t type, const uint64_t *fields, size_t count)
{
	struct hbuf rec = { 0 };

	for (size_t i = 0; i < count; i++)
		hbuf_varint(&rec, fields[i]);
	hbuf_u8(content, type);
	hbuf_varint(content, rec.len);
	hbuf_put(content, rec.data, rec.len);
	hbuf_free(&rec);
}

void rec_string(struct hbuf *content, uint32_t id, const char *s)
{
	struct hbuf rec = { 0 };
	size_t len = strlen(s);

	hbuf_varint(&rec, id);
	hbuf_varint(&rec, len);
	hbuf_put(&rec, s, len);
	hbuf_u8(content, 1);
	hbuf_varint(content, rec.len);
	hbuf_put(content, rec.data, rec.len);
	hbuf_free(&rec);
}

void rec_event(struct hbuf *content, int64_t time_delta, uint32_t mask, const uint64_t *fields,
	       size_t count)
{
	hbuf_u8(content, 7);
	hbuf_zigzag(content, time_delta);
	hbuf_varint(content, mask);
	for (size_t i = 0; i < count; i++)
		hbuf_varint(content, fields[i]);
}
