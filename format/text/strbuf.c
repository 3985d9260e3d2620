// SPDX-License-Identifier: GPL-2.0-only
/* strbuf.c - growable strings (see strbuf.h), kept in a crf_buf. */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for extra bytes and the NUL after them; false (sticky) when there is none. */
static bool strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (sb->failed)
		return false;
	if (extra == (size_t)-1 || crf_buf_reserve(&sb->buf, extra + 1)) {
		sb->failed = true;
		return false;
	}
	return true;
}

void strbuf_add(struct strbuf *sb, const char *data, size_t len)
{
	if (!strbuf_grow(sb, len))
		return;
	memcpy(sb->buf.data + sb->buf.len, data, len);
	sb->buf.len += len;
	sb->buf.data[sb->buf.len] = '\0';
}

void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = true;
		return;
	}
	if (!strbuf_grow(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)sb->buf.data + sb->buf.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->buf.len += (size_t)n;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->buf.len = 0;
	if (sb->buf.data)
		sb->buf.data[0] = '\0';
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf.data && !sb->failed ? (const char *)sb->buf.data : "";
}

char *strbuf_detach(struct strbuf *sb)
{
	char *data = sb->failed ? NULL : (char *)sb->buf.data;

	if (!data && !sb->failed)
		data = calloc(1, 1);
	if (sb->failed)
		crf_buf_release(&sb->buf);
	sb->buf.data = NULL;
	sb->buf.len = sb->buf.cap = 0;
	sb->failed = false;
	return data;
}

void strbuf_release(struct strbuf *sb)
{
	if (!sb)
		return;
	crf_buf_release(&sb->buf);
	sb->failed = false;
}
