// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_damage.c - the reader against damaged input: truncation at every
 * byte offset, a bit flipped at every byte, random multi-byte corruption,
 * unknown block types, version numbers, absurd lengths. Never a crash;
 * every intact block recovered; the damage reported where it is.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "format_test_util.h"

#define MAX_SPANS 64

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Recomputes a block's checksum after a test edited it (FORMAT.md "Block structure"). */
static void reseal_block(uint8_t *block)
{
	uint32_t total = block[4] | block[5] << 8 | block[6] << 16 | (uint32_t)block[7] << 24;
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, block, 12);
	crc = crc32(crc, block + 16, total - 20);
	put32(block + 12, (uint32_t)crc);
}

static void reseal_header(uint8_t *h)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, h, 20);
	put32(h + 20, (uint32_t)crc);
}

/* Events in the chunks that end at or before `end`. */
static uint64_t events_before(const struct block_span *spans, size_t n, uint64_t end)
{
	uint64_t events = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (spans[i].offset + spans[i].total <= end)
			events += spans[i].events;
	return events;
}

/*
 * A cut anywhere keeps every block before it, linked chunks included: a
 * chunk only ever depends on chunks before it.
 */
static void truncation_at_every_offset(uint32_t key_interval)
{
	uint64_t total_events;
	struct bytes file = util_small_recording_keyed(&total_events, key_interval);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), cut, i;

	assert_int_equal(spans[n - 1].offset + spans[n - 1].total, file.len);
	for (cut = 0; cut <= file.len; cut++) {
		struct read_summary s = util_read_all(file.data, cut);
		uint64_t block_start = 24;
		bool on_boundary = cut == 24;

		if (cut < 24) {
			/* An empty input is not a recording; a partial header is truncated. */
			assert_int_equal(s.open_status,
					 cut ? CRF_ERR_TRUNCATED : CRF_ERR_NOT_RECORDING);
			continue;
		}
		assert_int_equal(s.open_status, CRF_OK);
		assert_int_equal(s.last_status, 0);
		for (i = 0; i < n; i++) {
			uint64_t end = spans[i].offset + spans[i].total;

			if (end <= cut)
				block_start = end;
			if (end == cut)
				on_boundary = true;
		}
		assert_int_equal(s.events, events_before(spans, n, cut));
		assert_int_equal(s.rec.events, s.events);
		assert_int_equal(s.rec.truncated, !on_boundary);
		if (!on_boundary)
			assert_int_equal(s.rec.truncated_at, block_start);
		assert_int_equal(s.rec.clean_end, cut == file.len);
		assert_int_equal(s.rec.blocks_skipped, 0);
		assert_int_equal(s.rec.file_bytes, cut);
	}
	util_bytes_free(&file);
}

static void test_truncation_at_every_offset(void **state)
{
	(void)state;
	truncation_at_every_offset(1);
	truncation_at_every_offset(3);
	truncation_at_every_offset(0);
}

/* Chunk blocks of the small recording written with key_interval, and how many link. */
static void count_chunks(uint32_t key_interval, uint32_t *chunks, uint32_t *linked)
{
	uint64_t total_events;
	struct bytes file = util_small_recording_keyed(&total_events, key_interval);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), i;

	*chunks = *linked = 0;
	for (i = 0; i < n; i++) {
		*chunks += spans[i].type == CRF_BLOCK_CHUNK;
		*linked += spans[i].prefix_length != 0;
	}
	util_bytes_free(&file);
}

/*
 * The damage tests need chains of linked chunks with independent chunks
 * inside them: the writer makes every key_interval-th chunk independent.
 */
static void test_key_interval_shapes_chains(void **state)
{
	uint32_t chunks, linked;

	(void)state;
	count_chunks(1, &chunks, &linked);
	assert_true(chunks >= 7);
	assert_int_equal(linked, 0);
	count_chunks(3, &chunks, &linked);
	assert_int_equal(linked, chunks - (chunks + 2) / 3);
	count_chunks(0, &chunks, &linked); /* the default: every 4th chunk independent */
	assert_int_equal(linked, chunks - (chunks + 3) / 4);
}

/* Sums the events of the blocks not in lost[]. */
static uint64_t events_kept(const struct block_span *spans, size_t n, const bool *lost)
{
	uint64_t events = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (!lost[i])
			events += spans[i].events;
	return events;
}

/*
 * One flipped bit in any block: that block is skipped and reported, and so
 * is every chunk linked to it up to the next independent chunk, each at its
 * own offset. With every chunk independent, the block alone.
 */
