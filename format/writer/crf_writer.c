// SPDX-License-Identifier: GPL-2.0-only
/*
 * crf_writer.c - the writer's framing half: file header, block assembly,
 * chunk compression, the fixed blocks (METADATA, CAPNAMES, CLOCK, LOSS, END)
 * and the only place that calls write(). Definitions and events are encoded
 * by writer_records.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crf_bytes.h"
#include "crf_clock.h"
#include "crf_layout.h"
#include "writer_internal.h"

#define DEFAULT_CHUNK_BYTES (256u << 10)
#define DEFAULT_CHUNK_AGE_NS 1000000000ull
#define DEFAULT_ZSTD_LEVEL 3
#define DEFAULT_KEY_INTERVAL 4

/*
 * Why a chunk is closed: it decides its zstd prefix and level.
 * FULL: it reached chunk_max_bytes (a busy recorder: fast and independent).
 * QUIET: its age (tick), a flush or the END block; at most once per
 * chunk_max_age_ns unless the caller flushes: quiet_zstd_level.
 * FOR_BLOCK: another block must follow it (a LOSS block of an overloaded
 * recorder, metadata): the plain level.
 */
enum chunk_close {
	CHUNK_FULL,
	CHUNK_QUIET,
	CHUNK_FOR_BLOCK,
};

static int set_error(struct crf_writer *w, int code, int sys_errno, const char *detail)
{
	w->error.code = code;
	w->error.sys_errno = sys_errno;
	w->error.offset = w->stats.bytes_written;
	w->error.detail = detail;
	return code;
}

int writer_check_usable(struct crf_writer *w)
{
	if (!w)
		return CRF_ERR_INVALID_ARG;
	if (w->failed)
		return w->error.code;
	if (w->closed)
		return set_error(w, CRF_ERR_INVALID_ARG, 0, "writer already closed");
	return CRF_OK;
}

/*
 * Writes all n bytes. A short write is retried; an error marks the writer
 * failed, so the file keeps every block completed before it.
 */
static int write_all(struct crf_writer *w, const uint8_t *bytes, size_t n)
{
	while (n) {
		ssize_t done = write(w->fd, bytes, n);

		if (done < 0) {
			if (errno == EINTR)
				continue;
			w->failed = true;
			return set_error(w, CRF_ERR_IO, errno, "write failed");
		}
		if (done == 0) {
			w->failed = true;
			return set_error(w, CRF_ERR_IO, EIO, "write returned 0");
		}
		bytes += done;
		n -= (size_t)done;
		w->stats.bytes_written += (uint64_t)done;
	}
	return CRF_OK;
}

/* Starts a block of the given type in w->block, leaving room for the header. */
static int block_begin(struct crf_writer *w, uint32_t type)
{
	static const uint8_t header_room[CRF_BLOCK_HEADER_SIZE];

	w->block.len = 0;
	if (crf_buf_append(&w->block, header_room, sizeof(header_room)))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	crf_put_le32(w->block.data + CRF_BLK_OFF_TYPE, type);
	return CRF_OK;
}

/* Pads, frames, checksums and writes the block assembled in w->block. */
static int block_finish(struct crf_writer *w)
{
	size_t body_len = w->block.len - CRF_BLOCK_HEADER_SIZE;
	uint64_t total = crf_block_total(body_len);
	uint8_t *b;

	if (total > CRF_MAX_BLOCK_SIZE)
		return set_error(w, CRF_ERR_LIMIT, 0, "block larger than CRF_MAX_BLOCK_SIZE");
	if (crf_buf_pad4(&w->block) || crf_buf_put_le32(&w->block, (uint32_t)total))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	b = w->block.data;
	crf_put_le32(b + CRF_BLK_OFF_TOTAL, (uint32_t)total);
	crf_put_le32(b + CRF_BLK_OFF_BODY_LEN, (uint32_t)body_len);
	crf_put_le32(b + CRF_BLK_OFF_CRC, crf_block_crc(b, (uint32_t)total));
	if (write_all(w, b, w->block.len))
		return CRF_ERR_IO;
	w->stats.blocks++;
	return CRF_OK;
}

