/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * format_test_util.h - helpers shared by the format tests: recordings in
 * memory files, a reader over arbitrary bytes, and a walk over the blocks
 * of a file that relies only on FORMAT.md's framing (not on the reader).
 */
#ifndef FORMAT_TEST_UTIL_H
#define FORMAT_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crf_reader.h"
#include "crf_writer.h"

struct bytes {
	uint8_t *data;
	size_t len;
};

/* A fresh anonymous memory file (memfd), aborting the test on failure. */
int util_memfd(void);

/* Reads the whole content of fd from offset 0. */
struct bytes util_read_fd(int fd);

/* A memfd holding len bytes of data, positioned at 0. */
int util_fd_with(const uint8_t *data, size_t len);

void util_bytes_free(struct bytes *b);

/* Totals of a full read of a recording. */
struct read_summary {
	int open_status;
	int last_status;       /* crf_reader_next's final return */
	uint64_t events;
	uint64_t processes;
	uint64_t exits;
	uint64_t losses;
	uint64_t metadata_items;
	struct crf_recovery rec;
	struct crf_error open_error;
};

/* Opens a reader over data and reads every item. */
struct read_summary util_read_all(const uint8_t *data, size_t len);

/* One block of a file, found by walking the framing from the file header. */
struct block_span {
	uint64_t offset;
	uint32_t type;
	uint32_t total;
	uint32_t events;       /* event count from a CHUNK header, else 0 */
	uint32_t prefix_length; /* a codec-2 CHUNK's prefix_length (0: independent), else 0 */
};

/* Walks a well-formed file's blocks into spans (at most max); returns the count. */
size_t util_blocks(const uint8_t *data, size_t len, struct block_span *spans, size_t max);

/*
 * Marks in lost[] (n entries, one per span) the chunks a reader cannot decode
 * because the chunk they link to (FORMAT.md "Linked chunks") is lost:
 * damaged[] holds the blocks hit by damage; returns how many were added.
 */
size_t util_lost_dependents(const struct block_span *spans, size_t n, const bool *damaged,
			    bool *lost);

/*
 * Writes a small recording exercising every block and record type: 3
 * processes, kernel and user frames, several chunks, a loss, a process exit,
 * an END block. Returns its bytes; *events gets the number of events.
 * key_interval is the writer option (0: the default, so chunks link; 1:
 * every chunk independent).
 */
struct bytes util_small_recording_keyed(uint64_t *events, uint32_t key_interval);

/* util_small_recording_keyed() with the writer's default key interval. */
struct bytes util_small_recording(uint64_t *events);

#endif /* FORMAT_TEST_UTIL_H */
