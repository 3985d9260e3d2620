/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.h - the recording on disk (or stdout): file creation (mode 0600),
 * the writer, the blocks every file starts with (METADATA, CAPNAMES, CLOCK),
 * periodic CLOCK anchors, and rotation to FILE.1, FILE.2, ... past --max-size,
 * each part a complete recording of its own.
 */
#ifndef CAPREC_OUTPUT_H
#define CAPREC_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "crf_writer.h"
#include "metadata.h"

/* A CLOCK anchor is written this often, so long recordings track clock steps. */
#define OUTPUT_CLOCK_INTERVAL_NS (60ull * 1000000000ull)

struct output;

/* output_open() flags. */
#define OUTPUT_FORCE 1u /* replace an existing file of the user's own (--force) */

/*
 * Creates path ("-" = stdout) and writes the opening blocks. Every file
 * (rotation parts too) is created new, mode 0600, and locked against a
 * second recorder: see output_file.h. meta is kept (not copied): it must
 * outlive the output. Returns 0 or a negative errno / crf_status, with a
 * one-line reason naming the file in errbuf.
 */
int output_open(struct output **out, const char *path, uint64_t max_size, unsigned int flags,
		struct recording_metadata *meta, char *errbuf, size_t errsize);

struct crf_writer *output_writer(struct output *o);

/* The current part (0 for FILE, 1 for FILE.1, ...). Process records are per part. */
uint32_t output_part(const struct output *o);

/*
 * Periodic work: closes an old chunk, writes a CLOCK anchor when due, and
 * rotates when the file passed max_size. Call between events, never in the
 * middle of one (an event's definitions and the event must share a file).
 */
int output_tick(struct output *o, char *errbuf, size_t errsize);

/*
 * Ends the current part now (END, fsync, close: a complete recording anyone
 * may analyse) and starts the next: a snapshot of a long recording without
 * stopping it (SIGHUP). Same rules as output_tick(): between events only.
 * -ENOTSUP for standard output.
 */
int output_rotate(struct output *o, char *errbuf, size_t errsize);

/* Flushes, writes END and closes the file. Sums over all parts into *total. */
int output_close(struct output *o, struct crf_writer_stats *total, char *errbuf, size_t errsize);

/* Frees everything; a file not closed stays without END (still readable). Accepts NULL. */
void output_free(struct output *o);

#endif /* CAPREC_OUTPUT_H */
