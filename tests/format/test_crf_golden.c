// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_crf_golden.c - FORMAT.md and the code agree:
 *  - Appendix A's bytes are rebuilt here by hand, field by field, from the
 *    spec's tables (no writer code), and equal both the hex in FORMAT.md and
 *    what the writer writes for the same calls;
 *  - a file with a CHUNK hand-assembled from the record tables (varints,
 *    zigzag, the EVENT field mask) reads back as the documented values;
 *  - two linked (codec 2) chunks hand-assembled from the spec equal Appendix
 *    B's content bytes and the writer's file for the same calls;
 *  - the block-type registry table equals crf_block_type_name().
 * Usage: test_crf_golden PATH/TO/FORMAT.md
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>

#include "crf_layout.h"
#include "format_test_util.h"

static const char *format_md_path;

/* A little-endian byte assembler: the test's own, independent of format/common. */
struct asm_buf {
	uint8_t data[8192];
	size_t len;
};

static void u8(struct asm_buf *b, uint8_t v)
{
	assert_true(b->len < sizeof(b->data));
	b->data[b->len++] = v;
}

static void le(struct asm_buf *b, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		u8(b, (uint8_t)(v >> (8 * i)));
}

static void raw(struct asm_buf *b, const void *p, size_t n)
{
	assert_true(b->len + n <= sizeof(b->data));
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void varint(struct asm_buf *b, uint64_t v)
{
	do {
		u8(b, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

static void zigzag(struct asm_buf *b, int64_t v)
{
	varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static void set_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* FORMAT.md "File header", version major.minor, header_length 24. */
static void file_header(struct asm_buf *b, uint16_t major, uint16_t minor)
{
	size_t start = b->len;

	raw(b, "\x89" "CRF\r\n\x1a\n", 8);
	le(b, 0x1a2b3c4d, 4);
	le(b, major, 2);
	le(b, minor, 2);
	le(b, 24, 4);
	le(b, crc32(crc32(0, Z_NULL, 0), b->data + start, 20), 4);
}

/* FORMAT.md "Block structure": frames body[0..n) as a block of type. */
static void block(struct asm_buf *b, uint32_t type, const uint8_t *body, uint32_t n)
{
	size_t start = b->len;
	uint32_t total = ((16 + n + 3) & ~3u) + 4;
	uLong crc;

	le(b, type, 4);
	le(b, total, 4);
	le(b, n, 4);
	le(b, 0, 4); /* crc, below */
	raw(b, body, n);
	while ((b->len - start) % 4)
		u8(b, 0);
	le(b, total, 4);
	crc = crc32(crc32(0, Z_NULL, 0), b->data + start, 12);
	crc = crc32(crc, b->data + start + 16, total - 20);
	set_le32(b->data + start + 12, (uint32_t)crc);
}

/* Appendix A, assembled from the field tables. */
static void appendix_a_by_hand(struct asm_buf *file)
{
	struct asm_buf body;

	file_header(file, 1, 2);
	body.len = 0; /* METADATA */
	le(&body, 1, 4);
	le(&body, 13, 2);
	raw(&body, "host.hostname", 13);
	le(&body, 1, 2);
	raw(&body, "h", 1);
	block(file, 1, body.data, (uint32_t)body.len);
	body.len = 0; /* CAPNAMES */
	le(&body, 2, 4);
	le(&body, 9, 2);
	raw(&body, "cap_chown", 9);
	le(&body, 0, 2);
	block(file, 2, body.data, (uint32_t)body.len);
	body.len = 0; /* CLOCK */
	le(&body, 1000000000ull, 8);
	le(&body, 1700000000000000000ull, 8);
	block(file, 3, body.data, (uint32_t)body.len);
	body.len = 0; /* LOSS */
	le(&body, 2000000000ull, 8);
	le(&body, 5, 8);
	le(&body, 0, 8);
	block(file, 5, body.data, (uint32_t)body.len);
	body.len = 0; /* END */
	le(&body, 0, 8);
	le(&body, 5, 8);
	le(&body, 4, 8);
	block(file, 6, body.data, (uint32_t)body.len);
}

static char *read_text_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	text = malloc((size_t)size + 1);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	text[size] = 0;
	fclose(f);
	return text;
}

/* The bytes of the first ```hex fence after heading in FORMAT.md. */
static size_t hex_after(const char *heading, uint8_t *out, size_t max)
{
	char *text = read_text_file(format_md_path);
	char *p = strstr(text, heading);
	char *end;
	size_t n = 0;

	assert_non_null(p);
	p = strstr(p, "```hex\n");
	assert_non_null(p);
	p += 7;
	end = strstr(p, "```");
	assert_non_null(end);
	while (p < end) {
		unsigned int byte;
		int used;

		if (sscanf(p, " %2x%n", &byte, &used) != 1)
			break;
		assert_true(n < max);
		out[n++] = (uint8_t)byte;
		p += used;
	}
	free(text);
	return n;
}

static void test_appendix_a(void **state)
{
	static const char *const caps[] = { "cap_chown", NULL };
	struct crf_kv kv = { "host.hostname", "h" };
	struct asm_buf by_hand = { .len = 0 };
	uint8_t documented[1024];
	size_t documented_len = hex_after("## Appendix A", documented, sizeof(documented));
	struct crf_writer *w = NULL;
	struct read_summary s;
	struct bytes written;
	int fd = util_memfd();

	(void)state;
	appendix_a_by_hand(&by_hand);
	assert_int_equal(documented_len, by_hand.len);
	assert_memory_equal(documented, by_hand.data, by_hand.len);

	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_write_metadata(w, &kv, 1), CRF_OK);
	assert_int_equal(crf_write_cap_names(w, caps, 2), CRF_OK);
	assert_int_equal(crf_write_clock(w, 1000000000ull, 1700000000000000000ull), CRF_OK);
	assert_int_equal(crf_write_loss(w, 2000000000ull, 5), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	written = util_read_fd(fd);
	close(fd);
	assert_int_equal(written.len, by_hand.len);
	assert_memory_equal(written.data, by_hand.data, by_hand.len);

	s = util_read_all(by_hand.data, by_hand.len);
	assert_int_equal(s.open_status, CRF_OK);
	assert_int_equal(s.losses, 1);
	assert_true(s.rec.clean_end);
	assert_int_equal(s.rec.end_lost, 5);
	assert_int_equal(s.rec.blocks_read, 5);
	util_bytes_free(&written);
}

/* A definition record: type, body length, body. */
static void record(struct asm_buf *chunk, uint8_t type, const struct asm_buf *body)
{
	u8(chunk, type);
	varint(chunk, body->len);
	raw(chunk, body->data, body->len);
}

/*
 * Hand-assembles a chunk per "Chunk records": strings, a binary, a
 * process, frames, stacks, an unknown record type, three delta-encoded
 * events and a process exit; checks the reader sees exactly that.
 */
static void test_chunk_by_hand(void **state)
{
	static const uint8_t build_id[4] = { 0xb1, 0x1d, 0x1d, 0x00 };
	struct asm_buf file = { .len = 0 }, chunk = { .len = 0 }, r, body = { .len = 0 };
	uint8_t frame[2048];
	size_t frame_len;
	struct crf_reader *reader = NULL;
	struct crf_item item;
	int fd, n_events = 0, ret;
	const struct crf_event *e;

	(void)state;
	/* strings 1 "sshd", 2 "/usr/sbin/sshd", 3 "ns_capable", 4 "nf_tables", 5 "main" */
	const char *strings[] = { "sshd", "/usr/sbin/sshd", "ns_capable", "nf_tables", "main" };
	for (int i = 0; i < 5; i++) {
		r.len = 0;
		varint(&r, (uint64_t)i + 1);
		varint(&r, strlen(strings[i]));
		raw(&r, strings[i], strlen(strings[i]));
		record(&chunk, 1, &r);
	}
	r.len = 0; /* BINARY 1: /usr/sbin/sshd, 4-byte build-id */
	varint(&r, 1);
	varint(&r, 2);
	varint(&r, 4);
	raw(&r, build_id, 4);
	record(&chunk, 2, &r);
	r.len = 0; /* PROCESS 1 */
	varint(&r, 1);      /* id */
	varint(&r, 812);    /* pid */
	varint(&r, 1);      /* ppid */
	varint(&r, 123456789012ull); /* start_time_ns */
	varint(&r, 0);      /* parent_id */
	varint(&r, 1);      /* exe_binary_id */
	varint(&r, 0);      /* uid */
	varint(&r, 4242);   /* cgroup_id */
	varint(&r, 2);      /* exe_path */
	varint(&r, 0);      /* cmdline: none */
	varint(&r, 1);      /* comm */
	varint(&r, 0);      /* cgroup_path */
	varint(&r, 0);      /* container_id */
	varint(&r, 0);      /* exe_path_used (1.2): none */
	varint(&r, 99);     /* a field appended by a later minor version: ignored */
	record(&chunk, 3, &r);
	r.len = 0; /* FRAME 1: kernel vmlinux ns_capable+0x15 */
	varint(&r, 1);
	varint(&r, 1);
	varint(&r, 0);
	varint(&r, 3);
	varint(&r, 0x15);
	varint(&r, 0);
	varint(&r, 0);
	record(&chunk, 5, &r);
	r.len = 0; /* FRAME 2: kernel nf_tables, unresolved symbol */
	varint(&r, 2);
	varint(&r, 1);
	varint(&r, 4);
	varint(&r, 0);
	varint(&r, 0x99);
	varint(&r, 0);
	varint(&r, 0);
	record(&chunk, 5, &r);
	r.len = 0; /* FRAME 3: user main+8 in binary 1 at file offset 0x4010 */
	varint(&r, 3);
	varint(&r, 2);
	varint(&r, 0);
	varint(&r, 5);
	varint(&r, 8);
	varint(&r, 1);
	varint(&r, 0x4010);
	record(&chunk, 5, &r);
	r.len = 0; /* STACK 1: frames 1, 2 */
	varint(&r, 1);
	varint(&r, 2);
	varint(&r, 1);
	varint(&r, 2);
	record(&chunk, 6, &r);
	r.len = 0; /* STACK 2: frame 3 */
	varint(&r, 2);
	varint(&r, 1);
	varint(&r, 3);
	record(&chunk, 6, &r);
	r.len = 0; /* record type 42, unknown: skipped by its length */
	raw(&r, "future", 6);
	record(&chunk, 42, &r);
	/* EVENT 1: t = 5000000000, tid 812, cap 12, kstack 1, ustack 2, ret -1, syscall 16,
	 * process 1, comm 1, flags AUDIT|FINAL_KNOWN, final_ret -1, uid 0. */
	u8(&chunk, 7);
	zigzag(&chunk, 5000000000ll);
	varint(&chunk, 0x3ff & ~0u); /* bits 0..9 */
	varint(&chunk, 812);
	zigzag(&chunk, 12);
	varint(&chunk, 1);
	varint(&chunk, 2);
	zigzag(&chunk, -1);
	zigzag(&chunk, 16);
	varint(&chunk, 1);
	varint(&chunk, 1);
	varint(&chunk, 0x11);
	zigzag(&chunk, -1);
	/* EVENT 2: 1500 ns later, only cap changes to 21. */
	u8(&chunk, 7);
	zigzag(&chunk, 1500);
	varint(&chunk, 1u << 1);
	zigzag(&chunk, 21);
	/* EVENT 3: 300 ns earlier (out of order), nothing changes but userns_level 2. */
	u8(&chunk, 7);
	zigzag(&chunk, -300);
	varint(&chunk, 1u << 13);
	varint(&chunk, 2);
	r.len = 0; /* PROCESS_EXIT of process 1, status 256 */
	varint(&r, 1);
	varint(&r, 5000002000ull);
	zigzag(&r, 256);
	record(&chunk, 4, &r);

	frame_len = ZSTD_compress(frame, sizeof(frame), chunk.data, chunk.len, 3);
	assert_false(ZSTD_isError(frame_len));
	le(&body, 17, 4);        /* record_count: 5 + 1 + 1 + 3 + 2 + 1 + 3 + 1 */
	le(&body, 3, 4);         /* event_count */
	le(&body, chunk.len, 4); /* uncompressed_size */
	le(&body, 1, 4);         /* codec zstd */
	le(&body, 5000000000ull, 8);
	le(&body, 5000001200ull, 8);
	le(&body, 1000, 8);      /* events_before: numbering starts at 1000 */
	raw(&body, frame, frame_len);
	file_header(&file, 1, 3); /* minor 3: newer than this reader, still read */
	block(&file, 4, body.data, (uint32_t)body.len);

	fd = util_fd_with(file.data, file.len);
	assert_int_equal(crf_reader_open(&reader, fd, NULL), CRF_OK);
	while ((ret = crf_reader_next(reader, &item, NULL)) == 1) {
		if (item.kind == CRF_ITEM_PROCESS) {
			const struct crf_process *p = item.process;

			assert_int_equal(item.offset, 24);
			assert_int_equal(p->pid, 812);
			assert_int_equal(p->start_time_ns, 123456789012ull);
			assert_int_equal(p->cgroup_id, 4242);
			assert_string_equal(p->comm, "sshd");
			assert_string_equal(p->exe_path, "/usr/sbin/sshd");
			assert_null(p->cmdline);
			assert_string_equal(p->exe_binary->path, "/usr/sbin/sshd");
			assert_int_equal(p->exe_binary->build_id_len, 4);
			assert_memory_equal(p->exe_binary->build_id, build_id, 4);
			continue;
		}
		if (item.kind == CRF_ITEM_PROCESS_EXIT) {
			assert_int_equal(n_events, 3);
			assert_int_equal(item.process->exit_status, 256);
			assert_int_equal(item.process->exit_time_ns, 5000002000ull);
			continue;
		}
		assert_int_equal(item.kind, CRF_ITEM_EVENT);
		e = item.event;
		assert_int_equal(e->index, 1000 + n_events);
		assert_int_equal(e->pid, 812);
		assert_int_equal(e->tid, 812);
		assert_string_equal(e->comm, "sshd");
		assert_int_equal(e->ret, -1);
		assert_int_equal(e->syscall_nr, 16);
		assert_int_equal(e->flags, CRF_EV_AUDIT | CRF_EV_FINAL_KNOWN);
		assert_int_equal(e->final_ret, -1);
		assert_int_equal(e->kernel_stack->depth, 2);
		assert_string_equal(e->kernel_stack->frames[0]->symbol, "ns_capable");
		assert_int_equal(e->kernel_stack->frames[0]->symbol_offset, 0x15);
		assert_string_equal(e->kernel_stack->frames[0]->module, "");
		assert_string_equal(e->kernel_stack->frames[1]->module, "nf_tables");
		assert_null(e->kernel_stack->frames[1]->symbol);
		assert_int_equal(e->user_stack->frames[0]->kind, CRF_FRAME_USER);
		assert_int_equal(e->user_stack->frames[0]->file_offset, 0x4010);
		assert_string_equal(e->user_stack->frames[0]->symbol, "main");
		assert_ptr_equal(e->user_stack->frames[0]->binary, e->process->exe_binary);
		switch (n_events++) {
		case 0:
			assert_int_equal(e->time_ns, 5000000000ull);
			assert_int_equal(e->cap, 12);
			assert_int_equal(e->userns_level, 0);
			break;
		case 1:
			assert_int_equal(e->time_ns, 5000001500ull);
			assert_int_equal(e->cap, 21);
			break;
		case 2:
			assert_int_equal(e->time_ns, 5000001200ull);
			assert_int_equal(e->cap, 21);
			assert_int_equal(e->userns_level, 2);
			break;
		}
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n_events, 3);
	assert_int_equal(crf_reader_recovery(reader)->blocks_skipped, 0);
	assert_int_equal(crf_reader_recovery(reader)->unresolved_refs, 0);
	/* No END block: read completely, but not a clean end, and not truncated. */
	assert_false(crf_reader_recovery(reader)->clean_end);
	assert_false(crf_reader_recovery(reader)->truncated);
	crf_reader_free(reader);
	close(fd);
}


/* zstd as the reference writer uses it: level 3, checksum, content size. */
static size_t compress_frame(uint8_t *out, size_t cap, const struct asm_buf *content,
			     const uint8_t *prefix, size_t prefix_len)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t n;

	assert_non_null(cctx);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)));
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1)));
	assert_false(ZSTD_isError(ZSTD_CCtx_refPrefix(cctx, prefix, prefix_len)));
	n = ZSTD_compress2(cctx, out, cap, content->data, content->len);
	assert_false(ZSTD_isError(n));
	ZSTD_freeCCtx(cctx);
	return n;
}

