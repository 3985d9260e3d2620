/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * recode.h - reads a recording and writes the same content again with the
 * writer of this library: upgrades a recording to the current format
 * version, and measures a format change on the very same events.
 */
#ifndef CRF_RECODE_H
#define CRF_RECODE_H

#include <stdint.h>

#include "crf_reader.h"
#include "crf_writer.h"

struct recode_totals {
	uint64_t events;          /* events written */
	uint64_t dropped;         /* events whose process definition was lost to damage */
	uint64_t bytes_in;        /* bytes read from the input */
	uint64_t bytes_out;       /* bytes written, file header included */
};

/*
 * Reads the recording on in_fd and writes it to out_fd (neither owned):
 * metadata, capability names, clock anchors, processes and their exits,
 * losses and events in their order, every definition interned again. A
 * chunk of the input ends a chunk of the output (so chunk boundaries, and
 * what a recorder's timing made of them, carry over), unless opts makes
 * chunks close earlier. Damage in the input is skipped as the reader skips
 * it; events that lost their process cannot be written and are counted in
 * dropped. Returns CRF_OK, or the failing status with *err filled (its
 * offset is in the input for reader errors, in the output for writer ones).
 */
int recode(int in_fd, int out_fd, const struct crf_writer_options *opts,
	   struct recode_totals *totals, struct crf_error *err);

#endif /* CRF_RECODE_H */
