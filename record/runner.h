/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * runner.h - `caprec -- CMD ARGS...`: forks CMD early, holds it on a pipe
 * until its pid is in the BPF filter (so not one of its checks is missed),
 * then lets it exec, and reports its exit status.
 */
#ifndef CAPREC_RUNNER_H
#define CAPREC_RUNNER_H

#include <stdbool.h>
#include <sys/types.h>

struct runner {
	pid_t pid;       /* the command's process id, 0 when none */
	int go_fd;       /* write end of the start pipe, -1 once released */
	bool exited;
	int status;      /* waitpid status, valid when exited */
};

/*
 * Forks the child, which waits for runner_release() and then execs argv[0]
 * (PATH searched). stdout_to_stderr: the command's standard output goes to
 * standard error (with -o -, standard output carries the recording).
 * Returns 0 or a negative errno.
 */
int runner_start(struct runner *r, char *const argv[], bool stdout_to_stderr);

/* Lets the child exec. Returns 0 or a negative errno. */
int runner_release(struct runner *r);

/* Non-blocking: true once the child has exited (r->status then set). */
bool runner_poll(struct runner *r);

/*
 * Blocks until the child exits. False when a signal interrupted the wait (the
 * caller decides whether to wait on); true once it exited or cannot be waited for.
 */
bool runner_wait(struct runner *r);

/*
 * Cancels a child that was never released (closing the pipe makes it exit
 * 127 without running anything) or kills a running one with signal sig
 * (0 = leave it running), then waits for it. Accepts a zeroed runner.
 */
void runner_stop(struct runner *r, int sig);

/* Shell convention: the exit code, or 128 + signal number. */
int runner_exit_code(const struct runner *r);

#endif /* CAPREC_RUNNER_H */
