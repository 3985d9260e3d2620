// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_block_bodies.c - libFuzzer target that reaches past the checksums.
 * Random mutations of a whole file almost never keep a block's CRC right,
 * so they test the framing but rarely the decoders behind it. Here the
 * input is one block body: byte 0 picks the block type, the rest is the
 * body. For a CHUNK the rest is the *decompressed* content, which the
 * target compresses and frames exactly as FORMAT.md says. The result is a
 * valid file (header, the block, END) read by the unmodified reader.
 *
 * Byte 0 is b: type 1 + b % 7 (the six types, and one unknown). A chunk is
 * codec 1 when b / 7 is even. Otherwise it is codec 2: two bytes of
 * event_count (u16 LE) precede the content, and the file holds the chunk
 * twice: independent (chunk_seq 0), then linked to the first with the
 * content's last bytes as its prefix (chunk_seq 1).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "crf_bytes.h"
#include "crf_layout.h"
#include "crf_reader.h"

static volatile uint64_t sink;

static void touch_string(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_stack(const struct crf_stack *stack)
{
	uint32_t i;

	for (i = 0; stack && i < stack->depth; i++) {
		if (!stack->frames[i])
			continue;
		touch_string(stack->frames[i]->module);
		touch_string(stack->frames[i]->symbol);
		if (stack->frames[i]->binary)
			touch_string(stack->frames[i]->binary->path);
	}
}

/*
 * A codec-2 CHUNK body for content: seq, prefix_length and the frame compressed
 * with the last prefix_length bytes of content as its prefix. NULL on failure.
 */
static uint8_t *linked_chunk_body(const uint8_t *content, size_t size, uint32_t events,
				  uint32_t seq, size_t prefix_len, size_t *body_len)
{
	size_t bound = ZSTD_compressBound(size), frame_len;
	size_t head = CRF_CHUNK_HEADER_SIZE + CRF_CHUNK_LINK_SIZE;
	uint8_t *body = malloc(head + bound);
	ZSTD_CCtx *cctx = ZSTD_createCCtx();

	if (!body || !cctx ||
	    ZSTD_isError(ZSTD_CCtx_refPrefix(cctx, prefix_len ? content + size - prefix_len : NULL,
					     prefix_len)))
		goto fail;
	frame_len = ZSTD_compress2(cctx, body + head, bound, content, size);
	if (ZSTD_isError(frame_len))
		goto fail;
	memset(body, 0, head);
	/* Every record takes 2 bytes: the most records the reader lets through. */
	crf_put_le32(body + 0, (uint32_t)(size / 2));
	crf_put_le32(body + 4, events < size / 2 ? events : (uint32_t)(size / 2));
	crf_put_le32(body + 8, (uint32_t)size);
	crf_put_le32(body + 12, CRF_CHUNK_CODEC_ZSTD_LINKED);
	crf_put_le32(body + CRF_CHUNK_OFF_SEQ, seq);
	crf_put_le32(body + CRF_CHUNK_OFF_PREFIX_LEN, (uint32_t)prefix_len);
	*body_len = head + frame_len;
	ZSTD_freeCCtx(cctx);
	return body;
fail:
	ZSTD_freeCCtx(cctx);
	free(body);
	return NULL;
}

/* Appends a framed block (FORMAT.md "Block structure") at out + *len. */
static void put_block(uint8_t *out, size_t *len, uint32_t type, const uint8_t *body,
		      size_t body_len)
{
	uint8_t *b = out + *len;
	uint32_t total = (uint32_t)crf_block_total(body_len);

	crf_put_le32(b + CRF_BLK_OFF_TYPE, type);
	crf_put_le32(b + CRF_BLK_OFF_TOTAL, total);
	crf_put_le32(b + CRF_BLK_OFF_BODY_LEN, (uint32_t)body_len);
	memcpy(b + CRF_BLOCK_HEADER_SIZE, body, body_len);
	memset(b + CRF_BLOCK_HEADER_SIZE + body_len, 0,
	       total - CRF_BLOCK_HEADER_SIZE - CRF_BLOCK_TRAILER_SIZE - body_len);
	crf_put_le32(b + total - CRF_BLOCK_TRAILER_SIZE, total);
	crf_put_le32(b + CRF_BLK_OFF_CRC, crf_block_crc(b, total));
	*len += total;
}

static void read_everything(int fd)
{
	struct crf_reader *r = NULL;
	struct crf_item item;
	const char *key, *value;
	size_t i;

	if (crf_reader_open(&r, fd, NULL))
		return;
	while (crf_reader_next(r, &item, NULL) == 1) {
		if (item.event) {
			touch_string(item.event->comm);
			touch_stack(item.event->kernel_stack);
			touch_stack(item.event->user_stack);
			touch_string(crf_reader_cap_name(r, item.event->cap));
			if (item.event->process)
				touch_string(item.event->process->cmdline);
		}
		if (item.process) {
			touch_string(item.process->exe_path);
			touch_string(item.process->comm);
			touch_string(item.process->cgroup_path);
			touch_string(item.process->container_id);
			if (item.process->exe_binary && item.process->exe_binary->build_id_len)
				sink += item.process->exe_binary->build_id[0];
		}
	}
	for (i = 0; crf_reader_metadata_at(r, i, &key, &value); i++)
		touch_string(value);
	crf_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t end_body[CRF_END_BODY_SIZE];
	uint8_t *body = NULL, *linked = NULL, *file = NULL;
	size_t body_len, linked_len = 0, len = 0;
	bool codec2;
	uint32_t type;
	int fd = -1;

	if (size < 1 || size > (1u << 20))
		return 0;
	type = 1 + data[0] % 7; /* the six types, and one unknown */
	codec2 = (data[0] / 7) & 1;
	data++;
	size--;
	if (type == CRF_BLOCK_CHUNK && codec2) {
		uint32_t events;
		size_t prefix_len;

		if (size < 2)
			return 0;
		events = crf_get_le16(data);
		data += 2;
		size -= 2;
		prefix_len = size < CRF_MAX_CHUNK_PREFIX ? size : CRF_MAX_CHUNK_PREFIX;
		body = linked_chunk_body(data, size, events, 0, 0, &body_len);
		if (body)
			linked = linked_chunk_body(data, size, events, 1, prefix_len, &linked_len);
		if (!linked)
			goto cleanup;
	} else if (type == CRF_BLOCK_CHUNK) {
		size_t bound = ZSTD_compressBound(size), frame_len;

		body = malloc(CRF_CHUNK_HEADER_SIZE + bound);
		if (!body)
			goto cleanup;
		frame_len = ZSTD_compress(body + CRF_CHUNK_HEADER_SIZE, bound, data, size, 1);
		if (ZSTD_isError(frame_len))
			goto cleanup;
		/* Counts of 0: the reader reports the mismatch after decoding it all. */
		memset(body, 0, CRF_CHUNK_HEADER_SIZE);
		crf_put_le32(body + 8, (uint32_t)size);
		crf_put_le32(body + 12, CRF_CHUNK_CODEC_ZSTD);
		body_len = CRF_CHUNK_HEADER_SIZE + frame_len;
	} else {
		body = malloc(size ? size : 1);
		if (!body)
			goto cleanup;
		memcpy(body, data, size);
		body_len = size;
	}
	file = malloc(CRF_FILE_HEADER_SIZE + crf_block_total(body_len) +
		      crf_block_total(linked_len) + crf_block_total(CRF_END_BODY_SIZE));
	if (!file)
		goto cleanup;
	memcpy(file, CRF_MAGIC, CRF_MAGIC_LEN);
	crf_put_le32(file + CRF_HDR_OFF_BOM, CRF_BYTE_ORDER_MARK);
	crf_put_le16(file + CRF_HDR_OFF_MAJOR, CRF_VERSION_MAJOR);
	crf_put_le16(file + CRF_HDR_OFF_MINOR, CRF_VERSION_MINOR);
	crf_put_le32(file + CRF_HDR_OFF_LENGTH, CRF_FILE_HEADER_SIZE);
	crf_put_le32(file + CRF_HDR_OFF_CRC, crf_header_crc(file, CRF_FILE_HEADER_SIZE));
	len = CRF_FILE_HEADER_SIZE;
	put_block(file, &len, type, body, body_len);
	if (linked)
		put_block(file, &len, type, linked, linked_len);
	put_block(file, &len, CRF_BLOCK_END, end_body, sizeof(end_body));
	fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0 || write(fd, file, len) != (ssize_t)len)
		goto cleanup;
	lseek(fd, 0, SEEK_SET);
	read_everything(fd);
cleanup:
	if (fd >= 0)
		close(fd);
	free(file);
	free(linked);
	free(body);
	return 0;
}
