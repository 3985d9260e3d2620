// SPDX-License-Identifier: GPL-2.0-only
/* text_escape.c - escaping untrusted strings (see text_escape.h). */
#include "text_escape.h"

#include <stdbool.h>
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

/* The code point of the valid UTF-8 sequence of n bytes at p. */
static unsigned int code_point(const unsigned char *p, int n)
{
	static const unsigned char lead_mask[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	unsigned int cp = p[0] & lead_mask[n];

	for (int i = 1; i < n; i++)
		cp = (cp << 6) | (p[i] & 0x3f);
	return cp;
}

/*
 * Code points a terminal obeys or that change what is shown: C1 controls
 * (0x9b is CSI, the one-byte ESC [) and the bidirectional overrides and
 * isolates ("Trojan Source").
 */
static bool hidden_control(unsigned int cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
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
			continue;
		}
		if (*p == '"' || *p == '\\') {
			strbuf_addc(sb, '\\');
			strbuf_addc(sb, (char)*p);
		} else if (*p == '\n') {
			strbuf_adds(sb, "\\n");
		} else if (*p == '\t') {
			strbuf_adds(sb, "\\t");
		} else if (*p == '\r') {
			strbuf_adds(sb, "\\r");
		} else if (*p < 0x20 || *p == 0x7f || hidden_control(code_point(p, n))) {
			strbuf_addf(sb, "\\u%04x", code_point(p, n));
		} else {
			strbuf_add(sb, (const char *)p, (size_t)n);
		}
		p += n;
	}
	strbuf_addc(sb, '"');
}

void escape_terminal(struct strbuf *sb, const char *text)
{
	const unsigned char *p = (const unsigned char *)(text ? text : "");

	while (*p) {
		int n = utf8_sequence_length(p);

		if (!n) {
			strbuf_addf(sb, "\\x%02x", *p);
			p++;
			continue;
		}
		if (*p == '\n')
			strbuf_adds(sb, "\\n");
		else if (*p == '\t')
			strbuf_adds(sb, "\\t");
		else if (*p == '\r')
			strbuf_adds(sb, "\\r");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else if (n > 1 && hidden_control(code_point(p, n)))
			strbuf_addf(sb, "\\u%04x", code_point(p, n));
		else
			strbuf_add(sb, (const char *)p, (size_t)n);
		p += n;
	}
}

const char *escape_terminal_str(struct strbuf *sb, const char *text)
{
	strbuf_reset(sb);
	escape_terminal(sb, text);
	return sb->failed ? "" : strbuf_str(sb);
}

void escape_csv(struct strbuf *sb, const char *text)
{
	struct strbuf cell = STRBUF_INIT;
	const char *value = text ? text : "";
	const char *rendered;

	/* A formula to a spreadsheet, whatever the escaping below makes of its first byte. */
	if (strchr("=+-@\t\r", value[0]) && value[0])
		strbuf_addc(&cell, '\'');
	escape_terminal(&cell, value);
	if (cell.failed) {
		sb->failed = true;
		strbuf_release(&cell);
		return;
	}
	rendered = strbuf_str(&cell);
	if (!strpbrk(rendered, ",\"")) {
		strbuf_adds(sb, rendered);
	} else {
		strbuf_addc(sb, '"');
		for (const char *c = rendered; *c; c++) {
			if (*c == '"')
				strbuf_addc(sb, '"');
			strbuf_addc(sb, *c);
		}
		strbuf_addc(sb, '"');
	}
	strbuf_release(&cell);
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
