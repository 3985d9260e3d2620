/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prove_options.h - the command line of `caprec prove`:
 *
 *   caprec prove [--user USER] [--from REC [--exe GLOB] | --caps SET] [--form root|nonroot]
 *                [--compare-output] [--minimize] [--max-runs N] [--timeout SECONDS]
 *                [--keep DIR] -- CMD ARGS...
 *
 * Parsing only: no side effects, one-line errors in errbuf.
 */
#ifndef CAPREC_PROVE_OPTIONS_H
#define CAPREC_PROVE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form_apply.h"

#define PROVE_DEFAULT_MAX_RUNS 24
#define PROVE_DEFAULT_TIMEOUT_S 60.0
#define PROVE_MAX_COMMAND_ARGS 1024 /* the run's argv is built in a fixed array */

struct prove_options {
	const char *user;        /* --user: name or uid (nonroot form) */
	const char *from;        /* --from: a recording whose policy gives the set */
	const char *exe_glob;    /* --exe: with --from, only these executables' sets */
	const char *caps;        /* --caps: the set as text */
	enum prove_form form;    /* --form, default nonroot */
	bool compare_output;     /* --compare-output */
	bool minimize;           /* --minimize */
	bool help;
	unsigned max_runs;       /* --max-runs: recorded runs in all, the reference included */
	double timeout_s;        /* --timeout: per run, 0 = none */
	const char *keep_dir;    /* --keep: keep recordings and outputs here */
	const char *apply_spec;  /* --internal-apply: caprec running as the form's launcher */
	char *const *command;
};

int prove_parse_options(int argc, char **argv, struct prove_options *opts, char *errbuf,
			size_t errsize);

extern const char prove_usage[];

#endif /* CAPREC_PROVE_OPTIONS_H */
