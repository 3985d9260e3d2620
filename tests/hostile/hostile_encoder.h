/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostile_encoder.h - the CRF framing written from format/FORMAT.md alone
 * (file header, block frame, codec-1 chunks, record encodings), without the
 * project's writer: hostile recordings must be able to say what the writer
 * never would, and a bug shared by writer and reader must not hide here.
 */
#ifndef HOSTILE_ENCODER_H
#define HOSTILE_ENCODER_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte string; a failed allocation aborts (this is test tooling). */
struct hbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

void hbuf_put(struct hbuf *b, const void *data, size_t len);
void hbuf_u8(struct hbuf *b, uint8_t v);
void hbuf_le32(struct hbuf *b, uint32_t v);
void hbuf_le64(struct hbuf *b, uint64_t v);
void hbuf_varint(struct hbuf *b, uint64_t v);
void hbuf_zigzag(struct hbuf *b, int64_t v);
void hbuf_free(struct hbuf *b);

/* FORMAT.md "File header": version 1.1, 24 bytes, checksummed. */
void enc_file_header(struct hbuf *out);

/* FORMAT.md "Block structure": frame, checksum, padding, trailing length. */
void enc_block(struct hbuf *out, uint32_t type, const void *body, size_t body_len);

void enc_clock(struct hbuf *out, uint64_t boottime_ns, uint64_t realtime_ns);
void enc_loss(struct hbuf *out, uint64_t time_ns, uint64_t lost, uint64_t events_before);
void enc_end(struct hbuf *out, uint64_t events, uint64_t lost, uint64_t blocks_before);

/*
 * FORMAT.md "CHUNK", codec 1: content (records) compressed at the given
 * zstd level as one frame; the counts are stated as given.
 */
void enc_chunk(struct hbuf *out, const struct hbuf *content, uint32_t records, uint32_t events,
	       uint64_t events_before, int level);

/* Records (FORMAT.md "Chunk records"): the sized ones take their fields as varints. */
void rec_sized(struct hbuf *content, uint8_t type, const uint64_t *fields, size_t count);
void rec_string(struct hbuf *content, uint32_t id, const char *s);
/* An EVENT record (codec 1): time delta, change mask, then the masked fields in bit order. */
void rec_event(struct hbuf *content, int64_t time_delta, uint32_t mask, const uint64_t *fields,
	       size_t count);

#endif /* HOSTILE_ENCODER_H */