/*
 * The next id of every table as the open chunk begins: written at its
 * start, so its definitions need not spell their ids out and a reader that
 * lost earlier chunks still numbers them right.
 */
static void mark_id_bases(struct crf_writer *w)
{
	w->id_base[CRF_IDS_STRINGS] = w->strings.count + 1;
	w->id_base[CRF_IDS_BINARIES] = w->binaries.count + 1;
	w->id_base[CRF_IDS_PROCESSES] = w->process_count + 1;
	w->id_base[CRF_IDS_FRAMES] = w->frames.count + 1;
	w->id_base[CRF_IDS_STACKS] = w->stacks.count + 1;
}

static void reset_chunk(struct crf_writer *w)
{
	mark_id_bases(w);
	w->chunk.len = 0;
	w->time_low.len = 0;
	w->time_high.len = 0;
	w->chunk_records = 0;
	w->chunk_events = 0;
	w->chunk_first_time_ns = 0;
	w->chunk_last_time_ns = 0;
	w->chunk_opened_ns = 0;
	/* Chunks decode independently: delta state restarts from zero. */
	memset(&w->prev, 0, sizeof(w->prev));
}

/*
 * The chunk content (FORMAT.md "Chunk content"): the length of the high time
 * column, the low time bytes, the high time column, the id bases, then the
 * records.
 */
static int assemble_content(struct crf_writer *w)
{
	struct crf_buf *c = &w->content;
	int i;

	c->len = 0;
	if (crf_buf_put_varint(c, w->time_high.len) ||
	    crf_buf_append(c, w->time_low.data, w->time_low.len) ||
	    crf_buf_append(c, w->time_high.data, w->time_high.len))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a chunk");
	for (i = 0; i < CRF_ID_TABLES; i++)
		if (crf_buf_put_varint(c, w->id_base[i]))
			return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a chunk");
	if (crf_buf_append(c, w->chunk.data, w->chunk.len))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a chunk");
	return CRF_OK;
}

/*
 * How many bytes of the previous chunk's content this chunk uses as its
 * zstd prefix. 0 (an independent chunk) at the start of a file and every
 * key_interval chunks, which bounds what one damaged chunk takes with it;
 * and for a full chunk: it has context enough of its own (linking full
 * chunks of a storm measured 0.1 % larger), and a busy recorder should not
 * pay for loading a prefix. Otherwise the previous chunk's last bytes, at
 * most twice this chunk's size (as small as measured to be as good, and it
 * bounds the cost per byte) and CRF_MAX_CHUNK_PREFIX.
 */
static uint32_t choose_prefix_length(const struct crf_writer *w, enum chunk_close why)
{
	size_t len = w->prev_content.len;

	if (why == CHUNK_FULL || w->chain_length >= w->opts.key_interval)
		return 0;
	if (len > 2 * w->content.len)
		len = 2 * w->content.len;
	return len < CRF_MAX_CHUNK_PREFIX ? (uint32_t)len : CRF_MAX_CHUNK_PREFIX;
}

