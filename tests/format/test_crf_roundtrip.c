// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_roundtrip.c - what the writer writes, the reader gives back:
 * every block and record type, events with and without stacks, thousands
 * of processes, interning by content, clock conversion, metadata lookups.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include <cmocka.h>

#include "format_test_util.h"

static void test_every_block_and_record_type(void **state)
{
	uint64_t expected_events;
	struct bytes file = util_small_recording(&expected_events);
	struct crf_reader *r = NULL;
	struct crf_item item;
	int fd = util_fd_with(file.data, file.len);
	uint64_t events = 0, processes = 0, exits = 0, losses = 0, with_stacks = 0;
	uint16_t major, minor;
	uint64_t real;
	const struct crf_recovery *rec;
	const char *key, *value;
	int kinds_seen = 0;
	int ret;

	(void)state;
	assert_int_equal(crf_reader_open(&r, fd, NULL), CRF_OK);
	crf_reader_version(r, &major, &minor);
	assert_int_equal(major, CRF_VERSION_MAJOR);
	assert_int_equal(minor, CRF_VERSION_MINOR);
	while ((ret = crf_reader_next(r, &item, NULL)) == 1) {
		kinds_seen |= 1 << item.kind;
		switch (item.kind) {
		case CRF_ITEM_EVENT: {
			const struct crf_event *e = item.event;
			uint64_t i = e->index;

			assert_int_equal(i, events);
			assert_int_equal(e->time_ns, 2000000000ull + i * 1500);
			assert_non_null(e->process);
			assert_int_equal(e->pid, 100 + i % 3);
			assert_int_equal(e->process->pid, e->pid);
			assert_int_equal(e->tid, 100 + i % 3);
			assert_string_equal(e->comm, "demo-worker");
			assert_int_equal(e->cap, (int32_t)(i % 4));
			assert_int_equal(e->flags, CRF_EV_AUDIT);
			assert_int_equal(e->ret, (i % 5) ? 0 : -1);
			assert_int_equal(e->syscall_nr, 90);
			if (i % 2) {
				const struct crf_stack *k = e->kernel_stack, *u = e->user_stack;

				assert_non_null(k);
				assert_non_null(u);
				assert_int_equal(k->depth, 3);
				assert_string_equal(k->frames[0]->symbol, "capable");
				assert_string_equal(k->frames[0]->module, "");
				assert_int_equal(k->frames[0]->symbol_offset, 0x10);
				assert_string_equal(k->frames[1]->module, "");
				assert_string_equal(k->frames[2]->module, "ext4");
				assert_string_equal(k->frames[2]->symbol, "ext4_setattr");
				assert_int_equal(u->depth, 1);
				assert_int_equal(u->frames[0]->kind, CRF_FRAME_USER);
				assert_null(u->frames[0]->module);
				assert_string_equal(u->frames[0]->symbol, "main");
				assert_int_equal(u->frames[0]->file_offset, 0x1234);
				assert_string_equal(u->frames[0]->binary->path, "/usr/bin/demo");
				assert_int_equal(u->frames[0]->binary->build_id_len, 20);
				assert_int_equal(u->frames[0]->binary->build_id[0], 0xde);
				assert_ptr_equal(crf_reader_stack(r, e->kernel_stack_id), k);
				with_stacks++;
			} else {
				assert_null(e->kernel_stack);
				assert_null(e->user_stack);
				assert_int_equal(e->kernel_stack_id, 0);
			}
			events++;
			break;
		}
		case CRF_ITEM_PROCESS: {
			const struct crf_process *p = item.process;

			assert_int_equal(p->pid, 100 + processes);
			assert_int_equal(p->ppid, 1);
			assert_int_equal(p->start_time_ns, 5000 + processes);
			assert_int_equal(p->parent_id, processes ? 1 : 0);
			assert_string_equal(p->exe_path, "/usr/bin/demo");
			assert_string_equal(p->cmdline, "demo -x");
			assert_string_equal(p->comm, "demo");
			assert_string_equal(p->cgroup_path, "/system.slice/x");
			assert_null(p->container_id);
			assert_int_equal(p->cgroup_id, 77);
			assert_non_null(p->exe_binary);
			assert_string_equal(p->exe_binary->path, "/usr/bin/demo");
			assert_ptr_equal(crf_reader_process(r, p->id), p);
			processes++;
			break;
		}
		case CRF_ITEM_PROCESS_EXIT:
			assert_int_equal(item.process->pid, 102);
			assert_true(item.process->exited);
			assert_int_equal(item.process->exit_status, 256);
			assert_int_equal(item.process->exit_time_ns, 2000100000ull);
			exits++;
			break;
		case CRF_ITEM_LOSS:
			assert_int_equal(item.loss->lost, 7);
			assert_int_equal(item.loss->events_before, 21);
			assert_int_equal(item.loss->time_ns, 2000000000ull + 20 * 1500 + 1);
			/* The loss sits exactly after the 21st event. */
			assert_int_equal(events, 21);
			losses++;
			break;
		default:
			break;
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(events, expected_events);
	assert_int_equal(with_stacks, expected_events / 2);
	assert_int_equal(processes, 3);
	assert_int_equal(exits, 1);
	assert_int_equal(losses, 1);
	assert_true(kinds_seen & (1 << CRF_ITEM_METADATA));
	assert_true(kinds_seen & (1 << CRF_ITEM_CLOCK));
	assert_true(kinds_seen & (1 << CRF_ITEM_CAPNAMES));

	assert_string_equal(crf_reader_metadata(r, "host.hostname"), "testhost");
	assert_string_equal(crf_reader_metadata(r, "x.unknown"), "kept");
	assert_null(crf_reader_metadata(r, "host.boot_id"));
	assert_true(crf_reader_metadata_at(r, 1, &key, &value));
	assert_string_equal(key, "recorder.attach_mode");
	assert_string_equal(value, "tracepoint");
	assert_false(crf_reader_metadata_at(r, 3, &key, &value));
	assert_string_equal(crf_reader_cap_name(r, 0), "cap_chown");
	assert_string_equal(crf_reader_cap_name(r, 3), "cap_fowner");
	assert_null(crf_reader_cap_name(r, 2));
	assert_null(crf_reader_cap_name(r, 4));
	assert_null(crf_reader_cap_name(r, -1));
	assert_true(crf_reader_boot_to_realtime(r, 1000000500ull, &real));
	assert_int_equal(real, 1700000000000000500ull);

	rec = crf_reader_recovery(r);
	assert_true(rec->clean_end);
	assert_false(rec->truncated);
	assert_int_equal(rec->blocks_skipped, 0);
	assert_int_equal(rec->unresolved_refs, 0);
	assert_int_equal(rec->events, expected_events);
	assert_int_equal(rec->end_events, expected_events);
	assert_int_equal(rec->lost, 7);
	assert_int_equal(rec->end_lost, 7);
	assert_int_equal(rec->file_bytes, file.len);
	assert_int_equal(rec->blocks_by_type[CRF_BLOCK_METADATA], 1);
	assert_int_equal(rec->blocks_by_type[CRF_BLOCK_CAPNAMES], 1);
	assert_int_equal(rec->blocks_by_type[CRF_BLOCK_CLOCK], 1);
	assert_int_equal(rec->blocks_by_type[CRF_BLOCK_LOSS], 1);
	assert_int_equal(rec->blocks_by_type[CRF_BLOCK_END], 1);
	/* chunk_max_bytes = 400 splits the 40 events over several chunks. */
	assert_true(rec->blocks_by_type[CRF_BLOCK_CHUNK] >= 3);
	crf_reader_free(r);
	close(fd);
	util_bytes_free(&file);
}

static void test_interning_dedups_by_content(void **state)
{
	struct crf_writer *w = NULL;
	struct crf_frame_def f = { .kind = CRF_FRAME_KERNEL, .symbol = "capable" };
	uint32_t a, b, c, f1, f2, f3, s1, s2, s3, b1, b2, b3;
	char copy[] = "hello";
	uint8_t bid[4] = { 1, 2, 3, 4 };
	int fd = util_memfd();

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_intern_string(w, "hello", &a), CRF_OK);
	assert_int_equal(crf_intern_string(w, copy, &b), CRF_OK);
	assert_int_equal(crf_intern_string(w, "hello!", &c), CRF_OK);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_int_equal(crf_intern_frame(w, &f, &f1), CRF_OK);
	assert_int_equal(crf_intern_frame(w, &f, &f2), CRF_OK);
	f.symbol_offset = 4;
	assert_int_equal(crf_intern_frame(w, &f, &f3), CRF_OK);
	assert_int_equal(f1, f2);
	assert_int_not_equal(f1, f3);
	/* "" and NULL both mean vmlinux. */
	f.module = "";
	assert_int_equal(crf_intern_frame(w, &f, &f2), CRF_OK);
	assert_int_equal(f2, f3);
	uint32_t frames[2] = { f1, f3 }, reversed[2] = { f3, f1 };
	assert_int_equal(crf_intern_stack(w, frames, 2, &s1), CRF_OK);
	assert_int_equal(crf_intern_stack(w, frames, 2, &s2), CRF_OK);
	assert_int_equal(crf_intern_stack(w, reversed, 2, &s3), CRF_OK);
	assert_int_equal(s1, s2);
	assert_int_not_equal(s1, s3);
	assert_int_equal(crf_intern_binary(w, "/bin/x", bid, 4, &b1), CRF_OK);
	assert_int_equal(crf_intern_binary(w, "/bin/x", bid, 4, &b2), CRF_OK);
	assert_int_equal(crf_intern_binary(w, "/bin/x", bid, 3, &b3), CRF_OK);
	assert_int_equal(b1, b2);
	assert_int_not_equal(b1, b3);
	crf_writer_free(w);
	close(fd);
}

/* Many distinct strings: ids stay dense and every one reads back. */
static void test_many_interned_strings(void **state)
{
	enum { N = 20000 };
	struct crf_writer *w = NULL;
	struct crf_process_def p = { .pid = 1 };
	struct crf_event_rec ev = { .time_ns = 1 };
	struct crf_reader *r = NULL;
	struct crf_item item;
	struct bytes file;
	char name[32];
	uint32_t id, process, i;
	int fd = util_memfd(), rfd;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &process), CRF_OK);
	ev.process_id = process;
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "comm-%u", i);
		assert_int_equal(crf_intern_string(w, name, &id), CRF_OK);
		assert_int_equal(id, i + 1);
		ev.comm_id = id;
		ev.time_ns++;
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	}
	for (i = 0; i < N; i += 7) {
		snprintf(name, sizeof(name), "comm-%u", i);
		assert_int_equal(crf_intern_string(w, name, &id), CRF_OK);
		assert_int_equal(id, i + 1);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	rfd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rfd, NULL), CRF_OK);
	i = 0;
	while (crf_reader_next(r, &item, NULL) == 1) {
		if (item.kind != CRF_ITEM_EVENT)
			continue;
		snprintf(name, sizeof(name), "comm-%u", i++);
		assert_string_equal(item.event->comm, name);
	}
	assert_int_equal(i, N);
	crf_reader_free(r);
	close(rfd);
	util_bytes_free(&file);
}

