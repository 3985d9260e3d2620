/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * span_crc.h - block checksums in constant time while resynchronising.
 *
 * After damage the scanner tries a block start every 4 bytes. Hostile or
 * unlucky bytes can pass every length check at each of them, and checking
 * each candidate's CRC over its whole length would make the scan quadratic
 * (minutes for a few MiB). Instead the CRC-32 of every prefix of the
 * scanned bytes is computed once, at 4-byte steps, and the CRC of any span
 * follows from two prefixes (CRC-32 is linear: zlib's crc32_combine_op):
 * each byte is hashed once, each candidate costs two multiplications.
 */
#ifndef CRF_SPAN_CRC_H
#define CRF_SPAN_CRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct span_crc {
	uint64_t base;      /* file offset of prefix[0] */
	uint32_t *prefix;   /* prefix[k]: CRC-32 of the bytes from base to base + 4k */
	size_t count;       /* prefixes computed (at least 1 once started) */
	size_t cap;
	uint32_t op_len;    /* span length op was made for (0: none yet) */
	unsigned long op;   /* crc32_combine_gen(op_len) */
};

/* Starts over with the scan at offset (a 4-aligned block position). */
int span_crc_start(struct span_crc *s, uint64_t offset);

/*
 * Hashes the bytes up to end (base + a multiple of 4) from the window that
 * holds data[0 .. avail) at window_offset. The window must still hold the
 * bytes after the last prefix: the caller extends before it consumes.
 * CRF_OK or CRF_ERR_NOMEM.
 */
int span_crc_extend(struct span_crc *s, uint64_t window_offset, const uint8_t *data, size_t avail,
		    uint64_t end);

/* Whether the prefixes reach from offset to the end of a block of total bytes there. */
bool span_crc_covers(const struct span_crc *s, uint64_t offset, uint32_t total);

/*
 * The block checksum (FORMAT.md "Block structure": bytes 0-11, then the
 * body and padding) of the total bytes at offset, whose prefixes up to
 * offset + total - 4 were extended.
 */
uint32_t span_crc_block(struct span_crc *s, const uint8_t *block, uint64_t offset, uint32_t total);

/* Forgets prefixes before offset, so memory follows the window, not the scan. */
void span_crc_forget_before(struct span_crc *s, uint64_t offset);

void span_crc_release(struct span_crc *s);

#endif /* CRF_SPAN_CRC_H */