static void bit_flip_at_every_byte(uint32_t key_interval)
{
	uint64_t total_events;
	struct bytes file = util_small_recording_keyed(&total_events, key_interval);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), pos, i;
	uint8_t *copy = malloc(file.len);
	uint32_t seed = 12345;

	for (pos = 24; pos < file.len; pos++) {
		bool damaged[MAX_SPANS] = { false }, lost[MAX_SPANS];
		struct read_summary s;
		const struct block_span *hit = NULL;
		size_t dependents, d = 1;

		for (i = 0; i < n; i++)
			if (pos >= spans[i].offset && pos < spans[i].offset + spans[i].total) {
				hit = &spans[i];
				damaged[i] = true;
			}
		assert_non_null(hit);
		dependents = util_lost_dependents(spans, n, damaged, lost);
		if (key_interval == 1)
			assert_int_equal(dependents, 0);
		memcpy(copy, file.data, file.len);
		seed = seed * 1103515245u + 12345u;
		copy[pos] ^= (uint8_t)(1u << ((seed >> 16) % 8));
		s = util_read_all(copy, file.len);
		assert_int_equal(s.open_status, CRF_OK);
		assert_int_equal(s.last_status, 0);
		assert_int_equal(s.events, events_kept(spans, n, lost));
		assert_int_equal(s.rec.blocks_skipped, 1 + dependents);
		assert_int_equal(s.rec.damage_count, 1 + dependents);
		assert_int_equal(s.rec.damage[0].offset, hit->offset);
		assert_int_equal(s.rec.damage[0].length, hit->total);
		assert_int_equal(s.rec.damage[0].code, CRF_ERR_CORRUPT);
		assert_non_null(s.rec.damage[0].detail);
		for (i = 0; i < n; i++) {
			if (!lost[i] || damaged[i])
				continue;
			assert_int_equal(s.rec.damage[d].offset, spans[i].offset);
			assert_string_equal(s.rec.damage[d].detail,
					    "chunk depends on a previous chunk that was lost");
			d++;
		}
		assert_false(s.rec.truncated);
		assert_int_equal(s.rec.clean_end, hit->type != CRF_BLOCK_END);
		assert_int_equal(s.rec.blocks_read, n - 1);
	}
	free(copy);
	util_bytes_free(&file);
}

static void test_bit_flip_at_every_byte(void **state)
{
	(void)state;
	/* Independent chunks; chains of 3 (random_corruption: also the default, 4). */
	bit_flip_at_every_byte(1);
	bit_flip_at_every_byte(3);
}

/* Random bursts of garbage, many at once: no crash, all intact blocks read. */
static void random_corruption(uint32_t key_interval)
{
	uint64_t total_events;
	struct bytes file = util_small_recording_keyed(&total_events, key_interval);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), i;
	uint8_t *copy = malloc(file.len);
	uint32_t seed = 777;
	int round;

	for (round = 0; round < 700; round++) {
		bool damaged[MAX_SPANS] = { false }, lost[MAX_SPANS];
		size_t intact_blocks = 0, dependents;
		struct read_summary s;
		int bursts, b;

		memcpy(copy, file.data, file.len);
		seed = seed * 1103515245u + 12345u;
		bursts = 1 + (int)((seed >> 16) % 4);
		for (b = 0; b < bursts; b++) {
			size_t pos, len, k;

			seed = seed * 1103515245u + 12345u;
			pos = 24 + (seed >> 8) % (file.len - 24);
			seed = seed * 1103515245u + 12345u;
			len = 1 + (seed >> 16) % 12;
			for (k = pos; k < pos + len && k < file.len; k++) {
				uint8_t old = copy[k];

				seed = seed * 1103515245u + 12345u;
				copy[k] = (uint8_t)(seed >> 16);
				if (copy[k] == old)
					continue;
				for (i = 0; i < n; i++)
					if (k >= spans[i].offset &&
					    k < spans[i].offset + spans[i].total)
						damaged[i] = true;
			}
		}
		for (i = 0; i < n; i++)
			intact_blocks += !damaged[i];
		dependents = util_lost_dependents(spans, n, damaged, lost);
		s = util_read_all(copy, file.len);
		assert_int_equal(s.open_status, CRF_OK);
		assert_int_equal(s.last_status, 0);
		assert_int_equal(s.rec.blocks_read, intact_blocks);
		assert_int_equal(s.events, events_kept(spans, n, lost));
		assert_true(s.rec.blocks_skipped >= 1 || intact_blocks == n);
		assert_true(s.rec.blocks_skipped <= n - intact_blocks + dependents);
	}
	free(copy);
	util_bytes_free(&file);
}

