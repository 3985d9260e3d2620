/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * writer_internal.h - the writer's state, shared by its two halves:
 * crf_writer.c (file header, blocks, chunk closing, I/O) and
 * writer_records.c (definitions and events encoded into the open chunk).
 */
#ifndef CRF_WRITER_INTERNAL_H
#define CRF_WRITER_INTERNAL_H

#include <zstd.h>

#include "crf_buf.h"
#include "crf_layout.h"
#include "crf_writer.h"
#include "intern_table.h"

/* Delta-encoding state of events: the previous event of the open chunk. */
struct event_state {
	uint64_t time_ns;
	struct crf_event_rec fields;
};

struct crf_writer {
	int fd;
	struct crf_writer_options opts;
	struct crf_error error;
	bool failed;                /* I/O error or no memory mid-record: refuse everything,
				       returning error.code */
	bool closed;                /* the END block was written */
	struct crf_writer_stats stats;

	/*
	 * The open chunk: uncompressed records, the two halves of its time
	 * column (FORMAT.md "Chunk content"), and what its header needs.
	 */
	struct crf_buf chunk;
	struct crf_buf time_low;    /* low byte of each event's zigzag time delta */
	struct crf_buf time_high;   /* varint of the rest (delta >> 8), per event */
	uint32_t chunk_records;
	uint32_t chunk_events;
	uint64_t chunk_first_time_ns;
	uint64_t chunk_last_time_ns;
	uint64_t chunk_opened_ns;   /* CLOCK_MONOTONIC when its first record came */
	struct event_state prev;

	/*
	 * Linking: the content of the chunk being compressed, and of the last
	 * one written (the next chunk's prefix); chunks written since the last
	 * independent one.
	 */
	struct crf_buf content;
	struct crf_buf prev_content;
	uint32_t chunk_seq;         /* sequence number of the next chunk block */
	uint32_t id_base[CRF_ID_TABLES]; /* next id of each table when the open chunk began */
	uint32_t chain_length;      /* chunks since the last independent one, it included */

	struct crf_buf block;       /* scratch: one block being assembled */
	struct crf_buf record;      /* scratch: one definition being encoded */
	ZSTD_CCtx *cctx;

	struct intern_table strings;
	struct intern_table binaries;
	struct intern_table frames;
	struct intern_table stacks;
	uint32_t process_count;
};

/* Fails fast when the writer is unusable (earlier I/O error, closed). */
int writer_check_usable(struct crf_writer *w);

/* Called after a record was appended to the open chunk: counts it, closes
 * the chunk when it reached chunk_max_bytes. */
int writer_record_added(struct crf_writer *w);

#endif /* CRF_WRITER_INTERNAL_H */
