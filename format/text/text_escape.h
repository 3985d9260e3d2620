/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * text_escape.h - every way a string from a recording is made safe for the
 * place it is written to. Recordings are untrusted: a symbol or path may hold
 * any bytes, including markup, quotes, separators and invalid UTF-8.
 */
#ifndef CRF_TEXT_ESCAPE_H
#define CRF_TEXT_ESCAPE_H

#include "strbuf.h"

/*
 * Appends a frame name for a folded-stack line: ';' (the frame separator)
 * becomes ':', blanks (the count separator) '_', other control bytes and
 * bytes that are not valid UTF-8 '?'.
 * An empty name becomes "[unknown]".
 */
void escape_folded(struct strbuf *sb, const char *name);

/*
 * Appends text for XML character data or an attribute value: & < > " ' as
 * entities; control characters XML forbids and bytes that are not valid UTF-8
 * become '?', so the document is always well-formed.
 */
void escape_xml(struct strbuf *sb, const char *text);

/*
 * Appends text as a JSON string, quotes included: always valid JSON. Quotes,
 * backslashes and every control character (C0, DEL, C1) and bidirectional
 * override are \u escapes (\n \t \r for those three), so that a JSON file
 * viewed in a terminal drives it no more than a table does; invalid UTF-8
 * becomes U+FFFD.
 */
void escape_json(struct strbuf *sb, const char *text);

/*
 * The one rendering of a string from a recording for a terminal (info,
 * replay, every table): what a terminal would obey or a reader be fooled by
 * is shown, visibly escaped, never passed through nor silently replaced:
 *   \n \t \r          line breaks and tabs (no forged lines)
 *   \xHH               other C0 bytes (ESC: so ESC[2J and OSC 8 links show as
 *                      text), DEL, and each byte that is not valid UTF-8
 *   \uHHHH             C1 controls (U+0080..U+009F, 0x9b is CSI) and the
 *                      bidirectional overrides and isolates (U+202A..U+202E,
 *                      U+2066..U+2069), which reorder what is shown
 * Everything else (printable ASCII and valid UTF-8) is kept as it is, a
 * backslash too: the shell commands policy prints must stay usable
 * (escape_shell()'s quoting), so a name holding the four characters "\x1b"
 * reads like one that held ESC; nothing is hidden either way.
 */
void escape_terminal(struct strbuf *sb, const char *text);

/*
 * escape_terminal() into sb (emptied first); returns its text, "" when
 * memory ran out (sb->failed says so).
 */
const char *escape_terminal_str(struct strbuf *sb, const char *text);

/*
 * Appends one CSV field (RFC 4180): the text as escape_terminal() renders
 * it (a cell holds no control byte and no invalid UTF-8), with a leading
 * apostrophe when it begins with = + - @ tab or CR (a spreadsheet would run
 * it as a formula: OWASP's "CSV injection" advice), then quoted when it holds
 * a comma or a quote.
 */
void escape_csv(struct strbuf *sb, const char *text);

/* Appends a word for a POSIX shell: as is when plainly safe, else single-quoted. */
void escape_shell(struct strbuf *sb, const char *word);

/*
 * Length in bytes of the valid UTF-8 sequence at s (1..4), or 0 when s does
 * not start one (including a NUL).
 */
int utf8_sequence_length(const unsigned char *s);

#endif /* CRF_TEXT_ESCAPE_H */