/* Compresses the open chunk into one zstd frame and writes it as a CHUNK block. */
static int close_chunk(struct crf_writer *w, enum chunk_close why)
{
	uint64_t events_before = w->stats.events - w->chunk_events;
	uint32_t prefix_len;
	size_t bound, compressed, zret;
	struct crf_buf swap;
	uint8_t *h;
	int ret;

	if (!w->chunk_records)
		return CRF_OK;
	ret = assemble_content(w);
	if (ret)
		return ret;
	ret = block_begin(w, CRF_BLOCK_CHUNK);
	if (ret)
		return ret;
	bound = ZSTD_compressBound(w->content.len);
	if (crf_buf_reserve(&w->block, CRF_CHUNK_HEADER_SIZE + CRF_CHUNK_LINK_SIZE + bound))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a chunk");
	prefix_len = choose_prefix_length(w, why);
	h = w->block.data + w->block.len;
	crf_put_le32(h + 0, w->chunk_records);
	crf_put_le32(h + 4, w->chunk_events);
	crf_put_le32(h + 8, (uint32_t)w->content.len);
	crf_put_le32(h + 12, CRF_CHUNK_CODEC_ZSTD_LINKED);
	crf_put_le64(h + 16, w->chunk_first_time_ns);
	crf_put_le64(h + 24, w->chunk_last_time_ns);
	crf_put_le64(h + 32, events_before);
	crf_put_le32(h + CRF_CHUNK_OFF_SEQ, w->chunk_seq);
	crf_put_le32(h + CRF_CHUNK_OFF_PREFIX_LEN, prefix_len);
	h += CRF_CHUNK_HEADER_SIZE + CRF_CHUNK_LINK_SIZE;
	/* A prefix holds for one compression only: set it for every chunk that links. */
	zret = ZSTD_CCtx_refPrefix(w->cctx, prefix_len ? w->prev_content.data +
						  w->prev_content.len - prefix_len : NULL,
				   prefix_len);
	if (!ZSTD_isError(zret))
		zret = ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
					      why == CHUNK_QUIET ? w->opts.quiet_zstd_level :
								   w->opts.zstd_level);
	if (ZSTD_isError(zret))
		return set_error(w, CRF_ERR_COMPRESS, 0, ZSTD_getErrorName(zret));
	compressed = ZSTD_compress2(w->cctx, h, bound, w->content.data, w->content.len);
	if (ZSTD_isError(compressed))
		return set_error(w, CRF_ERR_COMPRESS, 0, ZSTD_getErrorName(compressed));
	w->block.len += CRF_CHUNK_HEADER_SIZE + CRF_CHUNK_LINK_SIZE + compressed;
	ret = block_finish(w);
	if (ret)
		return ret;
	w->stats.chunks++;
	w->chunk_seq++;
	w->chain_length = prefix_len ? w->chain_length + 1 : 1;
	/* This chunk's content is the next one's prefix. */
	swap = w->prev_content;
	w->prev_content = w->content;
	w->content = swap;
	reset_chunk(w);
	return CRF_OK;
}

int writer_record_added(struct crf_writer *w)
{
	if (!w->chunk_records)
		w->chunk_opened_ns = crf_clock_ns(CLOCK_MONOTONIC);
	w->chunk_records++;
	if (w->chunk.len + w->time_low.len + w->time_high.len >= w->opts.chunk_max_bytes)
		return close_chunk(w, CHUNK_FULL);
	return CRF_OK;
}

static int write_file_header(struct crf_writer *w)
{
	uint8_t h[CRF_FILE_HEADER_SIZE];

	memcpy(h, CRF_MAGIC, CRF_MAGIC_LEN);
	crf_put_le32(h + CRF_HDR_OFF_BOM, CRF_BYTE_ORDER_MARK);
	crf_put_le16(h + CRF_HDR_OFF_MAJOR, CRF_VERSION_MAJOR);
	crf_put_le16(h + CRF_HDR_OFF_MINOR, CRF_VERSION_MINOR);
	crf_put_le32(h + CRF_HDR_OFF_LENGTH, CRF_FILE_HEADER_SIZE);
	crf_put_le32(h + CRF_HDR_OFF_CRC, crf_header_crc(h, CRF_FILE_HEADER_SIZE));
	return write_all(w, h, sizeof(h));
}

