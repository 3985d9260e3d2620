/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strbuf.h - a growable NUL-terminated string for building output text: a
 * string layer over the tree's one growable buffer (format/common/crf_buf.h),
 * whose len never counts the terminating NUL.
 *
 * Allocation failure is sticky: after one, appends do nothing and
 * strbuf_failed() is true, so a caller checks once at the end.
 */
#ifndef CRF_STRBUF_H
#define CRF_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "crf_buf.h"

struct strbuf {
	struct crf_buf buf; /* data NULL until the first append; strbuf_str() never returns NULL */
	bool failed;
};

#define STRBUF_INIT { { NULL, 0, 0 }, false }

void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the string, keeping the memory. */
void strbuf_reset(struct strbuf *sb);
/* The text's length in bytes (the NUL not counted). */
static inline size_t strbuf_len(const struct strbuf *sb)
{
	return sb->buf.len;
}

/* The text ("" when nothing was appended). */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the text to the caller (NULL after a failure) and empties sb. */
char *strbuf_detach(struct strbuf *sb);
/* Frees the memory. Accepts NULL. */
void strbuf_release(struct strbuf *sb);

#endif /* CRF_STRBUF_H */
