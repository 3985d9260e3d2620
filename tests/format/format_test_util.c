// SPDX-License-Identifier: GPL-2.0-only
/* format_test_util.c - helpers shared by the format tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "format_test_util.h"

int util_memfd(void)
{
	int fd = memfd_create("crf-test", 0);

	assert_true(fd >= 0);
	return fd;
}

struct bytes util_read_fd(int fd)
{
	struct bytes b = { 0 };
	off_t size = lseek(fd, 0, SEEK_END);

	assert_true(size >= 0);
	b.data = malloc(size ? (size_t)size : 1);
	assert_non_null(b.data);
	assert_int_equal(pread(fd, b.data, (size_t)size, 0), size);
	b.len = (size_t)size;
	return b;
}

int util_fd_with(const uint8_t *data, size_t len)
{
	int fd = util_memfd();

	if (len)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

void util_bytes_free(struct bytes *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

struct read_summary util_read_all(const uint8_t *data, size_t len)
{
	struct read_summary s = { 0 };
	struct crf_reader *r = NULL;
	struct crf_item item;
	int fd = util_fd_with(data, len);
	int ret;

	s.open_status = crf_reader_open(&r, fd, &s.open_error);
	if (s.open_status)
		goto cleanup;
	while ((ret = crf_reader_next(r, &item, NULL)) == 1) {
		switch (item.kind) {
		case CRF_ITEM_EVENT:
			s.events++;
			break;
		case CRF_ITEM_PROCESS:
			s.processes++;
			break;
		case CRF_ITEM_PROCESS_EXIT:
			s.exits++;
			break;
		case CRF_ITEM_LOSS:
			s.losses++;
			break;
		case CRF_ITEM_METADATA:
			s.metadata_items++;
			break;
		default:
			break;
		}
	}
	s.last_status = ret;
	s.rec = *crf_reader_recovery(r);
cleanup:
	crf_reader_free(r);
	close(fd);
	return s;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t util_blocks(const uint8_t *data, size_t len, struct block_span *spans, size_t max)
{
	size_t n = 0;
	uint64_t off = le32(data + 16); /* header_length */

	while (off + 20 <= len && n < max) {
		struct block_span *s = &spans[n++];

		s->offset = off;
		s->type = le32(data + off);
		s->total = le32(data + off + 4);
		s->events = s->type == CRF_BLOCK_CHUNK ? le32(data + off + 16 + 4) : 0;
		s->prefix_length = 0;
		/* codec 2: the link fields follow the 40-byte chunk header */
		if (s->type == CRF_BLOCK_CHUNK && le32(data + off + 16 + 12) == 2)
			s->prefix_length = le32(data + off + 16 + 44);
		assert_true(s->total >= 20 && off + s->total <= len);
		off += s->total;
	}
	return n;
}

size_t util_lost_dependents(const struct block_span *spans, size_t n, const bool *damaged,
			    bool *lost)
{
	bool previous_chunk_lost = false;
	size_t added = 0, i;

	for (i = 0; i < n; i++) {
		lost[i] = damaged[i];
		if (spans[i].type != CRF_BLOCK_CHUNK)
			continue;
		if (!lost[i] && spans[i].prefix_length && previous_chunk_lost) {
			lost[i] = true;
			added++;
		}
		previous_chunk_lost = lost[i];
	}
	return added;
}

struct bytes util_small_recording(uint64_t *events)
{
	return util_small_recording_keyed(events, 0);
}

struct bytes util_small_recording_keyed(uint64_t *events, uint32_t key_interval)
{
	static const char *const caps[] = { "cap_chown", "cap_dac_override", NULL, "cap_fowner" };
	static const uint8_t build_id[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	/* Chunks closed by flushes, not full, so the writer links them (FORMAT.md "Linked chunks"). */
	struct crf_writer_options opts = { .key_interval = key_interval };
	struct crf_kv kvs[] = {
		{ "host.hostname", "testhost" },
		{ "recorder.attach_mode", "tracepoint" },
		{ "x.unknown", "kept" },
	};
	struct crf_writer *w = NULL;
	uint32_t bin, proc[3], kframes[3], uframe, kstack, ustack, comm;
	struct crf_frame_def kf = { .kind = CRF_FRAME_KERNEL };
	struct crf_frame_def uf = { .kind = CRF_FRAME_USER, .symbol = "main", .symbol_offset = 12,
				    .file_offset = 0x1234 };
	struct crf_event_rec ev = { 0 };
	struct bytes out;
	int fd = util_memfd();
	int i;

	assert_int_equal(crf_writer_open(&w, fd, &opts), CRF_OK);
	assert_int_equal(crf_write_metadata(w, kvs, 3), CRF_OK);
	assert_int_equal(crf_write_cap_names(w, caps, 4), CRF_OK);
	assert_int_equal(crf_write_clock(w, 1000000000ull, 1700000000000000000ull), CRF_OK);
	assert_int_equal(crf_intern_binary(w, "/usr/bin/demo", build_id, 20, &bin), CRF_OK);
	for (i = 0; i < 3; i++) {
		struct crf_process_def p = { .pid = 100 + i, .ppid = 1, .start_time_ns = 5000 + i,
					     .exe_binary_id = bin, .uid = 0, .cgroup_id = 77,
					     .exe_path = "/usr/bin/demo", .cmdline = "demo -x",
					     .comm = "demo", .cgroup_path = "/system.slice/x" };

		p.parent_id = i ? proc[0] : 0;
		assert_int_equal(crf_define_process(w, &p, &proc[i]), CRF_OK);
	}
	kf.symbol = "capable";
	kf.symbol_offset = 0x10;
	assert_int_equal(crf_intern_frame(w, &kf, &kframes[0]), CRF_OK);
	kf.symbol = "ns_capable";
	kf.module = "";
	assert_int_equal(crf_intern_frame(w, &kf, &kframes[1]), CRF_OK);
	kf.symbol = "ext4_setattr";
	kf.module = "ext4";
	assert_int_equal(crf_intern_frame(w, &kf, &kframes[2]), CRF_OK);
	uf.binary_id = bin;
	assert_int_equal(crf_intern_frame(w, &uf, &uframe), CRF_OK);
	assert_int_equal(crf_intern_stack(w, kframes, 3, &kstack), CRF_OK);
	assert_int_equal(crf_intern_stack(w, &uframe, 1, &ustack), CRF_OK);
	assert_int_equal(crf_intern_string(w, "demo-worker", &comm), CRF_OK);
	*events = 0;
	for (i = 0; i < 40; i++) {
		ev.time_ns = 2000000000ull + (uint64_t)i * 1500;
		ev.process_id = proc[i % 3];
		ev.tid = 100 + (uint32_t)(i % 3);
		ev.comm_id = comm;
		ev.cap = i % 4;
		ev.flags = CRF_EV_AUDIT;
		ev.ret = (i % 5) ? 0 : -1;
		ev.syscall_nr = 90;
		ev.kernel_stack_id = (i % 2) ? kstack : 0;
		ev.user_stack_id = (i % 2) ? ustack : 0;
		assert_int_equal(crf_write_event(w, &ev), CRF_OK);
		(*events)++;
		if (i % 4 == 3)
			assert_int_equal(crf_writer_flush(w), CRF_OK);
		if (i == 20)
			assert_int_equal(crf_write_loss(w, ev.time_ns + 1, 7), CRF_OK);
	}
	assert_int_equal(crf_write_process_exit(w, proc[2], 2000100000ull, 256), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	out = util_read_fd(fd);
	close(fd);
	return out;
}
