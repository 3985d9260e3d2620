// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of record/output.c: file mode, opening blocks, rotation into
 * FILE, FILE.1, ... each readable on its own, and totals over all parts;
 * how files are created (output_file.c): never through a link, into a
 * non-regular or another user's file, nor over a file without --force, and
 * never two recorders on one file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
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
	assert_int_equal(output_open(&out, base, 8192, 0, &meta, err, sizeof(err)), 0);
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

/* Metadata for a recording that is opened and closed at once. */
static void plain_meta(struct recording_metadata *meta)
{
	static char *argv[] = { "caprec", NULL };
	struct metadata_input in = { .argc = 1, .argv = argv, .options = "--buffer-size 65536",
				     .attach_mode = "tracepoint" };

	assert_int_equal(metadata_collect(meta, &in), 0);
}

/* output_open + close; returns output_open's status, errbuf filled on failure. */
static int record_into(const char *path, uint64_t max_size, unsigned int flags, char *err,
		       size_t errsize)
{
	struct recording_metadata meta;
	struct crf_writer_stats totals;
	struct output *out = NULL;
	int rc;

	plain_meta(&meta);
	err[0] = 0;
	rc = output_open(&out, path, max_size, flags, &meta, err, errsize);
	if (!rc)
		assert_int_equal(output_close(out, &totals, err, errsize), 0);
	output_free(out);
	metadata_release(&meta);
	return rc;
}

static void make_dir(char *dir)
{
	strcpy(dir, "/tmp/caprec-test-output.XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

static void assert_content(const char *path, const char *text)
{
	char buf[256] = "";
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	assert_true(read(fd, buf, sizeof(buf) - 1) >= 0);
	close(fd);
	assert_string_equal(buf, text);
}

/* An existing file is never written into: refused, or with --force replaced by a new 0600 file. */
static void test_existing_file(void **state)
{
	char dir[64], path[128], err[512];
	struct stat before, after;

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/rec.crf", dir);
	write_file(path, "mine", 0644);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(record_into(path, 0, 0, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "--force"));
	assert_content(path, "mine");

	assert_int_equal(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(after.st_mode & 0777, 0600);
	assert_int_not_equal(after.st_ino, before.st_ino); /* a new file, not the old one written */
	assert_true(after.st_size > 4);
	unlink(path);
	rmdir(dir);
}

/* A symbolic link planted at the path is not followed, with or without --force. */
static void test_symlink_refused(void **state)
{
	char dir[64], path[128], target[128], err[512];
	struct stat st;

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/rec.crf", dir);
	snprintf(target, sizeof(target), "%s/victim", dir);
	write_file(target, "secret", 0644);
	assert_int_equal(symlink(target, path), 0);
	assert_true(record_into(path, 0, 0, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	assert_true(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "symbolic link"));
	assert_content(target, "secret");
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644); /* never chmodded */
	unlink(path);

	/* A dangling link is not followed into creating its target either. */
	unlink(target);
	assert_int_equal(symlink(target, path), 0);
	assert_true(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)) < 0);
	assert_int_not_equal(access(target, F_OK), 0);
	unlink(path);
	rmdir(dir);
}

/* A FIFO (or device) is not written into, even with --force. */
static void test_non_regular_refused(void **state)
{
	char dir[64], path[128], err[512];
	struct stat st;

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(chmod(path, 0666), 0);
	assert_true(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0666); /* never chmodded */
	unlink(path);
	rmdir(dir);
}

/* Another user's file (the 0666 one they pre-created to read the recording) stays theirs. */
static void test_other_owner_refused(void **state)
{
	char dir[64], path[128], err[512];

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/rec.crf", dir);
	write_file(path, "theirs", 0666);
	if (chown(path, 65534, 65534)) {
		unlink(path);
		rmdir(dir);
		skip(); /* not root: cannot make a file another user's */
	}
	assert_true(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "owned by uid 65534"));
	assert_content(path, "theirs");
	unlink(path);
	rmdir(dir);
}

