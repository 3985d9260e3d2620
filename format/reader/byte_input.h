/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * byte_input.h - the reader's bottom layer: a read()-only window over the
 * input, so the input may be a pipe (no seek, no mmap). The window holds the
 * bytes from the current position on; it grows with the bytes received, up
 * to what one block needs, never beyond twice CRF_MAX_BLOCK_SIZE plus four
 * reads (the room that keeps sliding it cheap).
 */
#ifndef CRF_BYTE_INPUT_H
#define CRF_BYTE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct byte_input {
	int fd;
	uint8_t *buf;
	size_t cap;
	size_t start;     /* index in buf of the byte at offset */
	size_t avail;     /* bytes held from start */
	uint64_t offset;  /* file offset of buf[start] */
	bool eof;         /* read() returned 0 */
};

/*
 * Makes at least need bytes (need <= CRF_MAX_BLOCK_SIZE) available at the
 * current position, fewer only at the end of the input. Returns CRF_OK,
 * CRF_ERR_IO (*sys_errno set) or CRF_ERR_NOMEM.
 */
int byte_input_fill(struct byte_input *in, size_t need, int *sys_errno);

static inline const uint8_t *byte_input_peek(const struct byte_input *in)
{
	return in->buf + in->start;
}

/* Drops n (<= avail) bytes from the front of the window. */
void byte_input_consume(struct byte_input *in, size_t n);

/* Frees the window. Accepts NULL. */
void byte_input_release(struct byte_input *in);

#endif /* CRF_BYTE_INPUT_H */