/* Thousands of processes, each with its own event; process ids resolve. */
static void test_thousands_of_processes(void **state)
{
	enum { N = 5000 };
	struct crf_writer *w = NULL;
	struct crf_reader *r = NULL;
	struct crf_item item;
	struct bytes file;
	char cmdline[64];
	uint32_t i, ids[N];
	uint64_t events = 0, processes = 0, exits = 0;
	int fd = util_memfd(), rfd;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	for (i = 0; i < N; i++) {
		struct crf_process_def p = { .pid = 10000 + i, .ppid = 1, .start_time_ns = i,
					     .comm = "worker", .cmdline = cmdline,
					     .cgroup_path = "/user.slice" };
		struct crf_event_rec ev = { .time_ns = 1000 + i, .tid = 10000 + i, .cap = 21 };

		snprintf(cmdline, sizeof(cmdline), "worker --id %u", i);
		p.parent_id = i ? ids[i / 2] : 0;
		assert_int_equal(crf_define_process(w, &p, &ids[i]), CRF_OK);
		assert_int_equal(ids[i], i + 1);
		ev.process_id = ids[i];
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
		if (i % 2)
			assert_int_equal(crf_write_process_exit(w, ids[i], 2000 + i, 0), CRF_OK);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	rfd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rfd, NULL), CRF_OK);
	while (crf_reader_next(r, &item, NULL) == 1) {
		if (item.kind == CRF_ITEM_EVENT) {
			assert_int_equal(item.event->pid, 10000 + events);
			snprintf(cmdline, sizeof(cmdline), "worker --id %u", (unsigned)events);
			assert_string_equal(item.event->process->cmdline, cmdline);
			events++;
		} else if (item.kind == CRF_ITEM_PROCESS) {
			processes++;
		} else if (item.kind == CRF_ITEM_PROCESS_EXIT) {
			assert_true(item.process->pid % 2);
			exits++;
		}
	}
	assert_int_equal(events, N);
	assert_int_equal(processes, N);
	assert_int_equal(exits, N / 2);
	assert_int_equal(crf_reader_process(r, N)->parent_id, ids[(N - 1) / 2]);
	assert_int_equal(crf_reader_recovery(r)->unresolved_refs, 0);
	crf_reader_free(r);
	close(rfd);
	util_bytes_free(&file);
}

