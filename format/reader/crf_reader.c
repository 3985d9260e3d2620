// SPDX-License-Identifier: GPL-2.0-only
/*
 * crf_reader.c - the public reader API (crf_reader.h): file header checks,
 * the block loop that feeds the scanner's blocks to their decoders, and the
 * lookups over what was read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crf_bytes.h"
#include "crf_layout.h"
#include "reader_internal.h"

static int fail(struct crf_error *err, int code, uint64_t offset, const char *detail)
{
	if (err) {
		err->code = code;
		err->sys_errno = 0;
		err->offset = offset;
		err->detail = detail;
	}
	return code;
}

/* Why the first bytes are not a recording: name the damage when it is recognisable. */
static const char *classify_bad_magic(const uint8_t *p, size_t avail)
{
	static const char lf_only[] = "\x89" "CRF\n\x1a\n";
	static const char crlf_twice[] = "\x89" "CRF\r\r\n\x1a";

	if (avail >= 7 && !memcmp(p, lf_only, 7))
		return "file damaged by line-ending conversion (CRLF -> LF)";
	if (avail >= 8 && !memcmp(p, crlf_twice, 8))
		return "file damaged by line-ending conversion (LF -> CRLF)";
	if (avail >= 4 && p[0] == 0x09 && !memcmp(p + 1, "CRF", 3))
		return "file damaged by a 7-bit transfer";
	return "not a caprec recording (bad magic)";
}

static int read_file_header(struct crf_reader *r, struct crf_error *err)
{
	const uint8_t *h;
	uint32_t bom, header_length;
	int sys_errno = 0;
	int ret = byte_input_fill(&r->in, CRF_FILE_HEADER_SIZE, &sys_errno);

	if (ret) {
		fail(err, ret, 0, ret == CRF_ERR_IO ? "read failed" : "no memory");
		if (err)
			err->sys_errno = sys_errno;
		return ret;
	}
	h = byte_input_peek(&r->in);
	if (!r->in.avail)
		return fail(err, CRF_ERR_NOT_RECORDING, 0, "empty input");
	if (memcmp(h, CRF_MAGIC, r->in.avail < CRF_MAGIC_LEN ? r->in.avail : CRF_MAGIC_LEN))
		return fail(err, CRF_ERR_NOT_RECORDING, 0, classify_bad_magic(h, r->in.avail));
	if (r->in.avail < CRF_FILE_HEADER_SIZE)
		return fail(err, CRF_ERR_TRUNCATED, r->in.avail, "input ends inside the file header");
	bom = crf_get_le32(h + CRF_HDR_OFF_BOM);
	if (bom == __builtin_bswap32(CRF_BYTE_ORDER_MARK))
		return fail(err, CRF_ERR_NOT_RECORDING, CRF_HDR_OFF_BOM,
			    "byte-order mark reversed (big-endian file)");
	if (bom != CRF_BYTE_ORDER_MARK)
		return fail(err, CRF_ERR_CORRUPT, CRF_HDR_OFF_BOM, "bad byte-order mark");
	r->major = crf_get_le16(h + CRF_HDR_OFF_MAJOR);
	r->minor = crf_get_le16(h + CRF_HDR_OFF_MINOR);
	if (r->major == 0)
		return fail(err, CRF_ERR_CORRUPT, CRF_HDR_OFF_MAJOR, "major version 0");
	if (r->major > CRF_VERSION_MAJOR)
		return fail(err, CRF_ERR_VERSION, CRF_HDR_OFF_MAJOR,
			    "major version newer than this reader");
	header_length = crf_get_le32(h + CRF_HDR_OFF_LENGTH);
	if (header_length < CRF_FILE_HEADER_SIZE || header_length > CRF_FILE_HEADER_MAX ||
	    (header_length & 3))
		return fail(err, CRF_ERR_CORRUPT, CRF_HDR_OFF_LENGTH, "bad file header length");
	ret = byte_input_fill(&r->in, header_length, &sys_errno);
	if (ret) {
		fail(err, ret, 0, ret == CRF_ERR_IO ? "read failed" : "no memory");
		if (err)
			err->sys_errno = sys_errno;
		return ret;
	}
	if (r->in.avail < header_length)
		return fail(err, CRF_ERR_TRUNCATED, r->in.avail, "input ends inside the file header");
	h = byte_input_peek(&r->in);
	if (crf_header_crc(h, header_length) != crf_get_le32(h + CRF_HDR_OFF_CRC))
		return fail(err, CRF_ERR_CORRUPT, CRF_HDR_OFF_CRC, "file header checksum mismatch");
	byte_input_consume(&r->in, header_length);
	return CRF_OK;
}

int crf_reader_open(struct crf_reader **out, int fd, struct crf_error *err)
{
	struct crf_reader *r;
	int ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (!out || fd < 0)
		return fail(err, CRF_ERR_INVALID_ARG, 0, "bad arguments");
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return fail(err, CRF_ERR_NOMEM, 0, "no memory");
	r->in.fd = fd;
	budget_init(&r->budget);
	ret = read_file_header(r, err);
	if (ret) {
		crf_reader_free(r);
		return ret;
	}
	r->rec.file_bytes = r->in.offset;
	*out = r;
	return CRF_OK;
}

int crf_reader_set_limits(struct crf_reader *r, const struct crf_limits *limits)
{
	if (!r || !limits)
		return CRF_ERR_INVALID_ARG;
	r->budget.limits = *limits;
	return CRF_OK;
}

