// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_recode.c - format/tools/recode.c: a recording written again holds
 * the same items (events field by field, processes, exits, losses, metadata,
 * clock anchors), whether it was written by this writer or is a 1.0 file
 * checked in under samples/recordings; events whose process was lost to
 * damage are counted, not written.
 * Usage: test_crf_recode SAMPLES_RECORDINGS_DIR
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "format_test_util.h"
#include "recode.h"

static const char *samples_dir;

/* Folds every item of a recording, in order, into one number. */
static uint64_t digest(const struct bytes *file, uint64_t *events)
{
	uint64_t d = 1469598103934665603ull, boot, real;
	struct crf_reader *r = NULL;
	struct crf_item item;
	const char *key, *value;
	int fd = util_fd_with(file->data, file->len);
	size_t i;

#define MIX(v) (d = (d ^ (uint64_t)(v)) * 1099511628211ull)
	assert_int_equal(crf_reader_open(&r, fd, NULL), CRF_OK);
	*events = 0;
	while (crf_reader_next(r, &item, NULL) == 1) {
		const struct crf_event *e = item.event;

		MIX(item.kind);
		if (item.kind == CRF_ITEM_LOSS)
			MIX(item.loss->lost + item.loss->time_ns);
		if (item.kind == CRF_ITEM_PROCESS || item.kind == CRF_ITEM_PROCESS_EXIT)
			MIX(item.process->pid + item.process->start_time_ns +
			    (uint64_t)item.process->exit_status + item.process->exit_time_ns);
		if (item.kind != CRF_ITEM_EVENT)
			continue;
		MIX(e->time_ns);
		MIX(e->pid);
		MIX(e->tid);
		MIX(e->uid);
		MIX((uint32_t)e->cap);
		MIX(e->flags);
		MIX((uint32_t)e->ret);
		MIX((uint32_t)e->final_ret);
		MIX((uint32_t)e->syscall_nr);
		MIX(e->cgroup_id);
		MIX(e->userns_inum + e->userns_level);
		MIX(e->comm ? strlen(e->comm) * 31 + (uint8_t)e->comm[0] : 0);
		MIX(e->kernel_stack ? e->kernel_stack->depth : 99);
		MIX(e->user_stack ? e->user_stack->depth : 99);
		if (e->kernel_stack && e->kernel_stack->depth && e->kernel_stack->frames[0])
			MIX(e->kernel_stack->frames[0]->symbol_offset);
		(*events)++;
	}
	for (i = 0; crf_reader_metadata_at(r, i, &key, &value); i++)
		MIX(strlen(key) * 1000 + strlen(value));
	for (i = 0; crf_reader_clock_at(r, i, &boot, &real); i++)
		MIX(boot ^ real);
	MIX(crf_reader_cap_name(r, 0) ? strlen(crf_reader_cap_name(r, 0)) : 0);
#undef MIX
	crf_reader_free(r);
	close(fd);
	return d;
}

/* Recodes file; returns the output, totals in *totals. */
static struct bytes recoded(const struct bytes *file, struct recode_totals *totals)
{
	struct crf_writer_options opts = { 0 };
	int in = util_fd_with(file->data, file->len), out = util_memfd();
	struct bytes copy;

	assert_int_equal(recode(in, out, &opts, totals, NULL), CRF_OK);
	copy = util_read_fd(out);
	close(in);
	close(out);
	assert_int_equal(totals->bytes_out, copy.len);
	assert_int_equal(totals->bytes_in, file->len);
	return copy;
}

static void test_own_recording_recodes_to_the_same_items(void **state)
{
	uint64_t events, n1, n2;
	struct bytes file = util_small_recording_keyed(&events, 1), copy;
	struct recode_totals totals;

	(void)state;
	copy = recoded(&file, &totals);
	assert_int_equal(totals.events, events);
	assert_int_equal(totals.dropped, 0);
	assert_int_equal(digest(&copy, &n2), digest(&file, &n1));
	assert_int_equal(n1, events);
	assert_int_equal(n2, events);
	util_bytes_free(&copy);
	util_bytes_free(&file);
}

static struct bytes read_sample(const char *name)
{
	char path[4096];
	struct bytes b;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", samples_dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	b = util_read_fd(fd);
	close(fd);
	return b;
}

/* A 1.0 recording made by caprec becomes a current-version one with the same items. */
static void test_version_1_0_sample_upgrades(void **state)
{
	struct bytes file = read_sample("workload.caprec"), copy;
	struct recode_totals totals;
	uint64_t n1, n2;

	(void)state;
	assert_int_equal(file.data[14], 0); /* minor version 0: a 1.0 file */
	copy = recoded(&file, &totals);
	assert_int_equal(copy.data[14], CRF_VERSION_MINOR);
	assert_int_equal(digest(&copy, &n2), digest(&file, &n1));
	assert_true(n1 > 1000);
	assert_int_equal(n2, n1);
	assert_int_equal(totals.dropped, 0);
	assert_true(copy.len < file.len);
	util_bytes_free(&copy);
	util_bytes_free(&file);
}

/* Events whose process definition was in a damaged chunk cannot be written: counted. */
static void test_damaged_sample_counts_dropped_events(void **state)
{
	struct bytes file = read_sample("corrupted.caprec"), copy;
	struct read_summary before;
	struct recode_totals totals;

	(void)state;
	before = util_read_all(file.data, file.len);
	assert_true(before.rec.blocks_skipped > 0);
	copy = recoded(&file, &totals);
	assert_int_equal(totals.events + totals.dropped, before.events);
	assert_int_equal(util_read_all(copy.data, copy.len).events, totals.events);
	assert_int_equal(util_read_all(copy.data, copy.len).rec.blocks_skipped, 0);
	util_bytes_free(&copy);
	util_bytes_free(&file);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_recording_recodes_to_the_same_items),
		cmocka_unit_test(test_version_1_0_sample_upgrades),
		cmocka_unit_test(test_damaged_sample_counts_dropped_events),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s SAMPLES_RECORDINGS_DIR\n", argv[0]);
		return 2;
	}
	samples_dir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