static void test_random_corruption(void **state)
{
	(void)state;
	random_corruption(1);
	random_corruption(3);
	random_corruption(0);
}

/* Appends a block of an unregistered type after the file header. */
static struct bytes with_unknown_block(const struct bytes *file, uint32_t type)
{
	struct bytes out;
	uint8_t block[28] = { 0 };

	put32(block, type);
	put32(block + 4, sizeof(block));
	put32(block + 8, 7);               /* body: 7 bytes + 1 of padding */
	memcpy(block + 16, "future!", 7);
	put32(block + 24, sizeof(block));
	reseal_block(block);
	out.len = file->len + sizeof(block);
	out.data = malloc(out.len);
	memcpy(out.data, file->data, 24);
	memcpy(out.data + 24, block, sizeof(block));
	memcpy(out.data + 24 + sizeof(block), file->data + 24, file->len - 24);
	return out;
}

static void test_unknown_block_types_skipped(void **state)
{
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	struct bytes with = with_unknown_block(&file, 0x7f000001);
	struct read_summary s = util_read_all(with.data, with.len);

	(void)state;
	assert_int_equal(s.open_status, CRF_OK);
	assert_int_equal(s.events, total_events);
	assert_int_equal(s.rec.blocks_unknown, 1);
	assert_int_equal(s.rec.blocks_skipped, 0);
	assert_true(s.rec.clean_end);
	util_bytes_free(&with);
	util_bytes_free(&file);
}

static void test_versions(void **state)
{
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	struct read_summary s;
	struct crf_reader *r = NULL;
	struct crf_error err;
	uint16_t major, minor;
	int fd;

	(void)state;
	/* A newer minor, with a longer header (an extension this reader ignores). */
	{
		struct bytes newer = { malloc(file.len + 8), file.len + 8 };

		memcpy(newer.data, file.data, 24);
		memset(newer.data + 24, 0xab, 8);
		memcpy(newer.data + 32, file.data + 24, file.len - 24);
		newer.data[14] = 7;                  /* minor 7 */
		put32(newer.data + 16, 32);          /* header_length */
		{
			uLong crc = crc32(crc32(0L, Z_NULL, 0), newer.data, 20);

			crc = crc32(crc, newer.data + 24, 8);
			put32(newer.data + 20, (uint32_t)crc);
		}
		fd = util_fd_with(newer.data, newer.len);
		assert_int_equal(crf_reader_open(&r, fd, &err), CRF_OK);
		crf_reader_version(r, &major, &minor);
		assert_int_equal(major, 1);
		assert_int_equal(minor, 7);
		crf_reader_free(r);
		close(fd);
		s = util_read_all(newer.data, newer.len);
		assert_int_equal(s.events, total_events);
		assert_true(s.rec.clean_end);
		util_bytes_free(&newer);
	}
	/* A newer major: refused, with the offset of the version field. */
	file.data[12] = 2;
	reseal_header(file.data);
	s = util_read_all(file.data, file.len);
	assert_int_equal(s.open_status, CRF_ERR_VERSION);
	assert_int_equal(s.open_error.code, CRF_ERR_VERSION);
	assert_int_equal(s.open_error.offset, 12);
	assert_string_equal(crf_strerror(CRF_ERR_VERSION), "unsupported format version");
	/* A damaged header is corrupt, not silently accepted. */
	file.data[12] = 1;
	s = util_read_all(file.data, file.len);
	assert_int_equal(s.open_status, CRF_ERR_CORRUPT);
	util_bytes_free(&file);
}

static void test_not_a_recording(void **state)
{
	static const char text[] = "hello, this is a text file and not a recording\n";
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	struct read_summary s = util_read_all((const uint8_t *)text, sizeof(text) - 1);
	uint8_t damaged[64];

	(void)state;
	assert_int_equal(s.open_status, CRF_ERR_NOT_RECORDING);
	assert_int_equal(s.open_error.offset, 0);
	/* CRLF -> LF conversion: named as such. */
	memcpy(damaged, file.data, 4);
	memcpy(damaged + 4, file.data + 5, sizeof(damaged) - 4);
	s = util_read_all(damaged, sizeof(damaged));
	assert_int_equal(s.open_status, CRF_ERR_NOT_RECORDING);
	assert_non_null(strstr(s.open_error.detail, "line-ending"));
	/* A big-endian byte-order mark. */
	memcpy(damaged, file.data, 24);
	damaged[8] = 0x1a, damaged[9] = 0x2b, damaged[10] = 0x3c, damaged[11] = 0x4d;
	s = util_read_all(damaged, 24);
	assert_int_equal(s.open_status, CRF_ERR_NOT_RECORDING);
	assert_non_null(strstr(s.open_error.detail, "byte-order"));
	util_bytes_free(&file);
}

