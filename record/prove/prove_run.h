/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prove_run.h - one recorded run of the command: caprec runs itself as the
 * recorder (`caprec -K -U -o RUN.caprec -- ...`), and for a constrained run
 * the recorded command is caprec again in its internal apply mode, which
 * puts itself into the form and execs the command. The recorder thus sees
 * the command from its first instruction, exactly as `caprec -- CMD` would.
 * The run gets its own process group, stdin from /dev/null, and is stopped
 * (SIGTERM, then SIGKILL) at its time limit.
 */
#ifndef CAPREC_PROVE_RUN_H
#define CAPREC_PROVE_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "form_apply.h"

struct prove_run_spec {
	const char *self;              /* caprec's own executable */
	const char *recording;         /* where the run is recorded */
	const char *stdout_path;       /* the command's standard output */
	const char *stderr_path;       /* its standard error and the recorder's */
	const struct form_target *target; /* NULL: the reference run (root, every capability) */
	char *const *command;
	double timeout_s;
};

struct prove_run_result {
	int exit_code;      /* the command's, as caprec passes it through */
	bool timed_out;
	bool recorder_failed; /* caprec did not finish its recording: exit_code is not the command's */
	char *out;          /* the command's standard output */
	size_t out_len;
	char *recorder_error; /* the recorder's first error line, when recorder_failed */
};

/* Runs it. Returns 0 (whatever the command did) or a negative errno when nothing ran. */
int prove_run(const struct prove_run_spec *spec, struct prove_run_result *res);

void prove_run_result_free(struct prove_run_result *res);

/* Set by the caller's signal handler: the current run is stopped early. */
extern volatile int prove_run_interrupted;

/*
 * The internal apply mode: parses "root|nonroot,UID,GID,0xSET" and puts the
 * process into that form, then execs argv. Never returns on success;
 * returns 126 with a message on stderr when the form cannot be applied.
 */
int prove_apply_and_exec(const char *spec, char *const argv[]);

/* The text prove_apply_and_exec() takes for target. */
void prove_apply_spec(const struct form_target *target, char *buf, size_t size);

#endif /* CAPREC_PROVE_RUN_H */
