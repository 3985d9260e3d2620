/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * strbuf.h - a growable NUL-terminated string for building report text.
 *
 * Allocation failure is sticky: after one, appends do nothing and
 * strbuf_failed() is true, so a caller checks once at the end.
 */
#ifndef REPORTS_STRBUF_H
#define REPORTS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *data;      /* NULL until the first append; strbuf_str() never returns NULL */
	size_t len;
	size_t cap;
	bool failed;
};

#define STRBUF_INIT { NULL, 0, 0, false }

void strbuf_add(struct strbuf *sb, const char *data, size_t len);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addc(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the string, keeping the memory. */
void strbuf_reset(struct strbuf *sb);
/* The text ("" when nothing was appended). */
const char *strbuf_str(const struct strbuf *sb);
/* Hands the text to the caller (NULL after a failure) and empties sb. */
char *strbuf_detach(struct strbuf *sb);
/* Frees the memory. Accepts NULL. */
void strbuf_release(struct strbuf *sb);

#endif /* REPORTS_STRBUF_H */