/* Extreme field values survive the delta encoding, in both directions. */
static void test_event_field_extremes(void **state)
{
	struct crf_writer *w = NULL;
	struct crf_reader *r = NULL;
	struct crf_process_def p = { .pid = UINT32_MAX, .start_time_ns = UINT64_MAX };
	struct crf_event_rec evs[3] = {
		{ .time_ns = UINT64_MAX - 5, .tid = UINT32_MAX, .uid = UINT32_MAX, .cap = INT32_MAX,
		  .flags = 0x1f, .ret = INT32_MIN, .final_ret = INT32_MAX, .syscall_nr = -1,
		  .cgroup_id = UINT64_MAX, .userns_inum = UINT32_MAX, .userns_level = 32 },
		/* Time going backwards is stored, not refused: the reader sees it as written. */
		{ .time_ns = 3, .cap = INT32_MIN, .syscall_nr = INT32_MIN },
		{ .time_ns = UINT64_MAX, .cap = -1 },
	};
	struct crf_item item;
	struct bytes file;
	uint32_t process;
	int fd = util_memfd(), rfd, i = 0;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &process), CRF_OK);
	for (i = 0; i < 3; i++) {
		evs[i].process_id = process;
		assert_int_equal(crf_write_event(w, &evs[i]), CRF_OK);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	rfd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rfd, NULL), CRF_OK);
	i = 0;
	while (crf_reader_next(r, &item, NULL) == 1) {
		const struct crf_event *e = item.event;

		if (item.kind == CRF_ITEM_PROCESS) {
			assert_int_equal(item.process->start_time_ns, UINT64_MAX);
			continue;
		}
		assert_int_equal(item.kind, CRF_ITEM_EVENT);
		assert_int_equal(e->time_ns, evs[i].time_ns);
		assert_int_equal(e->pid, UINT32_MAX);
		assert_int_equal(e->tid, evs[i].tid);
		assert_int_equal(e->uid, evs[i].uid);
		assert_int_equal(e->cap, evs[i].cap);
		assert_int_equal(e->flags, evs[i].flags);
		assert_int_equal(e->ret, evs[i].ret);
		assert_int_equal(e->final_ret, evs[i].final_ret);
		assert_int_equal(e->syscall_nr, evs[i].syscall_nr);
		assert_int_equal(e->cgroup_id, evs[i].cgroup_id);
		assert_int_equal(e->userns_inum, evs[i].userns_inum);
		assert_int_equal(e->userns_level, evs[i].userns_level);
		i++;
	}
	assert_int_equal(i, 3);
	crf_reader_free(r);
	close(rfd);
	util_bytes_free(&file);
}