/* A codec-2 CHUNK body per "CHUNK": the header, the link fields, the frame. */
static void linked_chunk(struct asm_buf *file, uint32_t records, uint32_t events,
			 const struct asm_buf *content, uint64_t first, uint64_t last,
			 uint64_t before, uint32_t seq, const uint8_t *prefix, size_t prefix_len)
{
	struct asm_buf body = { .len = 0 };
	uint8_t frame[1024];
	size_t frame_len = compress_frame(frame, sizeof(frame), content, prefix, prefix_len);

	le(&body, records, 4);
	le(&body, events, 4);
	le(&body, content->len, 4);
	le(&body, 2, 4); /* codec: zstd linked */
	le(&body, first, 8);
	le(&body, last, 8);
	le(&body, before, 8);
	le(&body, seq, 4);
	le(&body, prefix_len, 4);
	raw(&body, frame, frame_len);
	block(file, 4, body.data, (uint32_t)body.len);
}

/*
 * Appendix B: two codec-2 chunks assembled from "Chunk content", "Linked
 * chunks" and the record tables; the first one's content equals the hex in
 * FORMAT.md, the file equals the writer's for the same calls, and it reads
 * back as those calls. With the first chunk damaged, the second (linked)
 * is reported lost at its own offset.
 */
static void test_linked_chunks_by_hand(void **state)
{
	struct asm_buf file = { .len = 0 }, c0 = { .len = 0 }, c1 = { .len = 0 }, r;
	struct asm_buf end = { .len = 0 };
	struct crf_process_def pdef = { .pid = 7, .comm = "sh" };
	struct crf_event_rec ev = { .tid = 7, .cap = 21 };
	uint8_t documented[256];
	size_t documented_len = hex_after("## Appendix B", documented, sizeof(documented));
	struct crf_writer *w = NULL;
	struct read_summary s;
	struct bytes written;
	uint32_t string_id;
	size_t chunk1_offset;
	int fd = util_memfd();

	(void)state;
	/* Chunk 0: times 1000 and 1300 (zigzag deltas 2000 and 600). */
	varint(&c0, 2);          /* time_high_length */
	u8(&c0, 2000 & 0xff);    /* time_low */
	u8(&c0, 600 & 0xff);
	varint(&c0, 2000 >> 8);  /* time_high */
	varint(&c0, 600 >> 8);
	for (int i = 0; i < 5; i++)
		varint(&c0, 1);  /* next ids: strings .. stacks, all 1 */
	r.len = 0;               /* STRING 1 "sh" (id 0: the next string id, 1) */
	varint(&r, 0);
	varint(&r, 2);
	raw(&r, "sh", 2);
	record(&c0, 1, &r);
	r.len = 0;               /* PROCESS 1: pid 7, comm string 1, the rest 0 */
	varint(&r, 0);
	varint(&r, 7);
	for (int i = 0; i < 8; i++)
		varint(&r, 0);   /* ppid .. cmdline_string_id */
	varint(&r, 1);           /* comm_string_id */
	varint(&r, 0);
	varint(&r, 0);
	record(&c0, 3, &r);
	u8(&c0, 8);              /* COLUMN_EVENT: tid 7, cap 21, process 1 */
	varint(&c0, 0x43);
	varint(&c0, 7);
	zigzag(&c0, 21);
	varint(&c0, 1);
	u8(&c0, 8);              /* COLUMN_EVENT: cap 12 */
	varint(&c0, 0x02);
	zigzag(&c0, 12);
	assert_int_equal(documented_len, c0.len);
	assert_memory_equal(documented, c0.data, c0.len);
	/* Chunk 1, linked to chunk 0: time 1000 again, from the zero state. */
	varint(&c1, 1);
	u8(&c1, 2000 & 0xff);
	varint(&c1, 2000 >> 8);
	varint(&c1, 2);          /* next string id */
	varint(&c1, 1);          /* binary */
	varint(&c1, 2);          /* process */
	varint(&c1, 1);          /* frame */
	varint(&c1, 1);          /* stack */
	u8(&c1, 8);
	varint(&c1, 0x43);
	varint(&c1, 7);
	zigzag(&c1, 21);
	varint(&c1, 1);

	file_header(&file, 1, 2);
	linked_chunk(&file, 4, 2, &c0, 1000, 1300, 0, 0, NULL, 0);
	chunk1_offset = file.len;
	/* Closed by a flush, not full: linked, with a prefix of twice its size. */
	linked_chunk(&file, 1, 1, &c1, 1000, 1000, 2, 1, c0.data + c0.len - 2 * c1.len,
		     2 * c1.len);
	le(&end, 3, 8);
	le(&end, 0, 8);
	le(&end, 2, 8);
	block(&file, 6, end.data, (uint32_t)end.len);

	assert_int_equal(crf_writer_open(&w, fd, NULL), CRF_OK);
	assert_int_equal(crf_intern_string(w, "sh", &string_id), CRF_OK);
	assert_int_equal(crf_define_process(w, &pdef, &ev.process_id), CRF_OK);
	ev.time_ns = 1000;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	ev.time_ns = 1300;
	ev.cap = 12;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_writer_flush(w), CRF_OK);
	ev.time_ns = 1000;
	ev.cap = 21;
	assert_int_equal(crf_write_event(w, &ev), CRF_OK);
	assert_int_equal(crf_writer_close(w), CRF_OK);
	crf_writer_free(w);
	written = util_read_fd(fd);
	close(fd);
	assert_int_equal(written.len, file.len);
	assert_memory_equal(written.data, file.data, file.len);
	util_bytes_free(&written);

	s = util_read_all(file.data, file.len);
	assert_int_equal(s.events, 3);
	assert_int_equal(s.processes, 1);
	assert_true(s.rec.clean_end);
	assert_int_equal(s.rec.blocks_skipped, 0);
	assert_int_equal(s.rec.unresolved_refs, 0);

	file.data[24 + 16 + 48] ^= 0x10; /* inside chunk 0's frame */
	s = util_read_all(file.data, file.len);
	assert_int_equal(s.events, 0);
	assert_int_equal(s.rec.damage_count, 2);
	assert_int_equal(s.rec.damage[0].offset, 24);
	assert_int_equal(s.rec.damage[1].offset, chunk1_offset);
	assert_string_equal(s.rec.damage[1].detail,
			    "chunk depends on a previous chunk that was lost");
	assert_true(s.rec.clean_end);
}

