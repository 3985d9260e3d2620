// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_compactness.c - the size target of issue 2: a repetitive storm of
 * capability checks costs at most 3 bytes per event in the file (framing,
 * definitions and compression included), with realistic jittered
 * timestamps (1.2 to 2 us apart, uniformly random, so about 10 bits of
 * every delta are incompressible).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "format_test_util.h"

#define STORM_EVENTS 200000

/* xorshift64: a fixed seed makes the figure reproducible. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/*
 * A storm: one process, call sites cycling in a fixed order (a loop in the
 * program), with threads chosen at random among `threads`. Returns file
 * bytes per event.
 */
static double storm_bytes_per_event(uint32_t threads)
{
	struct crf_writer *w = NULL;
	struct crf_writer_stats stats;
	struct crf_process_def p = { .pid = 4242, .ppid = 1, .comm = "stormer",
				     .cmdline = "stormer --hammer", .exe_path = "/usr/bin/stormer" };
	static const int32_t caps[4] = { 21, 21, 1, 12 };
	uint32_t process, comm, frames[8], stacks[4];
	uint64_t seed = 0x9e3779b97f4a7c15ull, t = 10000000000ull;
	struct crf_event_rec ev = { 0 };
	int fd = util_memfd();
	uint32_t i;

	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &process), CRF_OK);
	assert_int_equal(crf_intern_string(w, "stormer", &comm), CRF_OK);
	for (i = 0; i < 8; i++) {
		char name[32];
		struct crf_frame_def f = { .kind = CRF_FRAME_KERNEL, .symbol = name,
					   .symbol_offset = i * 4 };

		snprintf(name, sizeof(name), "kernel_fn_%u", i);
		assert_int_equal(crf_intern_frame(w, &f, &frames[i]), CRF_OK);
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(crf_intern_stack(w, frames + i, 4, &stacks[i]), CRF_OK);
	ev.process_id = process;
	ev.comm_id = comm;
	ev.uid = 1000;
	ev.flags = CRF_EV_AUDIT;
	ev.syscall_nr = 105;
	ev.cgroup_id = 1234;
	ev.userns_inum = 4026531837u;
	ev.ret = -1;
	for (i = 0; i < STORM_EVENTS; i++) {
		t += 1200 + next_random(&seed) % 801;
		ev.time_ns = t;
		ev.tid = 4242 + (threads > 1 ? (uint32_t)(next_random(&seed) % threads) : 0);
		ev.cap = caps[i % 4];
		ev.kernel_stack_id = stacks[i % 4];
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_stats(w, &stats);
	crf_writer_free(w);
	close(fd);
	assert_int_equal(stats.events, STORM_EVENTS);
	return (double)stats.bytes_written / STORM_EVENTS;
}

static void test_repetitive_storm_within_three_bytes(void **state)
{
	double per_event = storm_bytes_per_event(1);

	(void)state;
	print_message("repetitive storm, one thread: %.3f bytes/event\n", per_event);
	assert_true(per_event <= 3.0);
}

/* Informative: random interleaving of 4 threads adds 2 bits of entropy a check. */
static void test_four_thread_storm_figure(void **state)
{
	double per_event = storm_bytes_per_event(4);

	(void)state;
	print_message("repetitive storm, four random threads: %.3f bytes/event\n", per_event);
	assert_true(per_event <= 4.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repetitive_storm_within_three_bytes),
		cmocka_unit_test(test_four_thread_storm_figure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
