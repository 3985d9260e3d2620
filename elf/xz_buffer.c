// SPDX-License-Identifier: GPL-2.0-only
#include "xz_buffer.h"

#include <errno.h>
#include <lzma.h>
#include <stdlib.h>

int xz_buffer_decompress(const void *in, size_t in_len, size_t max, void **out,
			 size_t *out_len)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	size_t cap = in_len * 4 > 65536 ? in_len * 4 : 65536;
	uint8_t *buf = NULL, *grown;
	size_t used;
	lzma_ret ret;
	int err = 0;

	*out = NULL;
	*out_len = 0;
	if (lzma_stream_decoder(&strm, UINT64_MAX, 0) != LZMA_OK)
		return -ENOMEM;
	if (cap > max)
		cap = max;
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto cleanup;
	}
	strm.next_in = in;
	strm.avail_in = in_len;
	strm.next_out = buf;
	strm.avail_out = cap;
	for (;;) {
		ret = lzma_code(&strm, LZMA_FINISH);
		if (ret == LZMA_STREAM_END)
			break;
		if (ret == LZMA_MEM_ERROR) {
			err = -ENOMEM;
			goto cleanup;
		}
		if (ret != LZMA_OK && ret != LZMA_BUF_ERROR) {
			err = -EBADMSG;
			goto cleanup;
		}
		if (strm.avail_out) {
			err = -EBADMSG; /* input ended before the stream did */
			goto cleanup;
		}
		if (cap >= max) {
			err = -EFBIG;
			goto cleanup;
		}
		used = (size_t)(strm.next_out - buf);
		cap = cap * 2 > max ? max : cap * 2;
		grown = realloc(buf, cap);
		if (!grown) {
			err = -ENOMEM;
			goto cleanup;
		}
		buf = grown;
		strm.next_out = buf + used;
		strm.avail_out = cap - used;
	}
	*out_len = (size_t)(strm.next_out - buf);
	*out = buf;
	buf = NULL;
cleanup:
	free(buf);
	lzma_end(&strm);
	return err;
}