/*
 * Writes 3000 varied events (random gaps, 3 processes, 2 stacks) in small
 * chunks closed by flushes (chunks closed because they are full are never
 * linked) and a few full ones.
 */
static struct bytes varied_recording(uint32_t key_interval)
{
	struct crf_writer_options opts = { .chunk_max_bytes = 4096, .key_interval = key_interval };
	struct crf_frame_def f = { .kind = CRF_FRAME_KERNEL, .symbol = "ns_capable" };
	struct crf_event_rec ev = { .time_ns = 1000000000ull };
	struct crf_writer *w = NULL;
	uint32_t procs[3], frame, stacks[2], seed = 99;
	struct bytes file;
	int fd = util_memfd(), i;

	assert_int_equal(crf_writer_open(&w, fd, &opts), CRF_OK);
	for (i = 0; i < 3; i++) {
		struct crf_process_def p = { .pid = 500 + i, .comm = "varied" };

		assert_int_equal(crf_define_process(w, &p, &procs[i]), CRF_OK);
	}
	assert_int_equal(crf_intern_frame(w, &f, &frame), CRF_OK);
	assert_int_equal(crf_intern_stack(w, &frame, 1, &stacks[0]), CRF_OK);
	stacks[1] = 0;
	for (i = 0; i < 3000; i++) {
		seed = seed * 1103515245u + 12345u;
		/* ns gaps from 0 to ~16 ms, sometimes a step back (another CPU) */
		ev.time_ns += (seed >> 8) % ((seed & 3) ? 4096 : 1u << 24);
		if ((seed >> 4) % 97 == 0)
			ev.time_ns -= 700;
		ev.process_id = procs[(seed >> 12) % 3];
		ev.tid = 500 + (seed >> 12) % 3;
		ev.cap = (int32_t)((seed >> 16) % 41);
		ev.ret = (seed >> 20) & 1 ? -1 : 0;
		ev.kernel_stack_id = stacks[(seed >> 21) & 1];
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
		if (i % 700 == 0)
			assert_int_equal(crf_write_loss(w, ev.time_ns, 1), CRF_OK);
		if (i % 97 == 0 && i < 2500)
			assert_int_equal(crf_writer_flush(w), CRF_OK);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	return file;
}

/* Folds every event field into a running checksum, in file order. */
static uint64_t events_digest(const struct bytes *file, uint64_t *events)
{
	struct crf_reader *r = NULL;
	struct crf_item item;
	uint64_t digest = 1469598103934665603ull;
	int fd = util_fd_with(file->data, file->len);

	assert_int_equal(crf_reader_open(&r, fd, NULL), CRF_OK);
	*events = 0;
	while (crf_reader_next(r, &item, NULL) == 1) {
		const struct crf_event *e = item.event;
		uint64_t fields[7];

		if (item.kind != CRF_ITEM_EVENT)
			continue;
		fields[0] = e->time_ns;
		fields[1] = e->pid;
		fields[2] = e->tid;
		fields[3] = (uint32_t)e->cap;
		fields[4] = (uint32_t)e->ret;
		fields[5] = e->kernel_stack ? e->kernel_stack->frames[0]->symbol_offset + 1 : 0;
		fields[6] = e->index;
		for (int i = 0; i < 7; i++)
			digest = (digest ^ fields[i]) * 1099511628211ull;
		(*events)++;
	}
	assert_int_equal(crf_reader_recovery(r)->blocks_skipped, 0);
	assert_true(crf_reader_recovery(r)->clean_end);
	crf_reader_free(r);
	close(fd);
	return digest;
}

/*
 * Linked chunks (every chunk independent, chains of 3, the default) carry
 * the same events: the prefix and the time column change bytes, not
 * content. Linking makes small chunks smaller.
 */
static void test_linked_chunks_read_the_same(void **state)
{
	struct bytes independent = varied_recording(1), chains = varied_recording(3),
		     linked = varied_recording(0);
	uint64_t n1, n3, n0, digest = events_digest(&independent, &n1);

	(void)state;
	assert_int_equal(n1, 3000);
	assert_int_equal(events_digest(&chains, &n3), digest);
	assert_int_equal(events_digest(&linked, &n0), digest);
	assert_int_equal(n3, 3000);
	assert_int_equal(n0, 3000);
	assert_true(linked.len < chains.len);
	assert_true(chains.len < independent.len);
	util_bytes_free(&independent);
	util_bytes_free(&chains);
	util_bytes_free(&linked);
}

/*
 * Recompresses a codec-2 chunk's frame (48 bytes into its body) at level with
 * the given prefix: the same bytes? Its content goes to content (1 MiB), its
 * size to *content_len.
 */
static bool frame_made_at_level(const uint8_t *block, const uint8_t *prefix, size_t prefix_len,
				int level, uint8_t *content, size_t *content_len)
{
	uint32_t body_len = block[8] | block[9] << 8 | block[10] << 16 | (uint32_t)block[11] << 24;
	const uint8_t *frame = block + 16 + 48;
	size_t frame_len = body_len - 48, cap = 1 << 20, n, m;
	uint8_t *again = malloc(cap);
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	bool same;

	assert_false(ZSTD_isError(ZSTD_DCtx_refPrefix(dctx, prefix, prefix_len)));
	n = ZSTD_decompressDCtx(dctx, content, cap, frame, frame_len);
	assert_false(ZSTD_isError(n));
	*content_len = n;
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_refPrefix(cctx, prefix, prefix_len);
	m = ZSTD_compress2(cctx, again, cap, content, n);
	same = m == frame_len && !memcmp(again, frame, m);
	ZSTD_freeCCtx(cctx);
	ZSTD_freeDCtx(dctx);
	free(again);
	return same;
}

/*
 * The writer's linking policy (FORMAT.md "Linked chunks"): chunks closed
 * because they are full are independent, at zstd_level; a chunk closed
 * before it filled links to its predecessor with a prefix of at most twice
 * its own size, at quiet_zstd_level (crf_writer.h).
 */
static void test_full_chunks_are_independent(void **state)
{
	struct crf_writer_options opts = { .chunk_max_bytes = 4096, .quiet_zstd_level = 6 };
	struct crf_process_def p = { .pid = 9 };
	struct crf_event_rec ev = { .time_ns = 1, .cap = 24 };
	struct block_span spans[64];
	struct crf_writer *w = NULL;
	struct bytes file;
	size_t n, i, chunks = 0, full_len, quiet_len;
	uint8_t *full_content = malloc(1 << 20), *quiet_content = malloc(1 << 20);
	const uint8_t *last;
	int fd = util_memfd();
	uint32_t seed = 5;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, &opts), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &ev.process_id), CRF_OK);
	for (i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		ev.time_ns += 3000 + (seed >> 16) % 300;
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	}
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	n = util_blocks(file.data, file.len, spans, 64);
	assert_int_equal(spans[n - 1].type, CRF_BLOCK_END);
	for (i = 0; i < n - 2; i++) {
		assert_int_equal(spans[i].type, CRF_BLOCK_CHUNK);
		assert_int_equal(spans[i].prefix_length, 0);
		chunks++;
	}
	assert_true(chunks >= 5);
	assert_true(frame_made_at_level(file.data + spans[0].offset, NULL, 0, 3, full_content,
					&full_len));
	/* The last chunk was closed by the END block before it filled: linked. */
	assert_int_equal(spans[n - 2].type, CRF_BLOCK_CHUNK);
	assert_true(spans[n - 2].prefix_length > 0);
	last = file.data + spans[n - 2].offset + 16 + 8; /* uncompressed_size */
	assert_true(spans[n - 2].prefix_length <=
		    2 * (last[0] | last[1] << 8 | last[2] << 16 | (uint32_t)last[3] << 24));
	/* ... compressed at quiet_zstd_level, its prefix the end of the full chunk before it. */
	assert_true(frame_made_at_level(file.data + spans[n - 3].offset, NULL, 0, 3, full_content,
					&full_len));
	assert_true(spans[n - 2].prefix_length <= full_len);
	assert_true(frame_made_at_level(file.data + spans[n - 2].offset,
					full_content + full_len - spans[n - 2].prefix_length,
					spans[n - 2].prefix_length, 6, quiet_content, &quiet_len));
	assert_false(frame_made_at_level(file.data + spans[n - 2].offset,
					 full_content + full_len - spans[n - 2].prefix_length,
					 spans[n - 2].prefix_length, 3, quiet_content, &quiet_len));
	free(full_content);
	free(quiet_content);
	assert_int_equal(util_read_all(file.data, file.len).events, 20000);
	util_bytes_free(&file);
}