/* A codec-2 chunk with no content at all (found by fuzz_block_bodies): damage, no crash. */
static void test_linked_chunk_without_content(void **state)
{
	struct asm_buf file = { .len = 0 }, empty = { .len = 0 };
	struct read_summary s;

	(void)state;
	file_header(&file, 1, 2);
	linked_chunk(&file, 0, 0, &empty, 0, 0, 0, 0, NULL, 0);
	s = util_read_all(file.data, file.len);
	assert_int_equal(s.open_status, CRF_OK);
	assert_int_equal(s.rec.damage_count, 1);
	assert_string_equal(s.rec.damage[0].detail, "chunk without its time column");
}

/* Every row "| N | `name` | ..." of the registry table against crf_block_type_name(). */
static void test_registry_matches_code(void **state)
{
	char *text = read_text_file(format_md_path);
	char *p = strstr(text, "## Block-type registry");
	char *end;
	int rows = 0;
	uint32_t type;

	(void)state;
	assert_non_null(p);
	end = strstr(p + 1, "\n## ");
	assert_non_null(end);
	*end = 0;
	for (p = strchr(p, '\n'); p; p = strchr(p + 1, '\n')) {
		unsigned int value;
		char name[32];

		if (sscanf(p + 1, "| %u | `%31[a-z_]` |", &value, name) != 2)
			continue;
		assert_non_null(crf_block_type_name(value));
		assert_string_equal(crf_block_type_name(value), name);
		rows++;
	}
	/* And the code knows no type the table does not list. */
	for (type = 0; type < 1024; type++)
		if (crf_block_type_name(type))
			rows--;
	assert_int_equal(rows, 0);
	assert_null(crf_block_type_name(0));
	free(text);
}

