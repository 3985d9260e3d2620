// SPDX-License-Identifier: GPL-2.0-only
/* hostile_cases.c - recordings that attack a reader (see hostile_cases.h). */
#include <stdint.h>
#include <stdlib.h>

#include "hostile_cases.h"

/* Record and block type values of FORMAT.md's registries. */
enum {
	REC_STRING = 1, REC_BINARY = 2, REC_PROCESS = 3, REC_FRAME = 5, REC_STACK = 6,
	BLK_CHUNK = 4,
};
/* EVENT field bits (FORMAT.md "EVENT"). */
enum {
	EVF_TID = 1u << 0, EVF_KSTACK = 1u << 2, EVF_USTACK = 1u << 3, EVF_PROCESS = 1u << 6,
	EVF_COMM = 1u << 7,
};

#define CHUNK_CONTENT_MAX (8u << 20) /* CRF_MAX_CHUNK_UNCOMPRESSED */

void hostile_resync(struct hbuf *out, size_t bytes, uint32_t claim)
{
	/* At a position holding (body_length, total): the body length agrees with the total. */
	uint32_t body_length = claim - 20;

	enc_file_header(out);
	for (size_t i = 0; i + 8 <= bytes; i += 8) {
		/* type = body_length (any), total = claim, body_length, crc = claim (wrong). */
		hbuf_le32(out, body_length);
		hbuf_le32(out, claim);
	}
}

/* A PROCESS record: 13 varints (FORMAT.md "PROCESS"). */
static void process_record(struct hbuf *content, uint32_t id, uint32_t pid, uint32_t exe_binary,
			   uint32_t comm)
{
	uint64_t f[13] = { id, pid, 0, 0, 0, exe_binary, 0, 0, 0, 0, comm, 0, 0 };

	rec_sized(content, REC_PROCESS, f, 13);
}

void hostile_huge_ids(struct hbuf *out)
{
	const uint64_t top = HOSTILE_TOP_ID;
	struct hbuf content = { 0 };
	uint64_t binary[3] = { top, top, 0 };                /* id, path, no build-id */
	uint64_t frame[7] = { top, 1, 0, top, 0, 0, 0 };     /* kernel frame, symbol top */
	uint64_t stack[3] = { top, 1, top };                 /* depth 1: frame top */
	uint64_t event[4] = { 1, top, top, top };            /* tid, kstack, ustack, process */

	enc_file_header(out);
	rec_string(&content, HOSTILE_TOP_ID, "x");
	rec_sized(&content, REC_BINARY, binary, 3);
	process_record(&content, HOSTILE_TOP_ID, 1, HOSTILE_TOP_ID, HOSTILE_TOP_ID);
	rec_sized(&content, REC_FRAME, frame, 7);
	rec_sized(&content, REC_STACK, stack, 3);
	rec_event(&content, 1000, EVF_TID | EVF_KSTACK | EVF_USTACK | EVF_PROCESS, event, 4);
	enc_chunk(out, &content, 6, 1, 0, 3);
	enc_end(out, 1, 0, 1);
	hbuf_free(&content);
}

void hostile_inflation(struct hbuf *out, unsigned chunks)
{
	uint64_t events_before = 0;

	enc_file_header(out);
	for (unsigned c = 0; c < chunks; c++) {
		struct hbuf content = { 0 };
		uint64_t first[1] = { 1 };
		uint32_t records = 0, events = 0;

		if (!c) {
			process_record(&content, 1, 1, 0, 0);
			records++;
		}
		/* The first event of a chunk names its process; the rest repeat it: 3 bytes each. */
		rec_event(&content, 1, EVF_PROCESS, first, 1);
		records++;
		events++;
		while (content.len + 3 <= CHUNK_CONTENT_MAX) {
			rec_event(&content, 1, 0, NULL, 0);
			records++;
			events++;
		}
		enc_chunk(out, &content, records, events, events_before, 19);
		events_before += events;
		hbuf_free(&content);
	}
}

void hostile_clock_storm(struct hbuf *out, unsigned clocks, unsigned events)
{
	const unsigned per_chunk = 100000;
	uint64_t t = 1000000000ull;
	unsigned written = 0;

	enc_file_header(out);
	for (unsigned i = 0; i < clocks; i++)
		enc_clock(out, 1000000000ull + 1000ull * i, 1700000000000000000ull + 1000ull * i);
	while (written < events) {
		struct hbuf content = { 0 };
		uint64_t first[1] = { 1 };
		unsigned n = events - written < per_chunk ? events - written : per_chunk;
		uint32_t records = 0;

		if (!written) {
			process_record(&content, 1, 1, 0, 0);
			records++;
		}
		for (unsigned i = 0; i < n; i++) {
			/* Events spread over the anchors' span, so every lookup has a real answer. */
			uint64_t next = t + 997;

			rec_event(&content, (int64_t)(i ? 997 : next), i ? 0 : EVF_PROCESS, first,
				  i ? 0 : 1);
			t = next;
			records++;
		}
		enc_chunk(out, &content, records, n, written, 3);
		written += n;
		hbuf_free(&content);
	}
	enc_end(out, events, 0, clocks + 1);
}

void hostile_loss_overflow(struct hbuf *out)
{
	enc_file_header(out);
	enc_loss(out, 1000, UINT64_MAX - 1, 0);
	enc_loss(out, 2000, 5, 0);
	/* What a writer adding with wrap-around would state. */
	enc_end(out, 0, 3, 2);
}
