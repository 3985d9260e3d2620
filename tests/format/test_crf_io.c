// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_io.c - the writer and the reader on pipes (nothing seeks), and
 * write errors: a full disk is CRF_ERR_IO with errno ENOSPC; a file cut by
 * a write error stays readable up to its last complete block.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "format_test_util.h"

enum { PIPE_EVENTS = 100000 };

/* Child: writes a recording of PIPE_EVENTS events into fd, then exits. */
static void write_recording(int fd)
{
	struct crf_writer_options opts = { .chunk_max_bytes = 16 << 10 };
	struct crf_writer *w = NULL;
	struct crf_process_def p = { .pid = 7, .comm = "piped" };
	struct crf_event_rec ev = { 0 };
	uint32_t i;
	int ok = crf_writer_open(&w, fd, &opts) == CRF_OK &&
		 crf_define_process(w, &p, &ev.process_id) == CRF_OK;

	for (i = 0; ok && i < PIPE_EVENTS; i++) {
		ev.time_ns = 1000 + i * 1500ull;
		ev.cap = (int32_t)(i % 41);
		ok = crf_write_event(w, &ev) == CRF_OK;
		if (ok && i == PIPE_EVENTS / 2)
			ok = crf_write_loss(w, ev.time_ns, 3) == CRF_OK;
	}
	ok = ok && crf_writer_close(w) == CRF_OK;
	crf_writer_free(w);
	close(fd);
	_exit(ok ? 0 : 1);
}

/* Writer into a pipe, reader from the other end, at the same time. */
static void test_pipe_to_pipe(void **state)
{
	struct crf_reader *r = NULL;
	struct crf_item item;
	int fds[2], status, ret;
	uint64_t events = 0;
	pid_t child;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(fds[0]);
		write_recording(fds[1]);
	}
	close(fds[1]);
	assert_int_equal(crf_reader_open(&r, fds[0], NULL), CRF_OK);
	while ((ret = crf_reader_next(r, &item, NULL)) == 1) {
		if (item.kind == CRF_ITEM_EVENT) {
			assert_int_equal(item.event->index, events);
			assert_int_equal(item.event->cap, (int32_t)(events % 41));
			assert_int_equal(item.event->pid, 7);
			events++;
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(events, PIPE_EVENTS);
	assert_true(crf_reader_recovery(r)->clean_end);
	assert_int_equal(crf_reader_recovery(r)->lost, 3);
	assert_true(crf_reader_recovery(r)->blocks_by_type[CRF_BLOCK_CHUNK] > 5);
	crf_reader_free(r);
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_full_disk_is_enospc(void **state)
{
	struct crf_writer *w = NULL;
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0) {
		skip();
		return;
	}
	errno = 0;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_ERR_IO);
	assert_int_equal(errno, ENOSPC);
	assert_null(w);
	close(fd);
}

/*
 * A write error in the middle of a recording: the file size limit
 * (RLIMIT_FSIZE, with SIGXFSZ ignored) makes write() fail with EFBIG after
 * a partial write, like a disk filling up. The writer reports CRF_ERR_IO
 * with errno and offset, refuses further writes, and the file reads back
 * up to its last complete block, reported as truncated.
 */
