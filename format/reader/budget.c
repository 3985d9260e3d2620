// SPDX-License-Identifier: GPL-2.0-only
/* budget.c - the reader's limits per recording (see budget.h, FORMAT.md "Reader limits"). */
#include "budget.h"

#include "crf_types.h"

/*
 * Expansion is measured over the whole file so far, plus this slack: a
 * short recording whose first chunk compresses unusually well (a quiet
 * start) is not refused, and a few KB of file still cannot inflate beyond
 * about a megabyte more than the ratio allows.
 */
#define EXPANSION_SLACK (1ull << 20)

void crf_limits_default(struct crf_limits *limits)
{
	if (!limits)
		return;
	limits->decompressed_bytes = CRF_LIMIT_DECOMPRESSED_BYTES;
	limits->expansion = CRF_LIMIT_EXPANSION;
	limits->events = CRF_LIMIT_EVENTS;
	limits->definitions = CRF_LIMIT_DEFINITIONS;
	limits->ids_ahead = CRF_LIMIT_IDS_AHEAD;
}

void budget_init(struct budget *b)
{
	crf_limits_default(&b->limits);
	b->decompressed = 0;
	b->definitions = 0;
}

static int over(uint64_t limit, uint64_t value)
{
	return limit && value > limit;
}

const char *budget_chunk(struct budget *b, uint64_t size, uint64_t file_end)
{
	const struct crf_limits *l = &b->limits;
	uint64_t allowed;

	b->decompressed += size;
	if (over(l->decompressed_bytes, b->decompressed))
		return "chunk content beyond the reader limit CRF_LIMIT_DECOMPRESSED_BYTES";
	/* expansion * file_end cannot overflow the check: compare by division. */
	allowed = l->expansion ? (b->decompressed - (b->decompressed < EXPANSION_SLACK ?
						      b->decompressed : EXPANSION_SLACK)) /
				 l->expansion : 0;
	if (l->expansion && allowed > file_end)
		return "chunk content expands beyond the reader limit CRF_LIMIT_EXPANSION "
		       "(decompressed bytes per file byte)";
	return NULL;
}

const char *budget_event(const struct budget *b, uint64_t events)
{
	if (over(b->limits.events, events + 1))
		return "more events than the reader limit CRF_LIMIT_EVENTS";
	return NULL;
}

const char *budget_definition(struct budget *b, uint32_t id, size_t defined)
{
	const struct crf_limits *l = &b->limits;

	if (over(l->definitions, b->definitions + 1))
		return "more definitions than the reader limit CRF_LIMIT_DEFINITIONS";
	if (over(l->ids_ahead, id > defined ? id - defined - 1 : 0))
		return "a definition id skips more ids than the reader limit CRF_LIMIT_IDS_AHEAD";
	b->definitions++;
	return NULL;
}
