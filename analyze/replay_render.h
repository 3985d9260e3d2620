/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay_render.h - the lines capanalyze replay prints: the same as caprec's
 * live output, so a recording replays exactly as it was watched.
 */
#ifndef CAPANALYZE_REPLAY_RENDER_H
#define CAPANALYZE_REPLAY_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "crf_reader.h"

struct replay_options {
	bool extra;         /* -x: TID, syscall, INSETID, user namespace */
	bool kernel_stacks; /* -K */
	bool user_stacks;   /* -U */
};

/* Each returns 0, or -EIO when writing failed. */
int replay_print_header(FILE *out, const struct replay_options *opts);
int replay_print_event(FILE *out, const struct crf_reader *r, const struct crf_event *e,
		       const struct replay_options *opts);
int replay_print_loss(FILE *out, const struct crf_reader *r, const struct crf_loss *loss);

#endif /* CAPANALYZE_REPLAY_RENDER_H */