static void test_write_error_mid_recording(void **state)
{
	enum { LIMIT = 20000 };
	int fd = util_memfd(), status;
	struct read_summary s;
	struct bytes file;
	pid_t child;

	(void)state;
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct rlimit limit = { LIMIT, LIMIT };
		struct crf_writer_options opts = { .chunk_max_bytes = 2048, .zstd_level = 1 };
		struct crf_writer *w = NULL;
		struct crf_process_def p = { .pid = 9 };
		struct crf_event_rec ev = { 0 };
		const struct crf_error *err;
		uint64_t i;
		int ret = CRF_OK;

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &limit))
			_exit(77);
		if (crf_writer_open(&w, fd, &opts) || crf_define_process(w, &p, &ev.process_id))
			_exit(2);
		/* Random-ish fields so the chunks do not compress to nothing. */
		for (i = 0; i < 1000000 && ret == CRF_OK; i++) {
			ev.time_ns = i * 977;
			ev.tid = (uint32_t)(i * 2654435761u);
			ev.cgroup_id = i * 0x9e3779b97f4a7c15ull;
			ret = crf_write_event(w, &ev);
		}
		err = crf_writer_error(w);
		if (ret != CRF_ERR_IO || err->code != CRF_ERR_IO || err->sys_errno != EFBIG ||
		    err->offset != LIMIT)
			_exit(3);
		/* Refuses to go on. */
		if (crf_write_event(w, &ev) != CRF_ERR_IO || crf_writer_close(w) != CRF_ERR_IO)
			_exit(4);
		crf_writer_free(w);
		_exit(0);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		skip();
		return;
	}
	assert_int_equal(WEXITSTATUS(status), 0);
	file = util_read_fd(fd);
	assert_int_equal(file.len, LIMIT);
	s = util_read_all(file.data, file.len);
	assert_int_equal(s.open_status, CRF_OK);
	assert_true(s.events > 1000);
	assert_true(s.rec.truncated);
	assert_int_equal(s.rec.blocks_skipped, 0);
	assert_false(s.rec.clean_end);
	assert_true(s.rec.truncated_at < LIMIT && s.rec.truncated_at > LIMIT - 4096);
	util_bytes_free(&file);
	close(fd);
}

/* A read error is CRF_ERR_IO with errno, not a truncation. */
static void test_read_error_is_io(void **state)
{
	struct crf_reader *r = NULL;
	struct crf_error err;
	int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(crf_reader_open(&r, fd, &err), CRF_ERR_IO);
	assert_int_equal(err.sys_errno, EISDIR);
	assert_null(r);
	close(fd);
}

/*
 * A damaged recording arriving through a pipe in small, irregular pieces:
 * short reads everywhere, a resync across them, the same result as from a
 * file.
 */
static void test_damaged_input_in_small_pieces(void **state)
{
	uint64_t total_events;
	struct bytes file = util_small_recording(&total_events);
	struct read_summary from_file;
	struct crf_reader *r = NULL;
	struct crf_item item;
	uint64_t events = 0;
	int fds[2], status;
	pid_t child;

	(void)state;
	file.data[300] ^= 0x40; /* inside the first chunk: the chunks linked to it go too */
	from_file = util_read_all(file.data, file.len);
	assert_true(from_file.rec.blocks_skipped >= 1);
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		size_t off = 0, piece = 1;

		close(fds[0]);
		while (off < file.len) {
			size_t n = piece < file.len - off ? piece : file.len - off;

			if (write(fds[1], file.data + off, n) != (ssize_t)n)
				_exit(1);
			off += n;
			piece = piece % 13 + 1;
			usleep(100);
		}
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(crf_reader_open(&r, fds[0], NULL), CRF_OK);
	while (crf_reader_next(r, &item, NULL) == 1)
		events += item.kind == CRF_ITEM_EVENT;
	assert_int_equal(events, from_file.events);
	assert_int_equal(crf_reader_recovery(r)->blocks_skipped, from_file.rec.blocks_skipped);
	assert_int_equal(crf_reader_recovery(r)->damage[0].offset,
			 from_file.rec.damage[0].offset);
	assert_int_equal(crf_reader_recovery(r)->damage[0].length,
			 from_file.rec.damage[0].length);
	assert_true(crf_reader_recovery(r)->clean_end);
	crf_reader_free(r);
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	util_bytes_free(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipe_to_pipe),
		cmocka_unit_test(test_full_disk_is_enospc),
		cmocka_unit_test(test_write_error_mid_recording),
		cmocka_unit_test(test_read_error_is_io),
		cmocka_unit_test(test_damaged_input_in_small_pieces),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