/*
 * Lengths a hostile file might claim: 4 GiB, just above the limit,
 * unaligned, below the minimum. Each is refused from the 16 header bytes
 * alone (the file is tiny, so an allocation of the claimed size would show
 * under ASan as a huge allocation, and a read of it as an overflow).
 */
static void test_absurd_lengths_refused(void **state)
{
	static const uint32_t lengths[] = { 0xfffffffcu, 0xffffffffu, CRF_MAX_BLOCK_SIZE + 4,
					    18, 0, 21 };
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), i;
	uint8_t *copy = malloc(file.len);

	(void)state;
	assert_true(n > 2);
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		struct read_summary s;

		memcpy(copy, file.data, file.len);
		/* The second block: its length field and body length both lie. */
		put32(copy + spans[1].offset + 4, lengths[i]);
		put32(copy + spans[1].offset + 8, lengths[i]);
		reseal_header(copy);
		s = util_read_all(copy, file.len);
		assert_int_equal(s.open_status, CRF_OK);
		assert_int_equal(s.events, total_events - spans[1].events);
		assert_int_equal(s.rec.blocks_skipped, 1);
		assert_int_equal(s.rec.damage[0].offset, spans[1].offset);
		assert_false(s.rec.truncated);
		assert_true(s.rec.clean_end);
	}
	free(copy);
	util_bytes_free(&file);
}

/*
 * A chunk whose checksum is right but whose zstd frame claims a size past
 * CRF_MAX_CHUNK_UNCOMPRESSED, or disagrees with its header: refused before
 * decompression, reported as damage.
 */
static void test_chunk_sizes_checked_before_allocation(void **state)
{
	uint64_t total_events;
	/* Independent chunks: the damage is this one chunk alone. */
	struct bytes file = util_small_recording_keyed(&total_events, 1);
	struct block_span spans[MAX_SPANS];
	size_t n = util_blocks(file.data, file.len, spans, MAX_SPANS), i, chunk = 0;
	uint8_t *copy = malloc(file.len);
	static const uint32_t sizes[] = { CRF_MAX_CHUNK_UNCOMPRESSED + 1, 0xffffffffu, 1 };

	(void)state;
	for (i = 0; i < n && !chunk; i++)
		if (spans[i].type == CRF_BLOCK_CHUNK)
			chunk = i;
	assert_true(chunk > 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct read_summary s;
		uint8_t *b;

		memcpy(copy, file.data, file.len);
		b = copy + spans[chunk].offset;
		put32(b + 16 + 8, sizes[i]);
		reseal_block(b);
		s = util_read_all(copy, file.len);
		assert_int_equal(s.events, total_events - spans[chunk].events);
		assert_int_equal(s.rec.damage_count, 1);
		assert_int_equal(s.rec.damage[0].offset, spans[chunk].offset);
		/* The lost chunk held definitions: later references cannot resolve. */
		assert_true(s.rec.unresolved_refs > 0);
	}
	free(copy);
	util_bytes_free(&file);
}

/*
 * Definitions lost with a damaged chunk: later events still arrive, with
 * their references NULL, the ids as recorded, and the count of unresolved
 * references in the recovery report.
 */
