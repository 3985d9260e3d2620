/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * text_escape.h - every way a string from a recording is made safe for the
 * place it is written to. Recordings are untrusted: a symbol or path may hold
 * any bytes, including markup, quotes, separators and invalid UTF-8.
 */
#ifndef REPORTS_TEXT_ESCAPE_H
#define REPORTS_TEXT_ESCAPE_H

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

/* Appends text as a JSON string, quotes included; invalid UTF-8 becomes U+FFFD. */
void escape_json(struct strbuf *sb, const char *text);

/* Appends text for a terminal: control bytes (escape sequences, line breaks) become '?'. */
void escape_terminal(struct strbuf *sb, const char *text);

/* Appends a word for a POSIX shell: as is when plainly safe, else single-quoted. */
void escape_shell(struct strbuf *sb, const char *word);

/*
 * Length in bytes of the valid UTF-8 sequence at s (1..4), or 0 when s does
 * not start one (including a NUL).
 */
int utf8_sequence_length(const unsigned char *s);

#endif /* REPORTS_TEXT_ESCAPE_H */