/* The text of one "## heading" section of FORMAT.md (caller frees the whole text). */
static char *section(char *text, const char *heading)
{
	char *p = strstr(text, heading), *end;

	assert_non_null(p);
	end = strstr(p + strlen(heading), "\n## ");
	if (end)
		*end = 0;
	return p;
}

/* Parses "16 MiB", "65535 bytes", "2^24", "256 frames", "1024" into a number. */
static uint64_t parse_quantity(const char *cell)
{
	unsigned long long v = 0, e;
	char unit[16] = "";

	if (sscanf(cell, "2^%llu", &e) == 1)
		return 1ull << e;
	assert_true(sscanf(cell, "%llu %15s", &v, unit) >= 1);
	if (!strcmp(unit, "MiB"))
		return v << 20;
	if (!strcmp(unit, "KiB"))
		return v << 10;
	return v;
}

/* Every row of the Limits table names a constant whose value it states. */
static void test_limits_table_matches_code(void **state)
{
	static const struct {
		const char *name;
		uint64_t value;
	} constants[] = {
		{ "CRF_MAX_BLOCK_SIZE", CRF_MAX_BLOCK_SIZE },
		{ "CRF_MAX_CHUNK_UNCOMPRESSED", CRF_MAX_CHUNK_UNCOMPRESSED },
		{ "CRF_MAX_CHUNK_PREFIX", CRF_MAX_CHUNK_PREFIX },
		{ "CRF_MAX_STRING_LEN", CRF_MAX_STRING_LEN },
		{ "CRF_MAX_BUILD_ID_LEN", CRF_MAX_BUILD_ID_LEN },
		{ "CRF_MAX_STACK_DEPTH", CRF_MAX_STACK_DEPTH },
		{ "CRF_MAX_IDS", CRF_MAX_IDS },
		{ "CRF_MAX_CAP_NAMES", CRF_MAX_CAP_NAMES },
		{ "CRF_MAX_METADATA_PAIRS", CRF_MAX_METADATA_PAIRS },
		{ "CRF_FILE_HEADER_MAX", CRF_FILE_HEADER_MAX },
	};
	char *text = read_text_file(format_md_path);
	char *p = section(text, "## Limits");
	size_t matched = 0, i;

	(void)state;
	for (p = strchr(p, '\n'); p; p = strchr(p + 1, '\n')) {
		char what[64], quantity[32], name[64];

		if (sscanf(p + 1, "| %63[^|]| %31[^|]| `%63[A-Z_]`", what, quantity, name) != 3)
			continue;
		for (i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
			if (strcmp(constants[i].name, name))
				continue;
			assert_int_equal(parse_quantity(quantity), constants[i].value);
			matched++;
		}
	}
	assert_int_equal(matched, sizeof(constants) / sizeof(constants[0]));
	free(text);
}

