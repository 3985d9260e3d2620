// SPDX-License-Identifier: GPL-2.0-only
/* text_escape.c - escaping untrusted strings (see text_escape.h). */
#include "text_escape.h"

#include <string.h>

int utf8_sequence_length(const unsigned char *s)
{
	unsigned int c = s[0];

	if (c && c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		/* No overlong forms (e0 a0..), no surrogates (ed 80..9f). */
		unsigned int low = c == 0xe0 ? 0xa0 : 0x80, high = c == 0xed ? 0x9f : 0xbf;

		return s[1] >= low && s[1] <= high && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned int low = c == 0xf0 ? 0x90 : 0x80, high = c == 0xf4 ? 0x8f : 0xbf;

		return s[1] >= low && s[1] <= high && (s[2] & 0xc0) == 0x80 &&
		       (s[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

void escape_folded(struct strbuf *sb, const char *name)
{
	if (!name || !*name) {
		strbuf_adds(sb, "[unknown]");
		return;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p;) {
		int n = utf8_sequence_length(p);

		if (*p == ';')
			strbuf_addc(sb, ':');
		else if (*p == ' ' || *p == '\t')
			strbuf_addc(sb, '_');
		else if (!n || *p < 0x20 || *p == 0x7f)
			strbuf_addc(sb, '?');
		else
			strbuf_add(sb, (const char *)p, (size_t)n);
		p += n ? n : 1;
	}
}

void escape_xml(struct strbuf *sb, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");

	while (*p) {
		int n = utf8_sequence_length(p);

		switch (n ? *p : 0) {
		case '&':
			strbuf_adds(sb, "&amp;");
			break;
		case '<':
			strbuf_adds(sb, "&lt;");
			break;
		case '>':
			strbuf_adds(sb, "&gt;");
			break;
		case '"':
			strbuf_adds(sb, "&quot;");
			break;
		case '\'':
			strbuf_adds(sb, "&apos;");
			break;
		default:
			if (!n || (*p < 0x20 && *p != '\t') || *p == 0x7f) {
				strbuf_addc(sb, '?');
				n = 1;
			} else {
				strbuf_add(sb, (const char *)p, (size_t)n);
			}
		}
		p += n ? n : 1;
	}
}

void escape_json(struct strbuf *sb, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");

	strbuf_addc(sb, '"');
	while (*p) {
		int n = utf8_sequence_length(p);

		if (!n) {
			strbuf_adds(sb, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, (char)*p++);
		} else if (*p == '\n') {
			strbuf_adds(sb, "\\n");
			p++;
		} else if (*p == '\t') {
			strbuf_adds(sb, "\\t");
			p++;
		} else if (*p < 0x20 || *p == 0x7f) {
			strbuf_addf(sb, "\\u%04x", *p++);
		} else {
			strbuf_add(sb, (const char *)p, (size_t)n);
			p += n;
		}
	}
	strbuf_addc(sb, '"');
}

void escape_terminal(struct strbuf *sb, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++)
		strbuf_addc(sb, *p < 0x20 || *p == 0x7f ? '?' : (char)*p);
}

void escape_shell(struct strbuf *sb, const char *word)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_-./+,:=@%";

	if (word && *word && strspn(word, safe) == strlen(word)) {
		strbuf_adds(sb, word);
		return;
	}
	strbuf_addc(sb, '\'');
	for (const char *p = word ? word : ""; *p; p++) {
		if (*p == '\'')
			strbuf_adds(sb, "'\\''");
		else
			strbuf_addc(sb, *p);
	}
	strbuf_addc(sb, '\'');
}
