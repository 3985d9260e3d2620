/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * debug_refusals.h - debug files the recorder refused (a .gnu_debuglink
 * candidate whose CRC-32 does not match: stale or damaged), said to the
 * user once per file. The symbolizer caches meet them each time they open
 * a binary; the recorder's main code decides how to say it.
 */
#ifndef CAPREC_DEBUG_REFUSALS_H
#define CAPREC_DEBUG_REFUSALS_H

#include "elf_binary.h"

/* Called once per refused debug file path; NULL: refusals are not said. */
typedef void (*debug_refusal_fn)(const char *debug_file, void *ctx);

void debug_refusals_set_reporter(debug_refusal_fn fn, void *ctx);

/* Reports bin's refused debug file, if it has one not reported before. */
void debug_refusals_note(const struct elf_binary *bin);

#endif /* CAPREC_DEBUG_REFUSALS_H */
