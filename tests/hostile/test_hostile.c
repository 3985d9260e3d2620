// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_hostile.c - the reader against recordings built to cost it time or
 * memory (hostile_cases.c). Each test states the bound one attack may cost;
 * the bounds are generous (a busy machine, a sanitizer build) but far below
 * what the attacks cost an unbounded reader (seconds to minutes, gigabytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "crf_reader.h"
#include "hostile_cases.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fd_with(const struct hbuf *b)
{
	int fd = memfd_create("hostile", 0);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

struct outcome {
	int status;              /* crf_reader_next's last return */
	struct crf_error err;
	struct crf_recovery rec;
	uint64_t events;
	uint64_t losses;
	double seconds;
	double convert_seconds;  /* time spent in crf_reader_boot_to_realtime() */
	uint64_t last_wall;
};

/* Reads every item of b with limits (NULL: the defaults), converting event times to wall time. */
static struct outcome read_all(const struct hbuf *b, const struct crf_limits *limits)
{
	struct outcome o = { 0 };
	struct crf_reader *r = NULL;
	struct crf_item item;
	int fd = fd_with(b);
	double start = now_s();

	assert_int_equal(crf_reader_open(&r, fd, &o.err), CRF_OK);
	if (limits)
		assert_int_equal(crf_reader_set_limits(r, limits), CRF_OK);
	while ((o.status = crf_reader_next(r, &item, &o.err)) == 1) {
		if (item.kind == CRF_ITEM_EVENT) {
			double t = now_s();

			o.events++;
			if (!crf_reader_boot_to_realtime(r, item.event->time_ns, &o.last_wall))
				o.last_wall = 0;
			o.convert_seconds += now_s() - t;
		} else if (item.kind == CRF_ITEM_LOSS) {
			o.losses++;
		}
	}
	o.rec = *crf_reader_recovery(r);
	o.seconds = now_s() - start;
	crf_reader_free(r);
	close(fd);
	return o;
}

/* Resynchronisation is linear: 2 MiB of plausible candidates in under 5 s (quadratic: minutes). */
static void test_resync_linear(void **state)
{
	struct hbuf b = { 0 };
	struct outcome o;

	(void)state;
	hostile_resync(&b, 2u << 20, 1u << 20);
	o = read_all(&b, NULL);
	printf("# resync over 2 MiB: %.3f s\n", o.seconds);
	assert_int_equal(o.status, 0);
	assert_true(o.seconds < 5.0);
	/* Every byte after the header is skipped, as one damaged region or a truncation. */
	assert_true(o.rec.blocks_skipped + o.rec.truncated >= 1);
	assert_int_equal(o.events, 0);
	hbuf_free(&b);
}

/* Resynchronisation still finds a valid block right after the hostile bytes. */
static void test_resync_finds_next_block(void **state)
{
	struct hbuf b = { 0 };
	struct outcome o;

	(void)state;
	hostile_resync(&b, 256u << 10, 64u << 10);
	enc_clock(&b, 1, 2);
	enc_end(&b, 0, 0, 1);
	o = read_all(&b, NULL);
	assert_int_equal(o.status, 0);
	assert_true(o.rec.clean_end);
	assert_int_equal(o.rec.blocks_skipped, 1);
	assert_int_equal(o.rec.damage[0].offset, 24);
	assert_int_equal(o.rec.damage[0].length, 256u << 10);
	hbuf_free(&b);
}

/* Ids far beyond what the file defines stop the reader, naming the limit. */
static void test_huge_ids_refused(void **state)
{
	struct hbuf b = { 0 };
	struct crf_limits raised;
	struct outcome o;

	(void)state;
	hostile_huge_ids(&b);
	o = read_all(&b, NULL);
	assert_int_equal(o.status, CRF_ERR_LIMIT);
	assert_non_null(strstr(o.err.detail, "CRF_LIMIT_IDS_AHEAD"));
	assert_int_equal(o.events, 0);

	/* Raised, the same file reads: the limit is a budget, not a format rule. */
	crf_limits_default(&raised);
	raised.ids_ahead = 0;
	o = read_all(&b, &raised);
	assert_int_equal(o.status, 0);
	assert_int_equal(o.events, 1);
	hbuf_free(&b);
}

/* A few KB that inflate to millions of events stop at the expansion limit. */
static void test_inflation_bounded(void **state)
{
	struct hbuf b = { 0 };
	struct crf_limits few;
	struct outcome o;

	(void)state;
	hostile_inflation(&b, 10);
	printf("# inflation: %zu bytes of file\n", b.len);
	assert_true(b.len < 64u << 10);
	o = read_all(&b, NULL);
	printf("# inflation: %llu events before the limit, %.3f s\n",
	       (unsigned long long)o.events, o.seconds);
	assert_int_equal(o.status, CRF_ERR_LIMIT);
	assert_non_null(strstr(o.err.detail, "CRF_LIMIT_EXPANSION"));
	assert_true(o.events < 1000000);

	/* The event and decompressed-byte limits name themselves too. */
	crf_limits_default(&few);
	few.expansion = 0;
	few.events = 1000;
	o = read_all(&b, &few);
	assert_int_equal(o.status, CRF_ERR_LIMIT);
	assert_non_null(strstr(o.err.detail, "CRF_LIMIT_EVENTS"));
	assert_int_equal(o.events, 1000);
	crf_limits_default(&few);
	few.expansion = 0;
	few.decompressed_bytes = 12u << 20;
	o = read_all(&b, &few);
	assert_int_equal(o.status, CRF_ERR_LIMIT);
	assert_non_null(strstr(o.err.detail, "CRF_LIMIT_DECOMPRESSED_BYTES"));
	hbuf_free(&b);
}

/* A definition budget: the fourth definition of a file refused at 3. */
static void test_definitions_bounded(void **state)
{
	struct hbuf b = { 0 };
	struct crf_limits few;
	struct outcome o;

	(void)state;
	hostile_huge_ids(&b);
	crf_limits_default(&few);
	few.ids_ahead = 0;
	few.definitions = 3;
	o = read_all(&b, &few);
	assert_int_equal(o.status, CRF_ERR_LIMIT);
	assert_non_null(strstr(o.err.detail, "CRF_LIMIT_DEFINITIONS"));
	hbuf_free(&b);
}

/* Wall-clock conversion is logarithmic in the anchors: 40000 CLOCK blocks, 200000 events. */
static void test_clock_storm(void **state)
{
	struct hbuf b = { 0 };
	struct outcome o;

	(void)state;
	hostile_clock_storm(&b, 40000, 200000);
	o = read_all(&b, NULL);
	printf("# clock storm: %.3f s in conversions, %.3f s in all\n", o.convert_seconds,
	       o.seconds);
	assert_int_equal(o.status, 0);
	assert_int_equal(o.events, 200000);
	assert_true(o.convert_seconds < 2.0);
	/* The last event, at 1 s + 200000 * 997 ns, converts with the last anchor. */
	assert_int_equal(o.last_wall, 1700000000000000000ull + 39999000ull +
				      (1000000000ull + 200000ull * 997 - (1000000000ull + 39999000ull)));
	hbuf_free(&b);
}

/* Anchors out of order: the latest not after the time, else the earliest. */
static void test_clock_lookup_rule(void **state)
{
	struct hbuf b = { 0 };
	struct crf_reader *r = NULL;
	struct crf_item item;
	uint64_t wall;
	int fd;

	(void)state;
	enc_file_header(&b);
	enc_clock(&b, 300, 3000);
	enc_clock(&b, 100, 1000);
	enc_clock(&b, 200, 2000);
	enc_clock(&b, 200, 5000); /* same boot time, later in the file: wins */
	fd = fd_with(&b);
	assert_int_equal(crf_reader_open(&r, fd, NULL), CRF_OK);
	while (crf_reader_next(r, &item, NULL) == 1)
		;
	assert_true(crf_reader_boot_to_realtime(r, 50, &wall));
	assert_int_equal(wall, 950);   /* before every anchor: the earliest (100) */
	assert_true(crf_reader_boot_to_realtime(r, 150, &wall));
	assert_int_equal(wall, 1050);
	assert_true(crf_reader_boot_to_realtime(r, 250, &wall));
	assert_int_equal(wall, 5050);
	assert_true(crf_reader_boot_to_realtime(r, 300, &wall));
	assert_int_equal(wall, 3000);
	crf_reader_free(r);
	close(fd);
	hbuf_free(&b);
}

/* LOSS counts that overflow 64 bits saturate and say so, rather than wrapping to 3. */
static void test_loss_overflow_saturates(void **state)
{
	struct hbuf b = { 0 };
	struct outcome o;

	(void)state;
	hostile_loss_overflow(&b);
	o = read_all(&b, NULL);
	assert_int_equal(o.status, 0);
	assert_int_equal(o.losses, 2);
	assert_true(o.rec.lost == UINT64_MAX);
	assert_true(o.rec.lost_saturated);
	hbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resync_linear),
		cmocka_unit_test(test_resync_finds_next_block),
		cmocka_unit_test(test_huge_ids_refused),
		cmocka_unit_test(test_inflation_bounded),
		cmocka_unit_test(test_definitions_bounded),
		cmocka_unit_test(test_clock_storm),
		cmocka_unit_test(test_clock_lookup_rule),
		cmocka_unit_test(test_loss_overflow_saturates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