int crf_writer_open(struct crf_writer **out, int fd, const struct crf_writer_options *opts)
{
	struct crf_writer *w;
	int ret = CRF_ERR_NOMEM;

	if (!out || fd < 0)
		return CRF_ERR_INVALID_ARG;
	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return CRF_ERR_NOMEM;
	w->fd = fd;
	mark_id_bases(w);
	if (opts)
		w->opts = *opts;
	if (!w->opts.chunk_max_bytes)
		w->opts.chunk_max_bytes = DEFAULT_CHUNK_BYTES;
	if (!w->opts.chunk_max_age_ns)
		w->opts.chunk_max_age_ns = DEFAULT_CHUNK_AGE_NS;
	if (!w->opts.zstd_level)
		w->opts.zstd_level = DEFAULT_ZSTD_LEVEL;
	if (!w->opts.key_interval)
		w->opts.key_interval = DEFAULT_KEY_INTERVAL;
	if (!w->opts.quiet_zstd_level)
		w->opts.quiet_zstd_level = w->opts.zstd_level;
	/*
	 * A chunk closes once it reaches chunk_max_bytes, so it may exceed it
	 * by one record: keep headroom under the reader's limit for that.
	 */
	if (w->opts.chunk_max_bytes > CRF_MAX_CHUNK_UNCOMPRESSED / 2) {
		ret = CRF_ERR_INVALID_ARG;
		goto cleanup;
	}
	w->cctx = ZSTD_createCCtx();
	if (!w->cctx)
		goto cleanup;
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
						w->opts.zstd_level)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_contentSizeFlag, 1))) {
		ret = CRF_ERR_INVALID_ARG;
		goto cleanup;
	}
	ret = write_file_header(w);
	if (ret) {
		/* No writer to ask: errno tells the caller why (crf_writer.h). */
		int sys_errno = w->error.sys_errno;

		crf_writer_free(w);
		errno = sys_errno;
		return ret;
	}
	*out = w;
	return CRF_OK;
cleanup:
	crf_writer_free(w);
	return ret;
}

/*
 * Non-chunk blocks are written after closing the open chunk, so the file
 * order is the call order (a LOSS block sits exactly where the loss was).
 */
static int begin_fixed_block(struct crf_writer *w, uint32_t type)
{
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	ret = close_chunk(w, type == CRF_BLOCK_END ? CHUNK_QUIET : CHUNK_FOR_BLOCK);
	if (ret)
		return ret;
	return block_begin(w, type);
}

static int put_short_string(struct crf_writer *w, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len > CRF_MAX_STRING_LEN)
		return set_error(w, CRF_ERR_LIMIT, 0, "string longer than CRF_MAX_STRING_LEN");
	if (crf_buf_put_le16(&w->block, (uint16_t)len) || crf_buf_append(&w->block, s, len))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	return CRF_OK;
}

int crf_write_metadata(struct crf_writer *w, const struct crf_kv *kvs, size_t n)
{
	size_t i;
	int ret;

	if (!w || (n && !kvs) || n > CRF_MAX_METADATA_PAIRS)
		return CRF_ERR_INVALID_ARG;
	for (i = 0; i < n; i++)
		if (!kvs[i].key || !kvs[i].key[0] || !kvs[i].value)
			return CRF_ERR_INVALID_ARG;
	ret = begin_fixed_block(w, CRF_BLOCK_METADATA);
	if (ret)
		return ret;
	if (crf_buf_put_le32(&w->block, (uint32_t)n))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	for (i = 0; i < n; i++) {
		ret = put_short_string(w, kvs[i].key);
		if (!ret)
			ret = put_short_string(w, kvs[i].value);
		if (ret)
			return ret;
	}
	return block_finish(w);
}

int crf_write_cap_names(struct crf_writer *w, const char *const *names, uint32_t count)
{
	uint32_t i;
	int ret;

	if (!w || (count && !names) || count > CRF_MAX_CAP_NAMES)
		return CRF_ERR_INVALID_ARG;
	ret = begin_fixed_block(w, CRF_BLOCK_CAPNAMES);
	if (ret)
		return ret;
	if (crf_buf_put_le32(&w->block, count))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	for (i = 0; i < count; i++) {
		ret = put_short_string(w, names[i]);
		if (ret)
			return ret;
	}
	return block_finish(w);
}

int crf_write_clock(struct crf_writer *w, uint64_t boottime_ns, uint64_t realtime_ns)
{
	int ret = begin_fixed_block(w, CRF_BLOCK_CLOCK);

	if (ret)
		return ret;
	if (crf_buf_put_le64(&w->block, boottime_ns) || crf_buf_put_le64(&w->block, realtime_ns))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	return block_finish(w);
}

