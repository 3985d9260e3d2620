// SPDX-License-Identifier: GPL-2.0-only
/*
 * harden_recording.c - writes the recordings capanalyze's hardening tests
 * (run_hardening.py) run on, with the format library's writer:
 *
 *   terminal  every string a report prints carries what a terminal obeys or
 *             a reader is fooled by: a hostname with a newline and a forged
 *             "integrity clean end" line, ESC[2J, an OSC 8 link, the C1 byte
 *             0x9b (CSI) in UTF-8 and raw, DEL, invalid UTF-8, and
 *             spreadsheet formulas (=HYPERLINK, +, -, @) in executable paths
 *   lsm       one check the capability module granted (ret 0) and another LSM
 *             denied (final_ret -EPERM), and one granted by both
 *   caps-a    CAPNAMES naming capability 0 CAP_CHOWN, one CAP_CHOWN check
 *   caps-b    CAPNAMES naming capability 0 CAP_RENAMED, one check of it
 *   bigcap    checks of capability numbers a kernel does not have: 64, 1000
 *             and -5, and one of CAP_CHOWN
 *
 * usage: harden_recording MODE OUT.caprec
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crf_writer.h"

#define CHECK(expr)                                                                      \
	do {                                                                             \
		int rc_ = (expr);                                                        \
		if (rc_) {                                                               \
			fprintf(stderr, "harden_recording: %s: %s\n", #expr,               \
				crf_strerror(rc_));                                      \
			return -1;                                                       \
		}                                                                        \
	} while (0)

static uint64_t clock_ns = 5000000000ull;

static uint32_t thread_comm; /* string id of the checks' thread comm, 0: none */

static int check(struct crf_writer *w, uint32_t process, int cap, int ret, int final_ret,
		 int final_known)
{
	struct crf_event_rec ev = {
		.comm_id = thread_comm,
		.time_ns = clock_ns += 1000,
		.process_id = process,
		.cap = cap,
		.flags = CRF_EV_AUDIT | (final_known ? CRF_EV_FINAL_KNOWN : 0),
		.ret = ret,
		.final_ret = final_ret,
		.syscall_nr = 105,
		.cgroup_id = 1,
		.userns_inum = 4026531837u,
	};

	CHECK(crf_write_event(w, &ev));
	return 0;
}

static int process(struct crf_writer *w, const char *exe, const char *comm, uint32_t pid,
		   uint32_t *id)
{
	uint32_t bin;

	CHECK(crf_intern_binary(w, exe, NULL, 0, &bin));
	CHECK(crf_define_process(w, &(struct crf_process_def){
		.pid = pid, .ppid = 1, .start_time_ns = 1000 + pid, .exe_binary_id = bin,
		.cgroup_id = 1, .exe_path = exe, .cmdline = exe, .comm = comm }, id));
	return 0;
}

/* The hostile strings, each in the place a report prints it. */
static int write_terminal(struct crf_writer *w)
{
	static const char *const exes[] = {
		"=HYPERLINK(\"http://evil.example/\",\"click\")",
		"+1+cmd|' /C calc'!A0",
		"-2+3",
		"@SUM(1+1)",
		"\tTAB",
		"/usr/bin/\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\",
		"/usr/bin/c1\xc2\x9b" "31mraw\x9b" "31m\x7f" "bad\xff\xfe",
	};
	uint32_t ids[7];

	for (uint32_t i = 0; i < 7; i++) {
		const char *comm = i == 0 ? "clear\x1b[2J" : i == 1 ? "nl\nforged" : "c1\xc2\x9bx";

		if (process(w, exes[i], comm, 100 + i, &ids[i]))
			return -1;
		CHECK(crf_intern_string(w, comm, &thread_comm));
		if (check(w, ids[i], 7, 0, 0, 0))
			return -1;
	}
	return 0;
}

static int write_lsm(struct crf_writer *w)
{
	uint32_t p;

	if (process(w, "/usr/bin/lsm-denied", "lsm-denied", 100, &p))
		return -1;
	/* CAP_SETUID: granted by the capability module, denied by another LSM. */
	if (check(w, p, 7, 0, -1, 1))
		return -1;
	/* CAP_CHOWN: granted by both. */
	return check(w, p, 0, 0, 0, 1);
}

static int write_caps(struct crf_writer *w, const char *name0)
{
	const char *names[2] = { name0, "CAP_DAC_OVERRIDE" };
	uint32_t p;

	CHECK(crf_write_cap_names(w, names, 2));
	if (process(w, "/usr/bin/owner", "owner", 100, &p))
		return -1;
	return check(w, p, 0, 0, 0, 0);
}

static int write_bigcap(struct crf_writer *w)
{
	static const int caps[] = { 64, 1000, -5, 0 };
	uint32_t p;

	if (process(w, "/usr/bin/odd", "odd", 100, &p))
		return -1;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		if (check(w, p, caps[i], 0, 0, 0))
			return -1;
	return 0;
}

/* One check, then a LOSS block of process records and stacks only (no event lost). */
static int write_losses(struct crf_writer *w)
{
	struct crf_loss_counts lost = { .events = 0, .process_records = 3, .stacks = 2 };
	uint32_t p;

	if (process(w, "/usr/bin/owner", "owner", 100, &p) || check(w, p, 0, 0, 0, 1))
		return -1;
	CHECK(crf_write_losses(w, 2000, &lost));
	return 0;
}

int main(int argc, char **argv)
{
	struct crf_kv meta[] = {
		{ "host.hostname", "testhost" },
		{ "host.kernel_release", "6.18.0-test" },
		{ "recorder.version", "test" },
		{ "recorder.attach_mode", "tracepoint" },
		{ "recorder.audit_source", "exact" },
		{ "recorder.options", "-v" },
	};
	struct crf_writer *w = NULL;
	const char *mode;
	int fd, rc = 1, failed;

	if (argc != 3) {
		fprintf(stderr, "usage: harden_recording terminal|lsm|caps-a|caps-b|bigcap|losses OUT\n");
		return 2;
	}
	mode = argv[1];
	if (!strcmp(mode, "terminal")) {
		/* A newline, then a line that looks like info's own integrity verdict. */
		meta[0].value = "evil\nintegrity      clean end";
		meta[1].value = "6.18\x1b[2J\x1b]8;;http://evil.example/\x07x\x1b]8;;\x07";
		meta[5].value = "-v \x9b" "31m \xc2\x9b" "31m";
	}
	fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	if (crf_writer_open(&w, fd, NULL) || crf_write_metadata(w, meta, 6) ||
	    crf_write_clock(w, 1000, 1700000000000000000ull))
		goto cleanup;
	if (!strcmp(mode, "terminal"))
		failed = write_terminal(w);
	else if (!strcmp(mode, "lsm"))
		failed = write_lsm(w);
	else if (!strcmp(mode, "caps-a"))
		failed = write_caps(w, "CAP_CHOWN");
	else if (!strcmp(mode, "caps-b"))
		failed = write_caps(w, "CAP_RENAMED");
	else if (!strcmp(mode, "bigcap"))
		failed = write_bigcap(w);
	else if (!strcmp(mode, "losses"))
		failed = write_losses(w);
	else {
		fprintf(stderr, "harden_recording: unknown mode '%s'\n", mode);
		goto cleanup;
	}
	if (failed || crf_writer_close(w))
		goto cleanup;
	rc = 0;
cleanup:
	if (rc)
		fprintf(stderr, "harden_recording: writing %s failed\n", argv[2]);
	crf_writer_free(w);
	close(fd);
	return rc;
}