static void test_writer_refuses_misuse(void **state)
{
	struct crf_writer *w = NULL;
	struct crf_writer_options big = { .chunk_max_bytes = CRF_MAX_CHUNK_UNCOMPRESSED };
	struct crf_event_rec ev = { .process_id = 1 };
	struct crf_process_def p = { .pid = 1 };
	uint32_t id, frames[CRF_MAX_STACK_DEPTH + 1] = { 0 };
	char *long_string = malloc(CRF_MAX_STRING_LEN + 2);
	uint8_t bid[CRF_MAX_BUILD_ID_LEN + 1] = { 0 };
	int fd = util_memfd();

	(void)state;
	assert_int_equal(crf_writer_open(&w, -1, NULL), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_writer_open(&w, fd, &big), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	/* References must name ids already defined. */
	assert_int_equal(crf_write_event(w, &ev), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_define_process(w, &p, &id), CRF_OK);
	ev.kernel_stack_id = 9;
	assert_int_equal(crf_write_event(w, &ev), CRF_ERR_INVALID_ARG);
	ev.kernel_stack_id = 0;
	ev.flags = 1u << 7;
	assert_int_equal(crf_write_event(w, &ev), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_write_process_exit(w, 2, 0, 0), CRF_ERR_INVALID_ARG);
	memset(long_string, 'a', CRF_MAX_STRING_LEN + 1);
	long_string[CRF_MAX_STRING_LEN + 1] = 0;
	assert_int_equal(crf_intern_string(w, long_string, &id), CRF_ERR_LIMIT);
	assert_int_equal(crf_intern_stack(w, frames, CRF_MAX_STACK_DEPTH + 1, &id), CRF_ERR_LIMIT);
	assert_int_equal(crf_intern_stack(w, frames, 1, &id), CRF_ERR_INVALID_ARG);
	assert_int_equal(crf_intern_binary(w, "/x", bid, sizeof(bid), &id), CRF_ERR_LIMIT);
	/* An over-long command line is cut, not refused. */
	p.cmdline = long_string;
	assert_int_equal(crf_define_process(w, &p, &id), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_ERR_INVALID_ARG);
	crf_writer_free(w);
	crf_writer_free(NULL);
	crf_reader_free(NULL);
	free(long_string);
	close(fd);
}

/* tick() closes a chunk only once it is older than chunk_max_age_ns. */
static void test_tick_closes_old_chunks(void **state)
{
	struct crf_writer_options opts = { .chunk_max_age_ns = 1000000000ull };
	struct crf_writer *w = NULL;
	struct crf_writer_stats stats;
	struct crf_process_def p = { .pid = 1 };
	struct crf_event_rec ev = { .time_ns = 5 };
	struct timespec now;
	uint64_t now_ns;
	int fd = util_memfd();

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, &opts), CRF_OK);
	assert_int_equal(crf_define_process(w, &p, &ev.process_id), CRF_OK);
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	assert_int_equal(crf_writer_tick(w, now_ns), CRF_OK);
	crf_writer_stats(w, &stats);
	assert_int_equal(stats.chunks, 0);
	assert_int_equal(crf_writer_tick(w, now_ns + 1500000000ull), CRF_OK);
	crf_writer_stats(w, &stats);
	assert_int_equal(stats.chunks, 1);
	assert_int_equal(stats.events, 1);
	/* Nothing open: nothing to close. */
	assert_int_equal(crf_writer_flush(w), CRF_OK);
	crf_writer_stats(w, &stats);
	assert_int_equal(stats.chunks, 1);
	crf_writer_free(w);
	close(fd);
}

