// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of record/output.c: file mode, opening blocks, rotation into
 * FILE, FILE.1, ... each readable on its own, and totals over all parts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crf_reader.h"
#include "metadata.h"
#include "output.h"
#include "rotation.h"

struct part_summary {
	uint64_t events;
	bool clean_end;
	char part[16];
	bool capnames;
	bool clock;
};

static void read_part(const char *path, struct part_summary *s)
{
	struct crf_reader *r = NULL;
	struct crf_item item;
	const char *part;
	int fd = open(path, O_RDONLY), rc;

	memset(s, 0, sizeof(*s));
	assert_true(fd >= 0);
	assert_int_equal(crf_reader_open(&r, fd, NULL), 0);
	while ((rc = crf_reader_next(r, &item, NULL)) == 1) {
		if (item.kind == CRF_ITEM_EVENT) {
			s->events++;
			/* Each part defines its own processes: the reference resolves. */
			assert_non_null(item.event->process);
			assert_int_equal(item.event->process->pid, 4242);
		}
		if (item.kind == CRF_ITEM_CAPNAMES)
			s->capnames = true;
		if (item.kind == CRF_ITEM_CLOCK)
			s->clock = true;
	}
	assert_int_equal(rc, 0);
	part = crf_reader_metadata(r, "recorder.part");
	assert_non_null(part);
	snprintf(s->part, sizeof(s->part), "%s", part);
	assert_string_equal(crf_reader_cap_name(r, 24), "CAP_SYS_RESOURCE");
	s->clean_end = crf_reader_recovery(r)->clean_end;
	crf_reader_free(r);
	close(fd);
}

static void test_rotation(void **state)
{
	char dir[] = "/tmp/caprec-test-output.XXXXXX", base[256], path[300];
	char *argv[] = { "caprec", "-o", "x", NULL };
	struct metadata_input in = { .argc = 3, .argv = argv, .options = "--buffer-size 65536",
				     .attach_mode = "tracepoint", .audit_inferred = true };
	struct recording_metadata meta;
	struct crf_writer_stats totals;
	struct output *out = NULL;
	struct part_summary s;
	uint32_t part = UINT32_MAX, process_id = 0, i, parts;
	uint64_t events = 0, random_state = 1;
	struct stat st;
	char err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/rec.crf", dir);
	assert_int_equal(metadata_collect(&meta, &in), 0);
	assert_int_equal(output_open(&out, base, 8192, &meta, err, sizeof(err)), 0);
	for (i = 0; i < 6000; i++) {
		struct crf_writer *w = output_writer(out);
		struct crf_event_rec ev = { .time_ns = 1000 + i, .tid = 4242, .cap = 24,
					    .flags = 1, .ret = -1, .syscall_nr = 160 };

		/* Incompressible values, so the parts fill up like a real recording's. */
		random_state = random_state * 6364136223846793005ull + 1442695040888963407ull;
		ev.cgroup_id = random_state;

		/* What recorder.c does: a process record per part. */
		if (output_part(out) != part) {
			struct crf_process_def def = { .pid = 4242, .start_time_ns = 7,
						       .comm = "storm" };

			assert_int_equal(crf_define_process(w, &def, &process_id), 0);
			part = output_part(out);
		}
		ev.process_id = process_id;
		assert_int_equal(crf_write_event(w, &ev), 0);
		events++;
		if (i % 50 == 49)
			assert_int_equal(output_tick(out, err, sizeof(err)), 0);
	}
	parts = output_part(out) + 1;
	assert_true(parts >= 3);
	assert_int_equal(output_close(out, &totals, err, sizeof(err)), 0);
	output_free(out);
	assert_int_equal(totals.events, events);

	events = 0;
	for (i = 0; i < parts; i++) {
		char expect[16];

		assert_int_equal(rotation_path(path, sizeof(path), base, i), 0);
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
		read_part(path, &s);
		assert_true(s.clean_end);
		assert_true(s.capnames && s.clock);
		snprintf(expect, sizeof(expect), "%u", i);
		assert_string_equal(s.part, expect);
		events += s.events;
		unlink(path);
	}
	assert_int_equal(events, 6000);
	assert_int_equal(rotation_path(path, sizeof(path), base, parts), 0);
	assert_int_not_equal(access(path, F_OK), 0);
	metadata_release(&meta);
	rmdir(dir);
}

static void test_existing_file_gets_0600(void **state)
{
	char path[] = "/tmp/caprec-test-mode.XXXXXX";
	char *argv[] = { "caprec", NULL };
	struct metadata_input in = { .argc = 1, .argv = argv, .options = "--buffer-size 65536",
				     .attach_mode = "tracepoint" };
	struct recording_metadata meta;
	struct crf_writer_stats totals;
	struct output *out = NULL;
	struct stat st;
	char err[256];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	fchmod(fd, 0644);
	close(fd);
	assert_int_equal(metadata_collect(&meta, &in), 0);
	assert_int_equal(output_open(&out, path, 0, &meta, err, sizeof(err)), 0);
	assert_int_equal(output_close(out, &totals, err, sizeof(err)), 0);
	output_free(out);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	unlink(path);
	metadata_release(&meta);
}

static void test_unwritable_path(void **state)
{
	char *argv[] = { "caprec", NULL };
	struct metadata_input in = { .argc = 1, .argv = argv, .options = "--buffer-size 65536",
				     .attach_mode = "tracepoint" };
	struct recording_metadata meta;
	struct output *out = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(metadata_collect(&meta, &in), 0);
	assert_true(output_open(&out, "/nonexistent-dir/x.crf", 0, &meta, err, sizeof(err)) < 0);
	assert_null(out);
	assert_non_null(strstr(err, "/nonexistent-dir/x.crf"));
	assert_non_null(strstr(err, "No such file"));
	metadata_release(&meta);
	output_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_existing_file_gets_0600),
		cmocka_unit_test(test_unwritable_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
