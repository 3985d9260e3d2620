/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crf_buf.h - the tree's growable byte buffer, with little-endian and varint
 * appends. The writer assembles blocks and chunk records in it; capanalyze's
 * text building (analyze/reports/strbuf.h) is a string layer over it.
 */
#ifndef CRF_BUF_H
#define CRF_BUF_H

#include <stddef.h>
#include <stdint.h>

struct crf_buf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/* Makes room for extra more bytes. CRF_OK or CRF_ERR_NOMEM. */
int crf_buf_reserve(struct crf_buf *b, size_t extra);
int crf_buf_append(struct crf_buf *b, const void *bytes, size_t n);
int crf_buf_put_u8(struct crf_buf *b, uint8_t v);
int crf_buf_put_le16(struct crf_buf *b, uint16_t v);
int crf_buf_put_le32(struct crf_buf *b, uint32_t v);
int crf_buf_put_le64(struct crf_buf *b, uint64_t v);
int crf_buf_put_varint(struct crf_buf *b, uint64_t v);
/* Appends zero bytes until len is a multiple of 4. */
int crf_buf_pad4(struct crf_buf *b);
/* Frees the storage; the buffer may be reused afterwards. Accepts NULL. */
void crf_buf_release(struct crf_buf *b);

#endif /* CRF_BUF_H */
