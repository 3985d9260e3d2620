// SPDX-License-Identifier: GPL-2.0-only
/*
 * block_scanner.c - from bytes to one validated block (FORMAT.md "Block
 * structure" and "Recovery"). A block is trusted only once its lengths
 * agree, it fits the limits and its checksum matches. After a bad block the
 * scanner slides forward 4 bytes at a time until a block validates; the
 * bytes in between are one damaged region; the candidates' checksums come
 * from span_crc.c, so the scan is linear in the bytes skipped. An input that ends where a block
 * was expected, with no valid block after, is a truncation.
 */
#include <string.h>

#include "crf_bytes.h"
#include "crf_layout.h"
#include "reader_internal.h"

enum verdict {
	BLOCK_VALID,
	BLOCK_INVALID,
	BLOCK_INCOMPLETE, /* the input ended before the block did */
};

static enum verdict check_header(const uint8_t *p, size_t avail, uint32_t *total,
				 const char **why)
{
	uint32_t body_len;

	if (avail < CRF_BLOCK_HEADER_SIZE) {
		*why = "input ends inside a block header";
		return BLOCK_INCOMPLETE;
	}
	*total = crf_get_le32(p + CRF_BLK_OFF_TOTAL);
	body_len = crf_get_le32(p + CRF_BLK_OFF_BODY_LEN);
	if (*total < CRF_BLOCK_MIN_SIZE) {
		*why = "block length below minimum";
		return BLOCK_INVALID;
	}
	if (*total & 3) {
		*why = "block length not a multiple of 4";
		return BLOCK_INVALID;
	}
	if (*total > CRF_MAX_BLOCK_SIZE) {
		*why = "block length above CRF_MAX_BLOCK_SIZE";
		return BLOCK_INVALID;
	}
	if (crf_block_total(body_len) != *total) {
		*why = "body length disagrees with block length";
		return BLOCK_INVALID;
	}
	return BLOCK_VALID;
}

static enum verdict check_whole(const uint8_t *p, size_t avail, uint32_t total, const char **why)
{
	if (avail < total) {
		*why = "input ends inside a block";
		return BLOCK_INCOMPLETE;
	}
	if (crf_get_le32(p + total - CRF_BLOCK_TRAILER_SIZE) != total) {
		*why = "trailing block length differs from leading one";
		return BLOCK_INVALID;
	}
	if (crf_block_crc(p, total) != crf_get_le32(p + CRF_BLK_OFF_CRC)) {
		*why = "block checksum mismatch";
		return BLOCK_INVALID;
	}
	return BLOCK_VALID;
}

/*
 * Validates the block at the current position, reading what it needs. While
 * resynchronising (span not NULL) the checksum comes from the span's
 * prefixes, so a candidate costs the same whatever length it claims.
 */
static int check_here(struct crf_reader *r, struct span_crc *span, enum verdict *v,
		      uint32_t *total, const char **why, struct crf_error *err)
{
	int sys_errno = 0;
	int ret = byte_input_fill(&r->in, CRF_BLOCK_HEADER_SIZE, &sys_errno);
	const uint8_t *p;

	if (!ret) {
		*v = check_header(byte_input_peek(&r->in), r->in.avail, total, why);
		if (*v != BLOCK_VALID)
			return CRF_OK;
		ret = byte_input_fill(&r->in, *total, &sys_errno);
	}
	if (ret) {
		if (err) {
			err->code = ret;
			err->sys_errno = sys_errno;
			err->offset = r->in.offset + r->in.avail;
			err->detail = ret == CRF_ERR_IO ? "read failed" : "no memory for a block";
		}
		return ret;
	}
	p = byte_input_peek(&r->in);
	if (!span || r->in.avail < *total) {
		*v = check_whole(p, r->in.avail, *total, why);
		return CRF_OK;
	}
	if (crf_get_le32(p + *total - CRF_BLOCK_TRAILER_SIZE) != *total) {
		*v = BLOCK_INVALID;
		return CRF_OK;
	}
	ret = span_crc_extend(span, r->in.offset, p, r->in.avail,
			      r->in.offset + *total - CRF_BLOCK_TRAILER_SIZE);
	if (ret)
		return ret;
	/* The window always holds what the prefixes need; should it not, check the long way. */
	if (!span_crc_covers(span, r->in.offset, *total)) {
		*v = check_whole(p, r->in.avail, *total, why);
		return CRF_OK;
	}
	*v = span_crc_block(span, p, r->in.offset, *total) == crf_get_le32(p + CRF_BLK_OFF_CRC) ?
	     BLOCK_VALID : BLOCK_INVALID;
	return CRF_OK;
}

/*
 * Two recordings concatenated (cat a.crf b.crf): the second one's ids
 * collide with the first one's, so its blocks cannot be read as part of
 * this file. Stop at its header and say so, rather than misreading it.
 */
static int stop_at_second_recording(struct crf_reader *r)
{
	uint64_t start = r->in.offset;
	int sys_errno = 0;

	do {
		byte_input_consume(&r->in, r->in.avail);
		if (byte_input_fill(&r->in, 1, &sys_errno))
			break; /* an error while skipping what is not read anyway */
	} while (r->in.avail);
	damage_note_region(&r->rec, start, r->in.offset - start, CRF_ERR_CORRUPT,
			   "another recording starts here (concatenated files: read them one by one)");
	return 0;
}

int scanner_next_block(struct crf_reader *r, uint32_t *total, struct crf_error *err)
{
	uint64_t start;
	enum verdict first, v;
	const char *why = NULL, *ignored;
	int ret;

	ret = check_here(r, NULL, &first, total, &why, err);
	if (ret)
		return ret;
	if (first == BLOCK_VALID)
		return 1;
	if (r->in.avail >= CRF_MAGIC_LEN && !memcmp(byte_input_peek(&r->in), CRF_MAGIC, CRF_MAGIC_LEN))
		return stop_at_second_recording(r);
	start = r->in.offset;
	if (first == BLOCK_INCOMPLETE && !r->in.avail)
		return 0; /* a clean end of input between blocks */

	/* Slide forward in 4-byte steps (blocks are 4-aligned) to a valid block. */
	ret = span_crc_start(&r->resync, start);
	if (ret)
		return ret;
	for (;;) {
		size_t step = r->in.avail < 4 ? r->in.avail : 4;

		/* Hash the bytes about to leave the window: later candidates' spans hold them. */
		ret = span_crc_extend(&r->resync, r->in.offset, byte_input_peek(&r->in), r->in.avail,
				      r->in.offset + step);
		if (ret)
			return ret;
		byte_input_consume(&r->in, step);
		span_crc_forget_before(&r->resync, r->in.offset);
		ret = check_here(r, &r->resync, &v, total, &ignored, err);
		if (ret)
			return ret;
		if (v == BLOCK_VALID) {
			damage_note_region(&r->rec, start, r->in.offset - start, CRF_ERR_CORRUPT,
					   why);
			return 1;
		}
		if (!r->in.avail)
			break;
	}
	if (first == BLOCK_INCOMPLETE) {
		damage_note_truncation(&r->rec, start);
	} else {
		damage_note_region(&r->rec, start, r->in.offset - start, CRF_ERR_CORRUPT, why);
	}
	return 0;
}
