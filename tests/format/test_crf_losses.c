// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_losses.c - every kind of loss reaches the file (FORMAT.md
 * "LOSS"): events, process records and stacks, where they happened; an
 * events-only loss keeps the 24-byte body of 1.0; sums saturate.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "format_test_util.h"

static void test_loss_kinds_round_trip(void **state)
{
	struct crf_loss_counts only_events = { .events = 5 };
	struct crf_loss_counts kinds = { .events = 0, .process_records = 816, .stacks = 3 };
	struct crf_loss_counts nothing = { 0 };
	struct crf_writer_stats stats;
	struct crf_writer *w = NULL;
	struct crf_reader *r = NULL;
	struct block_span spans[16];
	struct crf_item item;
	struct bytes file;
	uint64_t seen = 0;
	size_t n, losses = 0;
	int fd = util_memfd(), rd;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_write_losses(w, 100, &only_events), CRF_OK);
	assert_int_equal(crf_write_losses(w, 200, &kinds), CRF_OK);
	assert_int_equal(crf_write_losses(w, 300, &nothing), CRF_OK); /* nothing to say: no block */
	crf_writer_stats(w, &stats);
	assert_int_equal(stats.lost, 5);
	assert_int_equal(stats.lost_process_records, 816);
	assert_int_equal(stats.lost_stacks, 3);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);

	file = util_read_fd(fd);
	n = util_blocks(file.data, file.len, spans, 16);
	for (size_t i = 0; i < n; i++) {
		if (spans[i].type != CRF_BLOCK_LOSS)
			continue;
		/* 16-byte frame + body + trailer: 24 bytes of body, or 40 with the kinds. */
		assert_int_equal(spans[i].total, losses ? 16 + 40 + 4 : 16 + 24 + 4);
		losses++;
	}
	assert_int_equal(losses, 2);

	rd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rd, NULL), CRF_OK);
	while (crf_reader_next(r, &item, NULL) == 1) {
		if (item.kind != CRF_ITEM_LOSS)
			continue;
		if (!seen) {
			assert_int_equal(item.loss->lost, 5);
			assert_int_equal(item.loss->process_records, 0);
			assert_int_equal(item.loss->stacks, 0);
		} else {
			assert_int_equal(item.loss->time_ns, 200);
			assert_int_equal(item.loss->lost, 0);
			assert_int_equal(item.loss->process_records, 816);
			assert_int_equal(item.loss->stacks, 3);
		}
		seen++;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(crf_reader_recovery(r)->lost, 5);
	assert_int_equal(crf_reader_recovery(r)->lost_process_records, 816);
	assert_int_equal(crf_reader_recovery(r)->lost_stacks, 3);
	assert_false(crf_reader_recovery(r)->lost_saturated);
	crf_reader_free(r);
	close(rd);
	close(fd);
	util_bytes_free(&file);
}

/* The writer's sums saturate too, so END never states a wrapped-around count. */
static void test_writer_loss_sum_saturates(void **state)
{
	struct crf_writer_stats stats;
	struct crf_writer *w = NULL;
	int fd = util_memfd();

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_write_loss(w, 1, UINT64_MAX - 1), CRF_OK);
	assert_int_equal(crf_write_loss(w, 2, 5), CRF_OK);
	crf_writer_stats(w, &stats);
	assert_true(stats.lost == UINT64_MAX);
	crf_writer_free(w);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loss_kinds_round_trip),
		cmocka_unit_test(test_writer_loss_sum_saturates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