/* A decoder's fatal status as an error: a limit names itself, the rest is memory. */
static int fatal(struct crf_reader *r, struct crf_error *err, int status, uint64_t offset)
{
	if (status == CRF_ERR_LIMIT && r->limit_hit)
		return fail(err, status, offset, r->limit_hit);
	return fail(err, status, offset, "no memory");
}

/* Hands one validated block to its decoder. 1: item filled, 0: none, <0: fatal. */
static int read_block(struct crf_reader *r, uint32_t total, struct crf_item *item)
{
	const uint8_t *b = byte_input_peek(&r->in);
	uint32_t type = crf_get_le32(b + CRF_BLK_OFF_TYPE);
	uint32_t body_len = crf_get_le32(b + CRF_BLK_OFF_BODY_LEN);
	struct cursor body = cursor_make(b + CRF_BLOCK_HEADER_SIZE, body_len);
	uint64_t offset = r->in.offset;

	r->rec.blocks_read++;
	/* A block after END: the recording went on (a concatenation), so no clean end yet. */
	r->rec.clean_end = false;
	if (!crf_block_type_name(type)) {
		r->rec.blocks_unknown++;
		return 0;
	}
	r->rec.blocks_by_type[type]++;
	if (type == CRF_BLOCK_CHUNK)
		return chunk_begin(r, &body, offset, total);
	return fixed_block_read(r, type, &body, offset, total, item);
}

int crf_reader_next(struct crf_reader *r, struct crf_item *item, struct crf_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
	if (!r || !item)
		return fail(err, CRF_ERR_INVALID_ARG, 0, "bad arguments");
	/* A recording over a limit stays over it: no item after the one refused. */
	if (r->limit_hit)
		return fatal(r, err, CRF_ERR_LIMIT, r->in.offset);
	for (;;) {
		uint32_t total;
		int ret;

		if (r->chunk.active) {
			ret = chunk_next_item(r, item);
			if (ret < 0)
				return fatal(r, err, ret, r->chunk.block_offset);
			if (ret)
				return 1;
			continue;
		}
		ret = scanner_next_block(r, &total, err);
		r->rec.file_bytes = r->in.offset;
		if (ret <= 0)
			return ret;
		ret = read_block(r, total, item);
		if (ret < 0)
			return fatal(r, err, ret, r->in.offset);
		byte_input_consume(&r->in, total);
		r->rec.file_bytes = r->in.offset;
		if (ret)
			return 1;
	}
}

void crf_reader_version(const struct crf_reader *r, uint16_t *major, uint16_t *minor)
{
	if (major)
		*major = r ? r->major : 0;
	if (minor)
		*minor = r ? r->minor : 0;
}

const char *crf_reader_metadata(const struct crf_reader *r, const char *key)
{
	size_t i;

	if (!r || !key)
		return NULL;
	for (i = r->metadata_count; i-- > 0;)
		if (!strcmp(r->metadata[i].key, key))
			return r->metadata[i].value;
	return NULL;
}

bool crf_reader_metadata_at(const struct crf_reader *r, size_t i, const char **key,
			    const char **value)
{
	if (!r || i >= r->metadata_count)
		return false;
	if (key)
		*key = r->metadata[i].key;
	if (value)
		*value = r->metadata[i].value;
	return true;
}

bool crf_reader_clock_at(const struct crf_reader *r, size_t i, uint64_t *boottime_ns,
			 uint64_t *realtime_ns)
{
	if (!r || i >= r->clocks.count)
		return false;
	if (boottime_ns)
		*boottime_ns = r->clocks.in_file[i].boottime_ns;
	if (realtime_ns)
		*realtime_ns = r->clocks.in_file[i].realtime_ns;
	return true;
}

const char *crf_reader_cap_name(const struct crf_reader *r, int32_t cap)
{
	if (!r || cap < 0 || (uint32_t)cap >= r->cap_name_count)
		return NULL;
	return r->cap_names[cap];
}

bool crf_reader_boot_to_realtime(const struct crf_reader *r, uint64_t boot_ns,
				 uint64_t *realtime_ns)
{
	if (!r || !realtime_ns)
		return false;
	return clock_anchors_convert(&r->clocks, boot_ns, realtime_ns);
}

const struct crf_process *crf_reader_process(const struct crf_reader *r, uint32_t id)
{
	return r ? id_table_get(&r->processes, id) : NULL;
}

const struct crf_stack *crf_reader_stack(const struct crf_reader *r, uint32_t id)
{
	return r ? id_table_get(&r->stacks, id) : NULL;
}

const struct crf_recovery *crf_reader_recovery(const struct crf_reader *r)
{
	return r ? &r->rec : NULL;
}

void crf_reader_free(struct crf_reader *r)
{
	if (!r)
		return;
	byte_input_release(&r->in);
	arena_release(&r->arena);
	id_table_release(&r->strings);
	id_table_release(&r->binaries);
	id_table_release(&r->processes);
	id_table_release(&r->frames);
	id_table_release(&r->stacks);
	free(r->metadata);
	clock_anchors_release(&r->clocks);
	free(r->chunk_data);
	free(r->prev_data);
	ZSTD_freeDCtx(r->dctx);
	span_crc_release(&r->resync);
	free(r);
}
