/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reader_internal.h - the reader's state, shared by its layers:
 *   damage.c         damaged regions and truncation in the recovery report
 *   block_scanner.c  bytes -> one validated block (resync, truncation)
 *   fixed_blocks.c   METADATA, CAPNAMES, CLOCK, LOSS, END bodies
 *   chunk_decoder.c  CHUNK: zstd frame -> definitions and events
 *   crf_reader.c     the public API that drives them
 */
#ifndef CRF_READER_INTERNAL_H
#define CRF_READER_INTERNAL_H

#include <zstd.h>

#include "arena.h"
#include "budget.h"
#include "crf_layout.h"
#include "byte_input.h"
#include "clock_anchors.h"
#include "crf_reader.h"
#include "cursor.h"
#include "damage.h"
#include "id_table.h"
#include "span_crc.h"

struct metadata_pair {
	const char *key;
	const char *value;
};

/* Raw field values of the previous event of the chunk being decoded. */
struct event_delta {
	uint64_t time_ns;
	uint32_t tid, uid, comm_id, flags, process_id, kernel_stack_id, user_stack_id;
	uint32_t userns_inum, userns_level;
	int32_t cap, ret, final_ret, syscall_nr;
	uint64_t cgroup_id;
};

/* The chunk being decoded, record by record, across crf_reader_next() calls. */
struct chunk_state {
	bool active;
	uint64_t block_offset;
	uint32_t block_total;
	uint32_t records_declared;
	uint32_t events_declared;
	uint64_t events_before;
	uint32_t records_seen;
	uint32_t events_seen;
	struct cursor cur;
	bool time_column;           /* codec 2: events are COLUMN_EVENT records */
	struct cursor time_low;     /* the time column's low bytes, one per event */
	struct cursor time_high;    /* the rest of each time delta, varints */
	uint32_t next_id[CRF_ID_TABLES]; /* codec 2: the id a definition with id 0 gets */
	struct event_delta prev;
};

/*
 * The content of the last codec-2 chunk decompressed, which the next chunk
 * may use as its zstd prefix (FORMAT.md "Linked chunks").
 */
struct chunk_link {
	bool valid;                 /* chunk_data holds the content of chunk seq */
	uint32_t seq;
	size_t len;
};

struct crf_reader {
	struct byte_input in;
	uint16_t major;
	uint16_t minor;
	struct crf_recovery rec;
	struct arena arena;

	struct id_table strings;
	struct id_table binaries;
	struct id_table processes;
	struct id_table frames;
	struct id_table stacks;

	struct metadata_pair *metadata;
	size_t metadata_count;
	size_t metadata_cap;
	const char **cap_names;     /* from the last CAPNAMES block */
	uint32_t cap_name_count;
	struct clock_anchors clocks;

	ZSTD_DCtx *dctx;
	uint8_t *chunk_data;        /* decompressed records of the current chunk */
	size_t chunk_cap;
	uint8_t *prev_data;         /* the previous chunk's content: the current one's prefix */
	size_t prev_cap;
	struct chunk_link link;
	struct chunk_state chunk;
	struct budget budget;
	const char *limit_hit;      /* the limit that stopped the reader (CRF_ERR_LIMIT), or NULL */
	struct span_crc resync;     /* prefix CRCs of the bytes a resynchronisation scans */

	struct crf_event event;     /* the last event handed out: reused by the next one */
	struct crf_credentials credentials;         /* likewise, the last CREDENTIALS record */
	struct crf_syscall_return syscall_return;   /* and SYSCALL_RETURN record */
};

/*
 * Positions the input at the next valid block, skipping (and reporting)
 * damage. Returns 1 with *total set (the block starts at r->in.offset and
 * is entirely in the window), 0 at the end of the input, or a fatal status.
 */
int scanner_next_block(struct crf_reader *r, uint32_t *total, struct crf_error *err);

/*
 * Decodes the body of a non-chunk block. Returns 1 and fills item when the
 * block yields an item, 0 when not (or when its content was bad: reported
 * as damage), or CRF_ERR_NOMEM.
 */
int fixed_block_read(struct crf_reader *r, uint32_t type, struct cursor *body, uint64_t offset,
		     uint32_t total, struct crf_item *item);

/* Validates and decompresses a CHUNK body; on success the chunk becomes active. */
int chunk_begin(struct crf_reader *r, struct cursor *body, uint64_t offset, uint32_t total);

/* Next item of the active chunk: 1 with item, 0 when the chunk is done, <0 fatal. */
int chunk_next_item(struct crf_reader *r, struct crf_item *item);

#endif /* CRF_READER_INTERNAL_H */
