/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * subprocess.h - runs a helper program (capanalyze) and collects what it
 * wrote, for the proof run's questions to the analyser.
 */
#ifndef CAPREC_PROVE_SUBPROCESS_H
#define CAPREC_PROVE_SUBPROCESS_H

#include <stddef.h>

struct captured {
	char *out;      /* standard output, NUL-terminated */
	size_t out_len;
	char *err;      /* standard error, NUL-terminated */
	int exit_code;  /* 0..255, 128+N for signal N, 127 when it could not be started */
};

/*
 * Runs argv (argv[0] a path) to completion, with extra_env ("NAME=value", or
 * NULL) added to its environment. Returns 0 or a negative errno.
 */
int subprocess_capture(char *const argv[], const char *extra_env, struct captured *c);

void captured_free(struct captured *c);

/* Exit code of a waitpid status: the status, or 128 + the signal. */
int subprocess_exit_code(int status);

#endif /* CAPREC_PROVE_SUBPROCESS_H */
