/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fixture.h - a small, fully known recording written with the format writer,
 * for the analyser's tests and its load benchmark.
 *
 * Three processes on host "testhost": ping (pid 100) uses CAP_NET_RAW from
 * socket(), granted and audited; chown-sample (pid 200, child of ping)
 * is denied CAP_CHOWN in chown() and makes a non-audit CAP_SYS_ADMIN check in
 * mmap(); a process whose executable is unknown (pid 300, comm "mystery")
 * uses CAP_NET_BIND_SERVICE from bind(). One LOSS block of 3 events.
 * Wall clock: boot time 1 s = 2025-11-29 00:00:00 UTC.
 */
#ifndef TESTS_ANALYZE_FIXTURE_H
#define TESTS_ANALYZE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Writes the fixture to fd. rounds repeats the event pattern (4 events per
 * round: ping x2, chown, mmap, plus one bind every 16 rounds... see fixture.c
 * for exact counts: fixture_events(rounds)). With clean_end the END block is
 * written. Returns 0 or a negative crf status.
 */
int fixture_write(int fd, uint64_t rounds, bool clean_end);

/* Number of events fixture_write(rounds) writes. */
uint64_t fixture_events(uint64_t rounds);

/* Writes the fixture to a new file at path. Returns 0 or a negative value. */
int fixture_write_file(const char *path, uint64_t rounds, bool clean_end);

#endif /* TESTS_ANALYZE_FIXTURE_H */
