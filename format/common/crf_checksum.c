// SPDX-License-Identifier: GPL-2.0-only
/* crf_checksum.c - the two CRC-32 computations FORMAT.md defines. */
#include <zlib.h>

#include "crf_layout.h"

uint32_t crf_block_crc(const uint8_t *block, uint32_t total)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, block, CRF_BLK_OFF_CRC);
	crc = crc32(crc, block + CRF_BLOCK_HEADER_SIZE,
		    total - CRF_BLOCK_HEADER_SIZE - CRF_BLOCK_TRAILER_SIZE);
	return (uint32_t)crc;
}

uint32_t crf_header_crc(const uint8_t *header, uint32_t header_length)
{
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, header, CRF_HDR_OFF_CRC);
	crc = crc32(crc, header + CRF_FILE_HEADER_SIZE, header_length - CRF_FILE_HEADER_SIZE);
	return (uint32_t)crc;
}