static void test_lost_definitions_resolve_to_null(void **state)
{
	/* Independent chunks, so the event's chunk is read without the lost one. */
	struct crf_writer_options opts = { .key_interval = 1 };
	struct crf_writer *w = NULL;
	struct crf_process_def p = { .pid = 31, .comm = "lost" };
	struct crf_frame_def f = { .kind = CRF_FRAME_KERNEL, .symbol = "capable" };
	struct crf_event_rec ev = { .time_ns = 100, .cap = 21 };
	struct block_span spans[MAX_SPANS];
	struct crf_reader *r = NULL;
	struct crf_item item;
	struct bytes file;
	uint32_t frame, stack, comm, kept;
	uint64_t events = 0;
	size_t n;
	int fd = util_memfd(), rfd;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, &opts), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &ev.process_id), CRF_OK);
	assert_int_equal(crf_intern_frame(w, &f, &frame), CRF_OK);
	assert_int_equal(crf_intern_stack(w, &frame, 1, &stack), CRF_OK);
	assert_int_equal(crf_intern_string(w, "lost-thread", &comm), CRF_OK);
	assert_int_equal(crf_writer_flush(w), CRF_OK); /* chunk 1: definitions only */
	ev.kernel_stack_id = stack;
	ev.comm_id = comm;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	/* Defined after the loss: numbered from chunk 2's next ids, not from what was read. */
	assert_int_equal(crf_intern_string(w, "kept-thread", &kept), CRF_OK);
	ev.comm_id = kept;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK); /* chunk 2: the events */
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	n = util_blocks(file.data, file.len, spans, MAX_SPANS);
	assert_int_equal(n, 3);
	assert_int_equal(spans[0].type, CRF_BLOCK_CHUNK);
	file.data[spans[0].offset + 20] ^= 1;

	rfd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rfd, NULL), CRF_OK);
	while (crf_reader_next(r, &item, NULL) == 1) {
		assert_int_equal(item.kind, CRF_ITEM_EVENT);
		assert_null(item.event->process);
		assert_int_equal(item.event->pid, 0);
		assert_null(item.event->kernel_stack);
		assert_int_equal(item.event->kernel_stack_id, stack);
		assert_int_equal(item.event->cap, 21);
		assert_int_equal(item.event->index, events);
		if (events++ == 0)
			assert_null(item.event->comm);
		else
			assert_string_equal(item.event->comm, "kept-thread");
	}
	assert_int_equal(events, 2);
	/* process, comm and kernel stack; then process and kernel stack */
	assert_int_equal(crf_reader_recovery(r)->unresolved_refs, 5);
	assert_int_equal(crf_reader_recovery(r)->blocks_skipped, 1);
	assert_null(crf_reader_process(r, ev.process_id));
	crf_reader_free(r);
	close(rfd);
	util_bytes_free(&file);
}

/* cat a.crf b.crf: the first recording is read, the second refused by name. */
static void test_concatenated_recordings(void **state)
{
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	uint8_t *twice = malloc(2 * file.len);
	struct read_summary s;

	(void)state;
	memcpy(twice, file.data, file.len);
	memcpy(twice + file.len, file.data, file.len);
	s = util_read_all(twice, 2 * file.len);
	assert_int_equal(s.events, total_events);
	assert_int_equal(s.rec.blocks_skipped, 1);
	assert_int_equal(s.rec.damage[0].offset, file.len);
	assert_int_equal(s.rec.damage[0].length, file.len);
	assert_non_null(strstr(s.rec.damage[0].detail, "another recording"));
	assert_true(s.rec.clean_end);
	assert_int_equal(s.rec.file_bytes, 2 * file.len);
	free(twice);
	util_bytes_free(&file);
}

/*
 * Power loss can leave a file longer than its data, the tail filled with
 * zeros: every block is read and the zeros are one damaged region.
 */
static void test_zero_filled_tail(void **state)
{
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	size_t tail = 256 << 10;
	uint8_t *padded = calloc(1, file.len + tail);
	struct read_summary s;

	(void)state;
	memcpy(padded, file.data, file.len);
	s = util_read_all(padded, file.len + tail);
	assert_int_equal(s.events, total_events);
	assert_int_equal(s.rec.blocks_skipped, 1);
	assert_int_equal(s.rec.damage[0].offset, file.len);
	assert_int_equal(s.rec.damage[0].length, tail);
	assert_string_equal(s.rec.damage[0].detail, "block length below minimum");
	assert_false(s.rec.truncated);
	free(padded);
	util_bytes_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_interval_shapes_chains),
		cmocka_unit_test(test_truncation_at_every_offset),
		cmocka_unit_test(test_bit_flip_at_every_byte),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_unknown_block_types_skipped),
		cmocka_unit_test(test_versions),
		cmocka_unit_test(test_not_a_recording),
		cmocka_unit_test(test_absurd_lengths_refused),
		cmocka_unit_test(test_chunk_sizes_checked_before_allocation),
		cmocka_unit_test(test_lost_definitions_resolve_to_null),
		cmocka_unit_test(test_concatenated_recordings),
		cmocka_unit_test(test_zero_filled_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
