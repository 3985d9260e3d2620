// SPDX-License-Identifier: GPL-2.0-only
/*
 * caprec - records the capability checks of the kernel (cap_capable()).
 *
 * main() reads top to bottom: parse -> open -> attach -> run -> close ->
 * finish. The pieces live in their own files: options.c (command line),
 * session.c (one run over one struct), attach.c (which mode; --probe),
 * bpf_setup.c (skeleton), recorder.c (each record), output.c (the recording
 * and its rotation), runner.c (-- CMD).
 */
#include <bpf/libbpf.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "options.h"
#include "prove/prove.h"
#include "session.h"

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t snapshot_request;
static bool snapshot_on_hup;    /* recording to a file: SIGHUP takes a snapshot */

static void on_signal(int sig)
{
	if (sig == SIGHUP && snapshot_on_hup)
		snapshot_request = 1;
	else
		stop_signal = sig;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* libbpf explains verifier and attach failures; shown only on request. */
	if (level == LIBBPF_DEBUG || !getenv("CAPREC_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, args);
}

/*
 * No SA_RESTART: a signal interrupts the poll and the wait for the command.
 * SIGHUP stops a live trace (its terminal went away) but, when recording to a
 * file, asks for a snapshot instead: the current part is closed and the next
 * begun, as a daemon reopens its logs (see caprec(8), SIGNALS).
 * SIGPIPE is ignored so that a reader going away is a write error caprec acts
 * on (ending the live output, closing the recording properly), not a death
 * that leaves the recording without its END block.
 */
static void install_signal_handlers(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void print_summary(const struct session_summary *sum)
{
	fprintf(stderr, "caprec: %" PRIu64 " events, %" PRIu64 " lost, %" PRIu64
			" bytes, %.3f s\n", sum->events, sum->lost, sum->bytes, sum->seconds);
	if (sum->proc_lost)
		fprintf(stderr, "caprec: %" PRIu64 " process records lost (ring buffer full)\n",
			sum->proc_lost);
	/* Paths cut short are said, not hidden. */
	if (sum->user_stacks)
		fprintf(stderr, "caprec: %.1f%% of %" PRIu64 " user stacks reached the program's or "
				"thread's entry\n",
			100.0 * (double)sum->user_stacks_complete / (double)sum->user_stacks,
			sum->user_stacks);
}

int main(int argc, char **argv)
{
	struct caprec_options opts;
	struct record_session *session = NULL;
	struct session_summary summary;
	char errbuf[1024] = "";
	int err, exit_code;

	/* `caprec prove ...` is its own command (record/prove/). */
	if (argc > 1 && strcmp(argv[1], "prove") == 0)
		return prove_main(argc - 1, argv + 1);

	err = parse_options(argc, argv, &opts, errbuf, sizeof(errbuf));
	if (err) {
		fprintf(stderr, "caprec: %s\n%s", errbuf, caprec_usage);
		return 2;
	}
	if (opts.help) {
		fputs(caprec_usage, stdout);
		return 0;
	}
	if (opts.version) {
		printf("caprec %s\n", CAPREC_VERSION);
		return 0;
	}
	libbpf_set_print(libbpf_print);
	if (opts.probe)
		return attach_probe_report(stdout);
	snapshot_on_hup = opts.output_path && strcmp(opts.output_path, "-");
	install_signal_handlers();

	err = session_open(&session, &opts, argc, argv, errbuf, sizeof(errbuf));
	if (err)
		goto cleanup;
	err = session_attach(session, errbuf, sizeof(errbuf));
	if (err)
		goto cleanup;
	if (snapshot_on_hup)
		session_snapshot_on(session, &snapshot_request);
	err = session_run(session, &stop_signal, errbuf, sizeof(errbuf));
	if (err)
		goto cleanup;
	err = session_close(session, errbuf, sizeof(errbuf));
	if (err)
		goto cleanup;
	session_summary(session, &summary);
	print_summary(&summary);

cleanup:
	if (err)
		fprintf(stderr, "caprec: %s\n", errbuf);
	exit_code = session_finish(session, err, &stop_signal);
	session_free(session);
	return exit_code;
}