/* Boot time converts with the latest anchor not after it, else the earliest. */
static void test_clock_anchors(void **state)
{
	struct crf_writer *w = NULL;
	struct crf_reader *r = NULL;
	struct crf_item item;
	struct bytes file;
	uint64_t real;
	int fd = util_memfd(), rfd;

	(void)state;
	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_write_clock(w, 1000, 50000), CRF_OK);
	/* The wall clock was stepped back by 10000 ns between the anchors. */
	assert_int_equal(crf_write_clock(w, 5000, 44000), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	file = util_read_fd(fd);
	close(fd);
	rfd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&r, rfd, NULL), CRF_OK);
	assert_false(crf_reader_boot_to_realtime(r, 1000, &real));
	while (crf_reader_next(r, &item, NULL) == 1)
		assert_int_equal(item.kind, CRF_ITEM_CLOCK);
	assert_true(crf_reader_boot_to_realtime(r, 1500, &real));
	assert_int_equal(real, 50500);
	assert_true(crf_reader_boot_to_realtime(r, 6000, &real));
	assert_int_equal(real, 45000);
	assert_true(crf_reader_boot_to_realtime(r, 400, &real));
	assert_int_equal(real, 49400);
	crf_reader_free(r);
	close(rfd);
	util_bytes_free(&file);
}

static void test_status_names(void **state)
{
	int code;

	(void)state;
	for (code = CRF_OK; code >= CRF_ERR_COMPRESS; code--)
		assert_string_not_equal(crf_strerror(code), "unknown error");
	assert_string_equal(crf_strerror(-100), "unknown error");
	assert_string_equal(crf_strerror(CRF_ERR_TRUNCATED), "truncated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_block_and_record_type),
		cmocka_unit_test(test_interning_dedups_by_content),
		cmocka_unit_test(test_many_interned_strings),
		cmocka_unit_test(test_thousands_of_processes),
		cmocka_unit_test(test_event_field_extremes),
		cmocka_unit_test(test_linked_chunks_read_the_same),
		cmocka_unit_test(test_full_chunks_are_independent),
		cmocka_unit_test(test_writer_refuses_misuse),
		cmocka_unit_test(test_tick_closes_old_chunks),
		cmocka_unit_test(test_clock_anchors),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
