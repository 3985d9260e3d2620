// SPDX-License-Identifier: GPL-2.0-only
/*
 * damage.c - damaged regions and truncation in the recovery report (see
 * damage.h). Every region is counted; the first ones are kept with their
 * offset and reason, enough to show where a file went wrong without letting
 * a file made of damage grow the report.
 */
#include "damage.h"

void damage_note_region(struct crf_recovery *rec, uint64_t offset, uint64_t length, int code,
			const char *why)
{
	rec->blocks_skipped++;
	rec->bytes_skipped += length;
	if (rec->damage_count < sizeof(rec->damage) / sizeof(rec->damage[0])) {
		struct crf_damage *d = &rec->damage[rec->damage_count++];

		d->offset = offset;
		d->length = length;
		d->code = code;
		d->detail = why;
	}
}

void damage_note_truncation(struct crf_recovery *rec, uint64_t offset)
{
	rec->truncated = true;
	rec->truncated_at = offset;
}
