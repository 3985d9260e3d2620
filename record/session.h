/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * session.h - one caprec run over one struct, in the order it happens:
 *
 *   session_open()    what the kernel offers, symbol tables, -p checks, -- CMD forked and held
 *   session_attach()  BPF loaded and attached (auto falls back), ring buffer, the recording
 *                     and the live header
 *   session_run()     the command released; records consumed until a signal, --duration,
 *                     the command's exit or a failure
 *   session_close()   the recording ended (END block) and closed
 *   session_finish()  BPF detached, the command waited for; the exit status
 *
 * The options are read here and handed on as the values each layer uses. Every
 * call returns 0 or a negative errno / crf_status with a one-line reason in
 * errbuf; the caller prints it. Warnings (kernel frames unnamed, losses) go to
 * stderr as they happen.
 */
#ifndef CAPREC_SESSION_H
#define CAPREC_SESSION_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct record_session;

struct session_summary {
	uint64_t events;
	uint64_t lost;
	uint64_t proc_lost;
	uint64_t bytes;         /* recording bytes, all parts */
	double seconds;
	uint64_t user_stacks;          /* -U: user stacks recorded */
	uint64_t user_stacks_complete; /* of them, those that reached the thread's entry */
};

/* opts and argv must outlive the session (the command points into argv). */
int session_open(struct record_session **out, const struct caprec_options *opts, int argc,
		 char **argv, char *errbuf, size_t errsize);

int session_attach(struct record_session *s, char *errbuf, size_t errsize);

/*
 * Consumes until *stop is set (a signal handler sets it), the duration ends,
 * the command exits, or the live output's reader goes away (a closed pipe:
 * the normal end of `caprec | head`). A failure to write the recording stops
 * it: the error says at which byte offset.
 */
int session_run(struct record_session *s, volatile sig_atomic_t *stop, char *errbuf,
		size_t errsize);

/*
 * From now on session_run() answers *request (set by a signal handler: SIGHUP)
 * by ending the recording's current part and starting the next, then clears
 * it: a snapshot of a long recording, complete and analysable, while
 * recording goes on. Only for a recording to a file (not "-").
 */
void session_snapshot_on(struct record_session *s, volatile sig_atomic_t *request);

/* Ends and closes the recording; also reports a live output that failed. */
int session_close(struct record_session *s, char *errbuf, size_t errsize);

void session_summary(const struct record_session *s, struct session_summary *sum);

/*
 * Detaches, then waits for a released command: to its end when err (the first
 * failure of the calls above) is set, as a failed recording must not leave it
 * behind; for a moment only after a normal end (it exited already, or
 * --duration, a stop signal or a closed live output ended the run while it
 * runs on). Returns the exit status: the command's when it ran and ended, 1
 * when it runs on or caprec failed without one, else 0. Accepts NULL.
 */
int session_finish(struct record_session *s, int err, volatile sig_atomic_t *stop);

/* Frees everything; a command still held is cancelled without running. Accepts NULL. */
void session_free(struct record_session *s);

#endif /* CAPREC_SESSION_H */
