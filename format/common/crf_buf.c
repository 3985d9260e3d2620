// SPDX-License-Identifier: GPL-2.0-only
/* crf_buf.c - growable byte buffer (see crf_buf.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crf_buf.h"
#include "crf_bytes.h"
#include "crf_types.h"
#include "crf_varint.h"

int crf_buf_reserve(struct crf_buf *b, size_t extra)
{
	size_t need = b->len + extra;
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *data;

	if (need < b->len)
		return CRF_ERR_NOMEM;
	if (need <= b->cap)
		return CRF_OK;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return CRF_ERR_NOMEM;
		cap *= 2;
	}
	data = realloc(b->data, cap);
	if (!data)
		return CRF_ERR_NOMEM;
	b->data = data;
	b->cap = cap;
	return CRF_OK;
}

int crf_buf_append(struct crf_buf *b, const void *bytes, size_t n)
{
	int ret = crf_buf_reserve(b, n);

	if (ret)
		return ret;
	if (n)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	return CRF_OK;
}

int crf_buf_put_u8(struct crf_buf *b, uint8_t v)
{
	return crf_buf_append(b, &v, 1);
}

int crf_buf_put_le16(struct crf_buf *b, uint16_t v)
{
	uint8_t bytes[2];

	crf_put_le16(bytes, v);
	return crf_buf_append(b, bytes, sizeof(bytes));
}

int crf_buf_put_le32(struct crf_buf *b, uint32_t v)
{
	uint8_t bytes[4];

	crf_put_le32(bytes, v);
	return crf_buf_append(b, bytes, sizeof(bytes));
}

int crf_buf_put_le64(struct crf_buf *b, uint64_t v)
{
	uint8_t bytes[8];

	crf_put_le64(bytes, v);
	return crf_buf_append(b, bytes, sizeof(bytes));
}

int crf_buf_put_varint(struct crf_buf *b, uint64_t v)
{
	uint8_t bytes[CRF_VARINT_MAX_LEN];

	return crf_buf_append(b, bytes, crf_varint_put(bytes, v));
}

int crf_buf_pad4(struct crf_buf *b)
{
	static const uint8_t zeros[3];

	return crf_buf_append(b, zeros, (4 - (b->len & 3)) & 3);
}

void crf_buf_release(struct crf_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