/* A sum of loss counts: at the maximum it stays there rather than wrap to a small number. */
static void add_saturating(uint64_t *sum, uint64_t n)
{
	if (__builtin_add_overflow(*sum, n, sum))
		*sum = UINT64_MAX;
}

/*
 * One LOSS block: the kind fields only when they say something, so an
 * events-only loss keeps 1.0's body.
 */
static int write_loss_block(struct crf_writer *w, uint64_t time_ns,
			    const struct crf_loss_counts *lost)
{
	bool kinds = lost->process_records || lost->stacks;
	int ret = begin_fixed_block(w, CRF_BLOCK_LOSS);

	if (ret)
		return ret;
	if (crf_buf_put_le64(&w->block, time_ns) || crf_buf_put_le64(&w->block, lost->events) ||
	    crf_buf_put_le64(&w->block, w->stats.events) ||
	    (kinds && (crf_buf_put_le64(&w->block, lost->process_records) ||
		       crf_buf_put_le64(&w->block, lost->stacks))))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	ret = block_finish(w);
	if (ret)
		return ret;
	add_saturating(&w->stats.lost, lost->events);
	add_saturating(&w->stats.lost_process_records, lost->process_records);
	add_saturating(&w->stats.lost_stacks, lost->stacks);
	return CRF_OK;
}

int crf_write_losses(struct crf_writer *w, uint64_t time_ns, const struct crf_loss_counts *lost)
{
	if (!lost)
		return set_error(w, CRF_ERR_INVALID_ARG, 0, "no loss counts");
	if (!lost->events && !lost->process_records && !lost->stacks)
		return writer_check_usable(w);
	return write_loss_block(w, time_ns, lost);
}

int crf_write_loss(struct crf_writer *w, uint64_t time_ns, uint64_t lost)
{
	struct crf_loss_counts counts = { .events = lost };

	return write_loss_block(w, time_ns, &counts);
}

int crf_writer_tick(struct crf_writer *w, uint64_t now_ns)
{
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	if (w->chunk_records && now_ns >= w->chunk_opened_ns &&
	    now_ns - w->chunk_opened_ns >= w->opts.chunk_max_age_ns)
		return close_chunk(w, CHUNK_QUIET);
	return CRF_OK;
}

int crf_writer_flush(struct crf_writer *w)
{
	int ret = writer_check_usable(w);

	if (ret)
		return ret;
	return close_chunk(w, CHUNK_QUIET);
}

int crf_writer_close(struct crf_writer *w)
{
	uint64_t blocks_before;
	int ret = begin_fixed_block(w, CRF_BLOCK_END);

	if (ret)
		return ret;
	blocks_before = w->stats.blocks;
	if (crf_buf_put_le64(&w->block, w->stats.events) ||
	    crf_buf_put_le64(&w->block, w->stats.lost) ||
	    crf_buf_put_le64(&w->block, blocks_before))
		return set_error(w, CRF_ERR_NOMEM, 0, "no memory for a block");
	ret = block_finish(w);
	if (ret)
		return ret;
	w->closed = true;
	return CRF_OK;
}

void crf_writer_stats(const struct crf_writer *w, struct crf_writer_stats *stats)
{
	if (w && stats)
		*stats = w->stats;
}

const struct crf_error *crf_writer_error(const struct crf_writer *w)
{
	return w ? &w->error : NULL;
}

void crf_writer_free(struct crf_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	crf_buf_release(&w->chunk);
	crf_buf_release(&w->time_low);
	crf_buf_release(&w->time_high);
	crf_buf_release(&w->content);
	crf_buf_release(&w->prev_content);
	crf_buf_release(&w->block);
	crf_buf_release(&w->record);
	intern_table_release(&w->strings);
	intern_table_release(&w->binaries);
	intern_table_release(&w->frames);
	intern_table_release(&w->stacks);
	free(w);
}
