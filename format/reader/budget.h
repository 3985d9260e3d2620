/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * budget.h - the reader's spending against struct crf_limits (crf_reader.h,
 * FORMAT.md "Reader limits"). Each charge returns NULL, or the static text
 * naming the limit the recording exceeded: the reader then stops with
 * CRF_ERR_LIMIT. Charges happen before the reader allocates for the item.
 */
#ifndef CRF_BUDGET_H
#define CRF_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "crf_reader.h"

struct budget {
	struct crf_limits limits;
	uint64_t decompressed;
	uint64_t definitions;
};

void budget_init(struct budget *b);

/* A chunk of size content bytes, whose block ends at file offset file_end. */
const char *budget_chunk(struct budget *b, uint64_t size, uint64_t file_end);

/* One more event, after events were delivered. */
const char *budget_event(const struct budget *b, uint64_t events);

/* A definition with id, in a table that holds defined entries. */
const char *budget_definition(struct budget *b, uint32_t id, size_t defined);

#endif /* CRF_BUDGET_H */
