// SPDX-License-Identifier: GPL-2.0-only
/* byte_input.c - read()-only input window (see byte_input.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byte_input.h"
#include "crf_types.h"

#define READ_SIZE (64u << 10)

/*
 * The window grows with the bytes that actually arrive (doubling), never
 * with the length a block claims: a 100-byte input whose header claims
 * 16 MiB costs about 64 KiB, not 16 MiB.
 */
int byte_input_fill(struct byte_input *in, size_t need, int *sys_errno)
{
	/*
	 * Twice what one block needs: the window slides only once the bytes
	 * consumed are at least as many as the bytes it keeps, so sliding costs
	 * at most one copy per byte read, even while a resynchronisation steps
	 * through candidates that each keep 16 MiB in the window.
	 */
	const size_t max_cap = 2 * (CRF_MAX_BLOCK_SIZE + 2 * READ_SIZE);

	if (need > CRF_MAX_BLOCK_SIZE)
		return CRF_ERR_LIMIT;
	while (in->avail < need && !in->eof) {
		ssize_t got;

		/* Room for one more read: slide the window to the front when cheap, else grow. */
		if (in->start && in->start + in->avail + READ_SIZE > in->cap &&
		    (in->start >= in->avail || in->cap >= max_cap)) {
			memmove(in->buf, in->buf + in->start, in->avail);
			in->start = 0;
		}
		if (in->start + in->avail + READ_SIZE > in->cap) {
			size_t cap = in->cap * 2 > in->start + in->avail + READ_SIZE ?
				     in->cap * 2 : in->start + in->avail + READ_SIZE;
			uint8_t *buf;

			if (cap > max_cap)
				cap = max_cap;
			buf = realloc(in->buf, cap);
			if (!buf)
				return CRF_ERR_NOMEM;
			in->buf = buf;
			in->cap = cap;
		}
		got = read(in->fd, in->buf + in->start + in->avail,
			   in->cap - in->start - in->avail);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			*sys_errno = errno;
			return CRF_ERR_IO;
		}
		if (got == 0)
			in->eof = true;
		in->avail += (size_t)got;
	}
	return CRF_OK;
}

void byte_input_consume(struct byte_input *in, size_t n)
{
	in->start += n;
	in->avail -= n;
	in->offset += n;
	if (!in->avail)
		in->start = 0;
}

void byte_input_release(struct byte_input *in)
{
	if (!in)
		return;
	free(in->buf);
	in->buf = NULL;
	in->cap = 0;
	in->avail = 0;
	in->start = 0;
}
