/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * damage.h - the reader's account of what it could not read: damaged
 * regions, truncation and the limit that stopped it. It owns those fields
 * of struct crf_recovery and depends on nothing else of the reader, so the
 * scanner and the decoders call it and it calls none of them back.
 */
#ifndef CRF_DAMAGE_H
#define CRF_DAMAGE_H

#include <stdint.h>

#include "crf_reader.h"

/* A region of length bytes at offset was skipped: code (CRF_ERR_*) and why. */
void damage_note_region(struct crf_recovery *rec, uint64_t offset, uint64_t length, int code,
			const char *why);

/* The input ended inside the block that starts at offset. */
void damage_note_truncation(struct crf_recovery *rec, uint64_t offset);

#endif /* CRF_DAMAGE_H */