/* The EVENT field table: bit number and field name as the code encodes them. */
static void test_event_bits_match_code(void **state)
{
	static const struct {
		const char *field;
		uint32_t bit;
	} bits[] = {
		{ "tid", CRF_EVF_TID },
		{ "cap", CRF_EVF_CAP },
		{ "kernel_stack_id", CRF_EVF_KERNEL_STACK },
		{ "user_stack_id", CRF_EVF_USER_STACK },
		{ "ret", CRF_EVF_RET },
		{ "syscall_nr", CRF_EVF_SYSCALL },
		{ "process_id", CRF_EVF_PROCESS },
		{ "comm_string_id", CRF_EVF_COMM },
		{ "flags", CRF_EVF_FLAGS },
		{ "final_ret", CRF_EVF_FINAL_RET },
		{ "uid", CRF_EVF_UID },
		{ "cgroup_id", CRF_EVF_CGROUP },
		{ "userns_inum", CRF_EVF_USERNS_INUM },
		{ "userns_level", CRF_EVF_USERNS_LEVEL },
	};
	char *text = read_text_file(format_md_path);
	char *p = strstr(section(text, "### EVENT"), "| Bit |");
	size_t rows = 0, i;
	uint32_t all = 0;

	(void)state;
	assert_non_null(p);
	for (p = strchr(p, '\n'); p; p = strchr(p + 1, '\n')) {
		unsigned int bit;
		char field[32];

		if (sscanf(p + 1, "| %u | %31[a-z_] |", &bit, field) != 2)
			continue;
		for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
			if (!strcmp(bits[i].field, field))
				break;
		assert_true(i < sizeof(bits) / sizeof(bits[0]));
		assert_int_equal(1u << bit, bits[i].bit);
		all |= 1u << bit;
		rows++;
	}
	assert_int_equal(rows, sizeof(bits) / sizeof(bits[0]));
	assert_int_equal(all, CRF_EVF_ALL);
	free(text);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appendix_a),
		cmocka_unit_test(test_chunk_by_hand),
		cmocka_unit_test(test_linked_chunks_by_hand),
		cmocka_unit_test(test_linked_chunk_without_content),
		cmocka_unit_test(test_registry_matches_code),
		cmocka_unit_test(test_limits_table_matches_code),
		cmocka_unit_test(test_event_bits_match_code),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: %s FORMAT.md\n", argv[0]);
		return 2;
	}
	format_md_path = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