/* A file with a second hard link (say, to /etc/passwd) is not replaced. */
static void test_hard_link_refused(void **state)
{
	char dir[64], path[128], other[128], err[512];

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/rec.crf", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	write_file(other, "linked", 0644);
	assert_int_equal(link(other, path), 0);
	assert_true(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "hard links"));
	assert_content(other, "linked");
	unlink(path);
	unlink(other);
	rmdir(dir);
}

/* Two recorders on one path: the second is refused while the first records, --force or not. */
static void test_second_recorder_refused(void **state)
{
	char dir[64], path[128], err[512];
	struct recording_metadata meta;
	struct crf_writer_stats totals;
	struct output *first = NULL;

	(void)state;
	make_dir(dir);
	snprintf(path, sizeof(path), "%s/rec.crf", dir);
	plain_meta(&meta);
	assert_int_equal(output_open(&first, path, 0, 0, &meta, err, sizeof(err)), 0);
	assert_int_equal(record_into(path, 0, 0, err, sizeof(err)), -EBUSY);
	assert_non_null(strstr(err, "another caprec is recording into this file"));
	assert_int_equal(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)), -EBUSY);
	assert_int_equal(output_close(first, &totals, err, sizeof(err)), 0);
	output_free(first);
	metadata_release(&meta);
	/* Once the first one is done, --force may replace its file. */
	assert_int_equal(record_into(path, 0, OUTPUT_FORCE, err, sizeof(err)), 0);
	unlink(path);
	rmdir(dir);
}

/* Rotation parts are created the same way: a link planted at FILE.1 is not followed. */
static void test_rotation_part_symlink_refused(void **state)
{
	char dir[64], base[128], part1[140], target[128], err[512];
	struct recording_metadata meta;
	struct crf_writer_stats totals;
	struct output *out = NULL;
	uint64_t random_state = 1;
	uint32_t process_id = 0, part = UINT32_MAX;
	int rc = 0;

	(void)state;
	make_dir(dir);
	snprintf(base, sizeof(base), "%s/rec.crf", dir);
	snprintf(part1, sizeof(part1), "%s.1", base);
	snprintf(target, sizeof(target), "%s/victim", dir);
	write_file(target, "secret", 0644);
	assert_int_equal(symlink(target, part1), 0);
	plain_meta(&meta);
	assert_int_equal(output_open(&out, base, 8192, 0, &meta, err, sizeof(err)), 0);
	for (int i = 0; i < 20000 && !rc; i++) {
		struct crf_writer *w = output_writer(out);
		struct crf_event_rec ev = { .time_ns = 1000 + i, .tid = 1, .cap = 24 };

		if (output_part(out) != part) {
			struct crf_process_def def = { .pid = 1, .start_time_ns = 7, .comm = "x" };

			assert_int_equal(crf_define_process(w, &def, &process_id), 0);
			part = output_part(out);
		}
		random_state = random_state * 6364136223846793005ull + 1442695040888963407ull;
		ev.cgroup_id = random_state;
		ev.process_id = process_id;
		assert_int_equal(crf_write_event(w, &ev), 0);
		if (i % 50 == 49)
			rc = output_tick(out, err, sizeof(err));
	}
	assert_true(rc < 0);
	assert_non_null(strstr(err, part1));
	assert_non_null(strstr(err, "symbolic link"));
	assert_content(target, "secret");
	(void)output_close(out, &totals, err, sizeof(err));
	output_free(out);
	metadata_release(&meta);
	unlink(part1);
	unlink(base);
	unlink(target);
	rmdir(dir);
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
	assert_true(output_open(&out, "/nonexistent-dir/x.crf", 0, 0, &meta, err, sizeof(err)) < 0);
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
		cmocka_unit_test(test_existing_file),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_non_regular_refused),
		cmocka_unit_test(test_other_owner_refused),
		cmocka_unit_test(test_hard_link_refused),
		cmocka_unit_test(test_second_recorder_refused),
		cmocka_unit_test(test_rotation_part_symlink_refused),
		cmocka_unit_test(test_unwritable_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
